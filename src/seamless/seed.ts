import { fundPlayer } from '../ledger/seed.ts';
import { playerAccount } from '../ledger/types.ts';
import type { AppContext } from '../ledger/context.ts';
import { upsertGames } from './store.ts';
import { BUILT_IN_PROVIDER } from './types.ts';

/** SPEC §3 demo: users 1 and 2 with USD wallets, games 1 and 2 at the built-in provider. */
export const DEMO_USERS = ['1', '2'];
export const DEMO_FUNDING_MINOR = 100_000n;
export const DEMO_GAMES = [
  { game_id: '1', provider: BUILT_IN_PROVIDER, name: 'Jaqpot Fruits (slot, RTP 96 %)' },
  { game_id: '2', provider: BUILT_IN_PROVIDER, name: 'Jaqpot Coin Flip (RTP 98 %)' },
];

/** Demo data of the seamless module; idempotent (safe to run again). */
export async function seedSeamless(ctx: AppContext): Promise<string[]> {
  const added = await upsertGames(ctx.sql, DEMO_GAMES);
  for (const user of DEMO_USERS)
    await fundPlayer(ctx, playerAccount(user, 'USD'), DEMO_FUNDING_MINOR, `seamless-demo-${user}`);
  return [
    `casino games ${DEMO_GAMES.map((g) => g.game_id).join(', ')} at provider ${BUILT_IN_PROVIDER} (${added} new)`,
    `users ${DEMO_USERS.join(', ')} funded with ${DEMO_FUNDING_MINOR} USD minor units once`,
  ];
}
