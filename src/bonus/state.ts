import { JournaledList, JournaledMap, type Journal } from '../ledger/journal.ts';
import { catalogOf, type GameCatalog, type GameRow } from '../play/catalog.ts';
import type { BonusPlay, RoundStakes } from '../play/bonus.ts';
import type { ManualMovementStamp } from '../platform/operator.ts';
import { PairSet } from './pair-set.ts';

export type BonusStatus = 'pending' | 'active' | 'converted' | 'expired' | 'forfeited';

/** One grant as the participant holds it (replaced, never mutated, so the journal can undo a change). */
export interface BonusRow {
  id: string;
  player: string;
  asset: string;
  amount_minor: bigint;
  multiplier: number;
  required_minor: bigint;
  wagered_minor: bigint;
  status: BonusStatus;
  expires_at: Date;
  max_bet_minor: bigint | null;
  max_conversion_minor: bigint | null;
  created_at: Date;
  ended_at: Date | null;
  /** Who granted it and why (SPEC §4); copied into its bonus_grant transfer. Null for grants before migration 081. */
  granted_by?: ManualMovementStamp | null;
}

/** A split of this batch, or a stored one: a win whose bonus part did not go to the bonus account (BonusHook.won). */
export interface PlayRow extends Omit<BonusPlay, 'bonus_id'> {
  bonus_id: string;
  player: string;
  currency: string;
  created_at: Date;
}

/** What the participant reads once per batch. */
export interface BonusRows {
  bonuses: BonusRow[];
  plays: PlayRow[];
  games: Pick<GameRow, 'provider' | 'game' | 'category'>[];
  contributions: { category: string; percent: number }[];
  /** The first read already read the catalog (it does for a batch with players expected to hold a grant). */
  catalog_read: boolean;
  /**
   * Whether some process had live subscribers when the batch read (read with the catalog; true when not
   * read): without any, the batch makes no live messages.
   */
  listened: boolean;
}

/**
 * The bonus state of one batch: the live and recently ended grants of the batch's players (by id, and
 * the live ones per player and asset in grant order), the splits of this batch and the stored ones its
 * rollbacks name, and what this batch staked in (or rolled back from) each round.
 * Every write goes through the journal: a refused command leaves nothing behind.
 */
export interface BonusState {
  bonuses: JournaledMap<string, BonusRow>;
  /** Live (pending or active) grant ids per player\0asset, in grant order; the active one, if any, first. */
  live: JournaledMap<string, readonly string[]>;
  plays: JournaledMap<string, PlayRow>;
  rounds: JournaledMap<string, RoundStakes>;
  /** Grants created in this batch (inserted) and committed ones changed (updated). */
  inserted: JournaledList<string>;
  changed: JournaledMap<string, true>;
  new_plays: JournaledList<string>;
  marked_plays: JournaledMap<string, true>;
  /** Committed grants as read (never changed): a changed grant whose status stayed is a wagering update only. */
  committed_bonuses: Map<string, BonusRow>;
  committed_plays: Set<string>;
  /** The batch's live messages are wanted (BonusRows.listened). */
  listened: boolean;
  /** (player, asset) of every grant read (live or recently ended): their bonus accounts are locked. */
  read_pairs: PairSet;
  catalog: GameCatalog;
}

export function liveKey(player: string, asset: string): string {
  return `${player}\u0000${asset}`;
}

export function newState(rows: BonusRows | undefined, journal: Journal): BonusState {
  const state: BonusState = {
    bonuses: new JournaledMap(journal),
    live: new JournaledMap(journal),
    plays: new JournaledMap(journal),
    rounds: new JournaledMap(journal),
    inserted: new JournaledList(journal),
    changed: new JournaledMap(journal),
    new_plays: new JournaledList(journal),
    marked_plays: new JournaledMap(journal),
    committed_bonuses: new Map(),
    committed_plays: new Set(),
    read_pairs: new PairSet(),
    listened: rows?.listened ?? true,
    catalog: catalogOf(rows?.games ?? [], rows?.contributions ?? []),
  };
  const live = new Map<string, BonusRow[]>();
  for (const row of rows?.bonuses ?? []) {
    state.bonuses.set(row.id, row);
    state.committed_bonuses.set(row.id, row);
    state.read_pairs.add(row.player, row.asset);
    if (row.status !== 'pending' && row.status !== 'active') continue;
    const list = live.get(liveKey(row.player, row.asset)) ?? [];
    list.push(row);
    live.set(liveKey(row.player, row.asset), list);
  }
  // Rows arrive in grant order; the active one goes first.
  for (const [key, list] of live)
    state.live.set(
      key,
      [...list.filter((b) => b.status === 'active'), ...list.filter((b) => b.status === 'pending')].map((b) => b.id),
    );
  // Stored splits are wins paid to cash or the pool: a round's committed stakes are on the protocols' rows.
  for (const play of rows?.plays ?? []) {
    state.plays.set(play.transfer_id, play);
    state.committed_plays.add(play.transfer_id);
  }
  return state;
}

/** Adds (sign 1) or removes (sign −1) a bet's parts from its round's stakes. */
export function addStake(
  state: BonusState,
  round_key: string,
  play: Pick<PlayRow, 'bonus_id' | 'cash_minor' | 'bonus_minor'>,
  sign: 1n | -1n,
): void {
  const previous = state.rounds.get(round_key);
  state.rounds.set(round_key, {
    bonus_id: play.bonus_id,
    cash_minor: (previous?.cash_minor ?? 0n) + sign * play.cash_minor,
    bonus_minor: (previous?.bonus_minor ?? 0n) + sign * play.bonus_minor,
  });
}

/** Replaces a grant (journaled) and marks it for writing. */
export function putBonus(state: BonusState, row: BonusRow): void {
  state.bonuses.set(row.id, row);
  if (state.committed_bonuses.has(row.id)) state.changed.set(row.id, true);
}

/** The active grant of a player and asset, if any. */
export function activeOf(state: BonusState, player: string, asset: string): BonusRow | undefined {
  const first = state.live.get(liveKey(player, asset))?.[0];
  const row = first === undefined ? undefined : state.bonuses.get(first);
  return row?.status === 'active' ? row : undefined;
}

/** (player, asset) pairs, each once, in first-seen order, as the column arrays the reads unnest. */
export function distinctPairs(rows: { player: string; asset: string }[]): { players: string[]; assets: string[] } {
  const seen = new PairSet();
  const pairs = { players: [] as string[], assets: [] as string[] };
  for (const { player, asset } of rows) {
    if (!seen.add(player, asset)) continue;
    pairs.players.push(player);
    pairs.assets.push(asset);
  }
  return pairs;
}
