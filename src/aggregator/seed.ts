import { fundPlayer } from '../ledger/seed.ts';
import { playerAccount } from '../ledger/types.ts';
import type { AppContext } from '../ledger/context.ts';

/** SPEC §2: the acceptance scenarios start from this player's balance. */
export const DEMO_PLAYER = { user_id: '8|USDT|USD', currency: 'USD', balance_minor: 74_322_001n } as const;
const DEMO_SEED_ID = 'aggregator-demo-8|USDT|USD';

/** Demo data of the aggregator module; idempotent (the funding is keyed by a fixed seed id). */
export async function seedAggregator(ctx: AppContext): Promise<string[]> {
  await fundPlayer(
    ctx,
    playerAccount(DEMO_PLAYER.user_id, DEMO_PLAYER.currency),
    DEMO_PLAYER.balance_minor,
    DEMO_SEED_ID,
  );
  return [`player ${DEMO_PLAYER.user_id} funded with ${DEMO_PLAYER.balance_minor} ${DEMO_PLAYER.currency} minor units`];
}
