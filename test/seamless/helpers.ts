import { hmacSha256Hex } from '../../src/platform/hmac.ts';
import { fundPlayer } from '../../src/ledger/seed.ts';
import { playerAccount } from '../../src/ledger/types.ts';
import { call, type TestServer } from '../support/server.ts';

export const CASINO_SECRET = 'casino-secret';
export const PROVIDER_SECRET = 'provider-secret';
export const ADMIN = { authorization: 'Bearer dev-admin-key' };

/** A provider callback, signed over the exact bytes sent. */
export function casino(base: string, path: string, body: unknown, secret = CASINO_SECRET) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return call(base, 'POST', path, text, { 'x-casino-signature': hmacSha256Hex(secret, text) });
}

/** A call to the provider, signed with PROVIDER_SECRET. */
export function provider(base: string, path: string, body: unknown, secret = PROVIDER_SECRET) {
  const text = JSON.stringify(body);
  return call(base, 'POST', path, text, { 'x-provider-signature': hmacSha256Hex(secret, text) });
}

export async function launch(
  base: string,
  userId: string | number,
  gameId: string | number = '1',
  currency = 'USD',
): Promise<string> {
  const r = await call(base, 'POST', '/casino/launchGame', { userId, gameId, currency }, ADMIN);
  if (r.status !== 200) throw new Error(`launch failed: ${r.status} ${r.text}`);
  return r.json.sessionToken as string;
}

let counter = 0;
/** A fresh id per call of a test file. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

export interface Player {
  user: string;
  token: string;
  /** The session part of every callback body. */
  base: { sessionToken: string; userId: string; currency: string };
}

/** A fresh player with `amount_minor` USD and a launched session for `game`. */
export async function newPlayer(s: TestServer, amount_minor: bigint, game = '1'): Promise<Player> {
  const user = uid('p');
  await fundPlayer(s.ctx, playerAccount(user, 'USD'), amount_minor, `test-${user}`);
  const token = await launch(s.url, user, game);
  return { user, token, base: { sessionToken: token, userId: user, currency: 'USD' } };
}

export async function balanceOf(s: TestServer, user: string, currency = 'USD'): Promise<bigint> {
  return (await s.ctx.ledger.account(playerAccount(user, currency)))!.balance_minor;
}

/** Rows the casino keeps for a user, and the seamless transfers that moved their money. */
export async function footprint(s: TestServer, user: string): Promise<{ rows: number; transfers: number }> {
  const [{ rows }] = await s.db.sql`select count(*)::int as rows from seamless_transactions where user_id = ${user}`;
  const [{ transfers }] = await s.db.sql`
    select count(*)::int as transfers from transfers t join accounts a on a.id in (t.from_account_id, t.to_account_id)
    where t.scope = 'seamless' and a.kind = 'player' and a.owner = ${user}`;
  return { rows, transfers };
}
