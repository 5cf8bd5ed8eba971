import type { Sql } from '../db/sql.ts';
import { FOLD_AFTER_DAY_END_MS, FOLD_DAY_TIMEOUT_MS, FOLD_DAYS_PER_RUN } from './limits.ts';

/**
 * Folds the day rollups (migration 045) of the days that ended FOLD_AFTER_DAY_END_MS ago and are not
 * folded yet, the oldest first, one day per transaction (a fold holds its day's lock, and a batch that
 * writes an hour row of an old day waits for it: one day at a time, never two locks, so never a deadlock).
 * Reports read a day from its day rows only once it is folded, so this only makes them faster.
 * Returns the days folded.
 */
export async function foldDays(sql: Sql, signal?: AbortSignal, days_max = FOLD_DAYS_PER_RUN): Promise<string[]> {
  const due = await sql<{ day: string }[]>`
    select d::text as day from game_rollups_days_to_fold(now() - make_interval(secs => ${FOLD_AFTER_DAY_END_MS / 1000}), ${days_max}) d`;
  const folded: string[] = [];
  for (const { day } of due) {
    if (signal?.aborted) break;
    await sql.begin(async (tx) => {
      await tx`select set_config('statement_timeout', ${String(FOLD_DAY_TIMEOUT_MS)}, true)`;
      await tx`select game_rollups_fold_day(${day}::date)`;
    });
    folded.push(day);
  }
  return folded;
}
