import { RTP_BUCKET_MS } from './limits.ts';
import type { RollupDelta } from './store.ts';
import type { ActionRow } from './types.ts';

/** The start of the rollup bucket an action was processed in (UTC hours), in epoch milliseconds. */
export function bucketStartMs(processed_at: Date): number {
  return Math.floor(processed_at.getTime() / RTP_BUCKET_MS) * RTP_BUCKET_MS;
}

/**
 * What one batch adds to the hourly rollups, summed per (user, currency, hour) and sorted by key.
 * Only bets and wins count, in the hour they were processed, each once in `actions`: a live one adds to rounds/total_bet or
 * total_win; a cancelled one (rolled back in this batch or in advance) to total_rollback_*. A committed
 * one rolled back by this batch moves its amount from the live totals to the rollback totals of its hour.
 */
export function rollupDeltas(inserted: ActionRow[], rolled_back_committed: ActionRow[]): RollupDelta[] {
  const deltas = new Map<string, RollupDelta>();
  for (const row of inserted) {
    if (row.action === 'rollback') continue;
    const delta = deltaOf(deltas, row);
    delta.actions += 1n;
    if (row.rolled_back) addCancelled(delta, row);
    else addLive(delta, row, 1n);
  }
  for (const row of rolled_back_committed) {
    const delta = deltaOf(deltas, row);
    addLive(delta, row, -1n);
    addCancelled(delta, row);
  }
  return [...deltas.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d);
}

function deltaOf(deltas: Map<string, RollupDelta>, row: ActionRow): RollupDelta {
  const hour_ms = bucketStartMs(row.created_at);
  const key = `${row.user_id}\u0000${row.currency}\u0000${hour_ms}`;
  let delta = deltas.get(key);
  if (!delta) {
    delta = {
      user_id: row.user_id, currency: row.currency, hour_start: new Date(hour_ms), actions: 0n, rounds: 0n,
      total_bet_minor: 0n, total_win_minor: 0n, total_rollback_bet_minor: 0n, total_rollback_win_minor: 0n,
    };
    deltas.set(key, delta);
  }
  return delta;
}

function addLive(delta: RollupDelta, row: ActionRow, sign: 1n | -1n): void {
  if (row.action === 'bet') {
    delta.rounds += sign;
    delta.total_bet_minor += sign * row.amount_minor!;
  } else {
    delta.total_win_minor += sign * row.amount_minor!;
  }
}

function addCancelled(delta: RollupDelta, row: ActionRow): void {
  if (row.action === 'bet') delta.total_rollback_bet_minor += row.amount_minor!;
  else delta.total_rollback_win_minor += row.amount_minor!;
}
