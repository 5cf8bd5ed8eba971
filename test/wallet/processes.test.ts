import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startServer, type Server } from '../../src/app/runtime.ts';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/db.ts';
import { API_KEY, balanceOf, post } from './helpers.ts';

/** Several servers (each its own pool, ledger writer and in-flight map, as separate processes have) on one database. */
let db: TestDatabase;
const running: Server[] = [];

async function serverOn(env: Record<string, string> = {}): Promise<Server> {
  const config = testConfig({ DATABASE_URL: db.url, ...env });
  const server = await startServer(config, createLogger(config.log_level));
  running.push(server);
  return server;
}

async function stop(server: Server): Promise<void> {
  await server.stop();
  running.splice(running.indexOf(server), 1);
}

before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  for (const server of [...running]) await stop(server);
  await db.drop();
});

describe('idempotency across restarts and processes', () => {
  test('a replay after a server restart returns the stored response byte for byte', async () => {
    const key = randomUUID();
    const body = { asset: 'GOLD_COINS', amount: 42, description: 'before the restart' };
    const first_server = await serverOn();
    const first = await post(first_server.url, '/v1/wallets/r_restart/topup', body, { key });
    assert.equal(first.status, 201);
    await stop(first_server);

    const second_server = await serverOn();
    const replay = await post(second_server.url, '/v1/wallets/r_restart/topup', body, { key });
    assert.equal(replay.status, 201);
    assert.equal(replay.text, first.text);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(await balanceOf(second_server.url, 'r_restart', 'GOLD_COINS'), 42);
    await stop(second_server);
  });

  test('keys are scoped to the API key: the same key under another API key is another request', async () => {
    const a = await serverOn();
    const b = await serverOn({ ADMIN_API_KEY: 'second-operator-key' });
    const key = randomUUID();
    const body = { asset: 'DIAMONDS', amount: 5 };
    const under_a = await post(a.url, '/v1/wallets/r_scope/topup', body, { key, api_key: API_KEY });
    const under_b = await post(b.url, '/v1/wallets/r_scope/topup', body, { key, api_key: 'second-operator-key' });
    assert.equal(under_a.status, 201);
    assert.equal(under_b.status, 201);
    assert.equal(under_b.headers.get('idempotent-replayed'), null);
    assert.notEqual(under_b.json.transactionId, under_a.json.transactionId);
    assert.equal(await balanceOf(a.url, 'r_scope', 'DIAMONDS'), 10);
    const hashes = await db.sql`select api_key_hash from wallet_idempotency_keys where idempotency_key = ${key}`;
    assert.equal(hashes.length, 2);
    const stored = await db.sql`select count(*)::int as n from wallet_idempotency_keys
      where position(convert_to(${API_KEY}, 'UTF8') in api_key_hash) > 0`;
    assert.equal(stored[0].n, 0, 'the API key itself is never stored');
    await stop(a);
    await stop(b);
  });

  test('the same key sent to two processes at once moves money once; both answers carry the same bytes or a 409', async () => {
    const a = await serverOn();
    const b = await serverOn();
    await post(a.url, '/v1/wallets/r_two/topup', { asset: 'GOLD_COINS', amount: 1 });
    const rounds = 15;
    for (let i = 0; i < rounds; i++) {
      const key = randomUUID();
      const body = { asset: 'GOLD_COINS', amount: 10 };
      const answers = await Promise.all([a, b, a, b].map((s) => post(s.url, '/v1/wallets/r_two/topup', body, { key })));
      const created = answers.filter((r) => r.status === 201);
      assert.ok(created.length >= 1, `round ${i}: ${answers.map((r) => r.status)}`);
      assert.equal(
        created.filter((r) => r.headers.get('idempotent-replayed') === null).length,
        1,
        `round ${i}: one fresh answer`,
      );
      for (const r of created) assert.equal(r.text, created[0].text);
      for (const r of answers.filter((x) => x.status !== 201)) assert.equal(r.status, 409);
    }
    assert.equal(await balanceOf(a.url, 'r_two', 'GOLD_COINS'), 1 + rounds * 10);
    await stop(a);
    await stop(b);
  });

  test('verifyLedger passes on the shared database', async () => {
    const report = await verifyLedger(db.sql);
    assert.ok(report.passed, JSON.stringify(report.checks.filter((c) => !c.passed)));
  });
});
