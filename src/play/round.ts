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
 * A round's key: its round id, or the request's own key when the protocol sent none; null without either.
 * Bonus splits are stored under it (a win is paid in the proportion of its round's stakes), and a
 * batch's commands name the keys of the rounds they pay (CommandHandler.references).
 */
export function roundKey(
  round: Pick<Round, 'surface' | 'player' | 'currency' | 'round_id' | 'request_key'>,
): string | null {
  // A round's key is asked for by its references, its bet and its win: made once per round object.
  let key = round_keys.get(round);
  if (key === undefined) {
    key = keyOf(round);
    round_keys.set(round, key);
  }
  return key;
}

// Rounds are never changed once made (a variant is a copy), so a key cached by object stays right.
const round_keys = new WeakMap<object, string | null>();

function keyOf(round: Pick<Round, 'surface' | 'player' | 'currency' | 'round_id' | 'request_key'>): string | null {
  const id = round.round_id ?? round.request_key ?? null;
  // JSON, not a separator character: unambiguous for any id, and storable as text (PostgreSQL refuses NUL).
  return id === null
    ? null
    : JSON.stringify([
        round.surface,
        round.player,
        round.currency,
        round.round_id === null ? null : id,
        round.round_id === null ? id : null,
      ]);
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
