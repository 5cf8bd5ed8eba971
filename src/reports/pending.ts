import type { Queryable } from '../db/sql.ts';

/**
 * Folds the sums batches appended to game_rollups_pending into the hour rows of game_rollups
 * (migrations 046 and 092), in one transaction: reports see each event in exactly one of the two. Returns the
 * hour rows written, or -1 when another process was folding (it takes the same rows) — unless `wait`,
 * which waits for that fold to commit and then folds what is left (before reading or moving hour rows).
 */
export async function foldPendingRollups(db: Queryable, wait = false): Promise<number> {
  const [row] = await db<{ written: string }[]>`select game_rollups_fold_pending(${wait})::text as written`;
  return Number(row.written);
}
