import type { TransactionSql } from '../db/sql.ts';
import type { PendingStatement } from '../ledger/command.ts';
import { JournaledMap, type Journal } from '../ledger/journal.ts';
import type { PlayEvent, PlayParticipant } from '../play/events.ts';
import type { Round } from '../play/round.ts';
import { ROLLUP_BUCKET_MS } from './limits.ts';
import { GameTotals } from './totals.ts';

/** One rollup row's key and what this batch adds to it. */
export interface RollupDelta extends GameTotals {
  win_count: bigint;
  bonus_bets_minor: bigint;
  bonus_wins_minor: bigint;
  player: string;
  currency: string;
  hour_start: Date;
  surface: Round['surface'];
  provider: string;
  game: string;
}

/** The start of the rollup bucket an action was processed in (UTC hours), in epoch milliseconds. */
export function bucketStartMs(processed_at: Date): number {
  return Math.floor(processed_at.getTime() / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
}

type State = JournaledMap<string, RollupDelta>;

/**
 * The hourly game rollups (SPEC §6), fed by every surface's play in the same transaction as the money:
 * deltas are summed per row key while commands are decided (journaled, so a refused command adds
 * nothing) and written with one upsert per batch, sorted by key (one lock order everywhere).
 */
export const rollupParticipant: PlayParticipant<State> = {
  name: 'reports.rollups',

  state(_rows: unknown, journal: Journal): State {
    return new JournaledMap(journal);
  },

  onPlay(state: State, event: PlayEvent): void {
    const amount = event.amount_minor;
    const bonus = event.bonus_minor ?? 0n;
    if (event.type === 'rollback') {
      // The amount (and its bonus part) leaves the live totals of the hour the original was processed in.
      const delta = deltaOf(state, event.round, event.original.at);
      if (event.original.kind === 'bet') {
        delta.bet_count -= 1n;
        delta.bets_minor -= amount;
        delta.bonus_bets_minor -= bonus;
        delta.rolled_back_bets_minor += amount;
      } else {
        delta.win_count -= 1n;
        delta.wins_minor -= amount;
        delta.bonus_wins_minor -= bonus;
        delta.rolled_back_wins_minor += amount;
      }
      return;
    }
    const delta = deltaOf(state, event.round, event.at);
    delta.actions += 1n;
    if (event.type === 'bet') {
      delta.bet_count += 1n;
      delta.bets_minor += amount;
      delta.bonus_bets_minor += bonus;
    } else if (event.type === 'win') {
      delta.win_count += 1n;
      delta.wins_minor += amount;
      delta.bonus_wins_minor += bonus;
    } else if (event.type === 'cancelled_bet') delta.rolled_back_bets_minor += amount;
    else delta.rolled_back_wins_minor += amount;
  },

  persist(tx: TransactionSql, state: State): PendingStatement[] {
    const deltas = [...state].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d);
    return upsertRollups(tx, deltas);
  },
};

/** The delta of the row an event adds to; replaced (not mutated) so the journal can undo it. */
function deltaOf(state: State, round: Round, at: Date): RollupDelta {
  const hour_ms = bucketStartMs(at);
  const key = `${round.player}\u0000${round.currency}\u0000${hour_ms}\u0000${round.surface}\u0000${round.provider}\u0000${round.game}`;
  const previous = state.get(key);
  const delta: RollupDelta = previous
    ? { ...previous }
    : {
        player: round.player,
        currency: round.currency,
        hour_start: new Date(hour_ms),
        surface: round.surface,
        provider: round.provider,
        game: round.game,
        ...GameTotals.zero(),
        win_count: 0n,
        bonus_bets_minor: 0n,
        bonus_wins_minor: 0n,
      };
  state.set(key, delta);
  return delta;
}

function upsertRollups(tx: TransactionSql, deltas: RollupDelta[]): PendingStatement[] {
  if (deltas.length === 0) return [];
  const col = <T>(f: (d: RollupDelta) => T) => deltas.map(f);
  const num = (f: (d: RollupDelta) => bigint) => deltas.map((d) => String(f(d)));
  return [
    tx`
    insert into game_rollups as r (player, currency, hour_start, surface, provider, game, actions, bet_count, bets_minor, wins_minor,
      rolled_back_bets_minor, rolled_back_wins_minor, win_count, bonus_bets_minor, bonus_wins_minor)
    select * from unnest(
      ${col((d) => d.player)}::text[], ${col((d) => d.currency)}::text[], ${col((d) => d.hour_start.toISOString())}::timestamptz[],
      ${col((d) => d.surface)}::text[], ${col((d) => d.provider)}::text[], ${col((d) => d.game)}::text[],
      ${num((d) => d.actions)}::bigint[], ${num((d) => d.bet_count)}::bigint[], ${num((d) => d.bets_minor)}::bigint[],
      ${num((d) => d.wins_minor)}::bigint[], ${num((d) => d.rolled_back_bets_minor)}::bigint[], ${num((d) => d.rolled_back_wins_minor)}::bigint[],
      ${num((d) => d.win_count)}::bigint[], ${num((d) => d.bonus_bets_minor)}::bigint[], ${num((d) => d.bonus_wins_minor)}::bigint[])
    on conflict (player, currency, hour_start, surface, provider, game) do update set
      actions = r.actions + excluded.actions,
      bet_count = r.bet_count + excluded.bet_count,
      bets_minor = r.bets_minor + excluded.bets_minor,
      wins_minor = r.wins_minor + excluded.wins_minor,
      rolled_back_bets_minor = r.rolled_back_bets_minor + excluded.rolled_back_bets_minor,
      rolled_back_wins_minor = r.rolled_back_wins_minor + excluded.rolled_back_wins_minor,
      win_count = r.win_count + excluded.win_count,
      bonus_bets_minor = r.bonus_bets_minor + excluded.bonus_bets_minor,
      bonus_wins_minor = r.bonus_wins_minor + excluded.bonus_wins_minor`,
  ];
}
