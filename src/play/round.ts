import { playerAccount, systemAccount, type AccountKey } from '../ledger/types.ts';

/** The game surfaces that take bets: the aggregator protocol (SPEC §2) and the casino callbacks (§3). */
export type Surface = 'aggregator' | 'casino';

/**
 * Where a bet, win or refund belongs: the surface, the game (provider and game code), the round, the
 * player and the currency. The game catalog (categories, contributions) arrives with bonus wagering;
 * it resolves from (provider, game) here.
 */
export interface Round {
  surface: Surface;
  provider: string;
  game: string;
  /** The protocol's round id (aggregator game_id, casino roundId); null when the protocol sent none. */
  round_id: string | null;
  /**
   * When the protocol sent no round id, the request itself is the round (SPEC §5): an id unique to the
   * request, so a win is paid in the proportion of the same request's stakes. Not shown anywhere.
   */
  request_key?: string;
  player: string;
  currency: string;
}

/**
 * A round's key within a batch: its round id, or the request's own key when the protocol sent none; null
 * without either. The bonus participant keeps what a batch stakes in each round under it (a win is paid
 * in the proportion of its round's stakes).
 */
export function roundKey(
  round: Pick<Round, 'surface' | 'player' | 'currency' | 'round_id' | 'request_key'>,
): string | null {
  const id = round.round_id ?? round.request_key ?? null;
  if (id === null) return null;
  // Unambiguous for any player and id: the surface and currency hold no separator, the player is
  // length-prefixed and the id is the rest, tagged round id (r) or request key (q). No NUL: the key of
  // a stored win split is a text column.
  const tag = round.round_id === null ? 'q' : 'r';
  return `${round.surface}\u0001${round.player.length}:${round.player}\u0001${round.currency}\u0001${tag}${id}`;
}

/** Aggregator `game` is "provider:game"; without a colon the provider is `default` (SPEC §5). */
export function gameOf(wire_game: string | null): { provider: string; game: string } {
  if (wire_game === null) return { provider: 'default', game: '' };
  const colon = wire_game.indexOf(':');
  if (colon < 0) return { provider: 'default', game: wire_game };
  return { provider: wire_game.slice(0, colon), game: wire_game.slice(colon + 1) };
}

/** The player's cash account and the house account of the round's currency. */
export function accountsOfRound(round: Pick<Round, 'player' | 'currency'>): { player: AccountKey; house: AccountKey } {
  return { player: playerAccount(round.player, round.currency), house: systemAccount('house', round.currency) };
}
