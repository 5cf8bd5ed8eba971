import { fundPlayer } from '../ledger/seed.ts';
import { playerAccount } from '../ledger/types.ts';
import type { AppContext } from '../ledger/context.ts';

/** SPEC §4 demo players: a balance in every wallet asset, issued by the treasury. USD in cents. */
export const DEMO_WALLETS: Record<string, Record<string, bigint>> = {
  user_001: { GOLD_COINS: 1_000n, DIAMONDS: 50n, LOYALTY_POINTS: 250n, USD: 10_000n },
  user_002: { GOLD_COINS: 500n, DIAMONDS: 20n, LOYALTY_POINTS: 100n, USD: 5_000n },
};

/** Demo data of the wallet module; idempotent: each funding has a fixed seed id, applied once. */
export async function seedWallet(ctx: AppContext): Promise<string[]> {
  const lines: string[] = [];
  for (const [player_id, balances] of Object.entries(DEMO_WALLETS)) {
    for (const [asset, amount_minor] of Object.entries(balances)) {
      await fundPlayer(ctx, playerAccount(player_id, asset), amount_minor, `wallet:${player_id}:${asset}`);
    }
    lines.push(
      `${player_id}: ${Object.entries(balances)
        .map(([asset, n]) => `${n} ${asset}`)
        .join(', ')}`,
    );
  }
  return lines;
}
