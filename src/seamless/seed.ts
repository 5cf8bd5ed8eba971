import type { AppContext } from '../platform/context.ts';

/** Demo data of the seamless module; idempotent (safe to run again). */
export async function seedSeamless(_ctx: AppContext): Promise<string[]> {
  return [];
}
