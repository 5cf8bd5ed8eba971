import { RTP_BUCKET_MS } from './limits.ts';
import type { RollupDelta } from './store.ts';
import type { ActionRow } from './types.ts';

/** The start of the rollup bucket an action was processed in (UTC hours). */
export function bucketStart(processed_at: Date): Date {
  return new Date(Math.floor(processed_at.getTime() / RTP_BUCKET_MS) * RTP_BUCKET_MS);
}

/**
 * What one batch adds to the hourly rollups, summed per (user, currency, hour) and sorted by key.
 * Only bets and wins count, in the hour they were processed: a live one adds to rounds/total_bet or
 * total_win; a cancelled one (rolled back in this batch or in advance) to total_rollback_*. A committed
 * one rolled back by this batch moves its amount from the live totals to the rollback totals of its hour.
 */
export function rollupDeltas(inserted: ActionRow[], rolled_back_committed: ActionRow[]): RollupDelta[] {
  const deltas = new Map<string, RollupDelta>();
  for (const row of inserted) {
    if (row.action !== 'rollback') add(deltas, row, row.rolled_back ? cancelled(row) : live(row, 1n));
  }
  for (const row of rolled_back_committed) {
    const undo = live(row, -1n);
    const moved = cancelled(row);
    add(deltas, row, {
      rounds: undo.rounds, total_bet_minor: undo.total_bet_minor, total_win_minor: undo.total_win_minor,
      total_rollback_bet_minor: moved.total_rollback_bet_minor, total_rollback_win_minor: moved.total_rollback_win_minor,
    });
  }
  return [...deltas.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d);
}

type Amounts = Pick<RollupDelta, 'rounds' | 'total_bet_minor' | 'total_win_minor' | 'total_rollback_bet_minor' | 'total_rollback_win_minor'>;

const ZERO: Amounts = { rounds: 0n, total_bet_minor: 0n, total_win_minor: 0n, total_rollback_bet_minor: 0n, total_rollback_win_minor: 0n };

function live(row: ActionRow, sign: 1n | -1n): Amounts {
  const amount_minor = row.amount_minor! * sign;
  return row.action === 'bet' ? { ...ZERO, rounds: sign, total_bet_minor: amount_minor } : { ...ZERO, total_win_minor: amount_minor };
}

function cancelled(row: ActionRow): Amounts {
  return row.action === 'bet' ? { ...ZERO, total_rollback_bet_minor: row.amount_minor! } : { ...ZERO, total_rollback_win_minor: row.amount_minor! };
}

function add(deltas: Map<string, RollupDelta>, row: ActionRow, amounts: Amounts): void {
  const hour_start = bucketStart(row.created_at);
  const key = `${row.user_id}\u0000${row.currency}\u0000${hour_start.toISOString()}`;
  const delta = deltas.get(key) ?? { user_id: row.user_id, currency: row.currency, hour_start, ...ZERO };
  delta.rounds += amounts.rounds;
  delta.total_bet_minor += amounts.total_bet_minor;
  delta.total_win_minor += amounts.total_win_minor;
  delta.total_rollback_bet_minor += amounts.total_rollback_bet_minor;
  delta.total_rollback_win_minor += amounts.total_rollback_win_minor;
  deltas.set(key, delta);
}
