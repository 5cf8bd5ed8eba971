import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { assertLedgerVerifies } from '../aggregator/helpers.ts';
import { fundPlayer } from '../../src/ledger/seed.ts';
import { playerAccount } from '../../src/ledger/types.ts';

export const ADMIN = { authorization: 'Bearer dev-admin-key' };

let counter = 0;
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export const inOneHour = () => new Date(Date.now() + 3_600_000).toISOString();

/** One server for the test file (handed to `use` once started); its ledger must still verify after the file's tests. */
export function verifiedServer(use: (server: TestServer) => void): void {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    use(server);
  });
  after(async () => {
    await assertLedgerVerifies(server.ctx.sql);
    await server.close();
  });
}

/** POST a grant with a fresh Idempotency-Key (or the one given). */
export function grant(s: TestServer, player: string, body: Record<string, unknown>, key: string = randomUUID()) {
  return call(
    s.url,
    'POST',
    `/v1/players/${encodeURIComponent(player)}/bonuses`,
    { asset: 'USD', wagering_multiplier: 10, expires_at: inOneHour(), ...body },
    { ...ADMIN, 'idempotency-key': key },
  );
}

export async function grantOk(s: TestServer, player: string, body: Record<string, unknown>) {
  const r = await grant(s, player, body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

export async function bonuses(s: TestServer, player: string) {
  const r = await call(s.url, 'GET', `/v1/players/${encodeURIComponent(player)}/bonuses`, undefined, ADMIN);
  assert.equal(r.status, 200, r.text);
  return r.json.data as any[];
}

export async function wallet(s: TestServer, player: string) {
  const r = await call(s.url, 'GET', `/v1/wallets/${encodeURIComponent(player)}`, undefined, ADMIN);
  assert.equal(r.status, 200, r.text);
  return r.json as { balances: Record<string, number>; bonus_balances: Record<string, number> };
}

export async function fund(s: TestServer, player: string, amount_minor: bigint): Promise<void> {
  await fundPlayer(s.ctx, playerAccount(player, 'USD'), amount_minor, `bonus-test-${player}`);
}
