import type { AppContext } from '../platform/context.ts';

/** Demo data of the aggregator module; idempotent (safe to run again). */
export async function seedAggregator(_ctx: AppContext): Promise<string[]> {
  return [];
}
