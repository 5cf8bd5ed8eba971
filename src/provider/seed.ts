import type { AppContext } from '../platform/context.ts';

/** Demo data of the provider module; idempotent (safe to run again). */
export async function seedProvider(_ctx: AppContext): Promise<string[]> {
  return [];
}
