import type { AppContext } from '../ledger/context.ts';
import { assert } from '../platform/assert.ts';
import { SYSTEM_ACCOUNT_NAMES as SYSTEM_ACCOUNTS, systemAccount, type AccountKey } from './types.ts';

/** System accounts for every asset exist before anyone needs them. */
export async function seedLedger(ctx: AppContext): Promise<string[]> {
  const assets = [...(await ctx.ledger.listAssets()).keys()];
  let created = 0;
  for (const asset of assets) {
    for (const name of SYSTEM_ACCOUNTS) {
      if (!(await ctx.ledger.account(systemAccount(name, asset)))) created++;
    }
  }
  // A zero-amount movement is not a transfer; creating accounts goes through the writer's account directory.
  await ctx.ledger.ensureAccounts(assets.flatMap((asset) => SYSTEM_ACCOUNTS.map((name) => systemAccount(name, asset))));
  return [`system accounts: ${SYSTEM_ACCOUNTS.join(', ')} for ${assets.length} assets (${created} new)`];
}

/** Funds a player from the treasury once (idempotent on the seed's external id). */
export async function fundPlayer(
  ctx: AppContext,
  player: AccountKey,
  amount_minor: bigint,
  seed_id: string,
): Promise<void> {
  const outcome = await ctx.ledger.execute([
    {
      from: systemAccount('treasury', player.asset),
      to: player,
      amount_minor,
      kind: 'seed_funding',
      scope: 'seed',
      external_id: seed_id,
    },
  ]);
  assert(outcome.ok, `seed funding ${seed_id} failed: ${outcome.ok ? '' : outcome.error.key}`);
}
