import type { AppContext } from '../platform/context.ts';

/** Demo data of the wallet module; idempotent (safe to run again). */
export async function seedWallet(_ctx: AppContext): Promise<string[]> {
  return [];
}
