import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../src/platform/logger.ts';
import { startServer, type Server } from '../../src/app/runtime.ts';
import { OPERATOR_KEY_CACHE_TTL_MS } from '../../src/operators/limits.ts';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/db.ts';
import { call } from '../support/server.ts';
import { ADMIN_KEY, auditOf, bearer, createOperator, move } from './helpers.ts';

/** Two servers on one database, each with its own pool and key cache, as two processes have. */
let db: TestDatabase;
let a: Server;
let b: Server;

before(async () => {
  db = await createTestDatabase();
  const config = testConfig({ DATABASE_URL: db.url });
  a = await startServer(config, createLogger(config.log_level));
  b = await startServer(config, createLogger(config.log_level));
});
after(async () => {
  await a?.stop();
  await b?.stop();
  await db.drop();
});

// Slack for the poll interval and a loaded machine: the bound under test is the cache's TTL.
const POLL_INTERVAL_MS = 50;
const SCHEDULING_SLACK_MS = 1_000;

describe('operators across processes', () => {
  test('an operator created on one process signs in on the other at once', async () => {
    const op = await createOperator(a.url, 'operator');
    assert.equal((await call(b.url, 'GET', '/v1/players', undefined, bearer(op.apiKey))).status, 200);
  });

  test(`a key revoked on one process answers 401 on the other within OPERATOR_KEY_CACHE_TTL_MS (${OPERATOR_KEY_CACHE_TTL_MS} ms)`, async () => {
    const op = await createOperator(a.url, 'operator');
    // Both processes have the key cached.
    assert.equal((await call(a.url, 'GET', '/v1/players', undefined, bearer(op.apiKey))).status, 200);
    assert.equal((await call(b.url, 'GET', '/v1/players', undefined, bearer(op.apiKey))).status, 200);
    const revoked_at_ms = Date.now();
    assert.equal(
      (await call(a.url, 'DELETE', `/v1/operators/${op.operatorId}`, undefined, bearer(ADMIN_KEY))).status,
      200,
    );
    assert.equal(
      (await call(a.url, 'GET', '/v1/players', undefined, bearer(op.apiKey))).status,
      401,
      'the revoking process at once',
    );
    let status = 200;
    while (status !== 401 && Date.now() - revoked_at_ms < OPERATOR_KEY_CACHE_TTL_MS + SCHEDULING_SLACK_MS) {
      status = (await call(b.url, 'GET', '/v1/players', undefined, bearer(op.apiKey))).status;
      if (status !== 401) await sleep(POLL_INTERVAL_MS);
    }
    assert.equal(status, 401, 'the other process within the bound');
    assert.equal(
      (await move(b.url, op.apiKey, '/v1/wallets/p_revoked/topup', { asset: 'GOLD_COINS', amount: 1 })).status,
      401,
    );
    assert.equal(
      (await db.sql`select count(*)::int as n from accounts where owner = 'p_revoked'`)[0].n,
      0,
      'nothing moved',
    );
  });

  test('writes on both processes land in the one audit log', async () => {
    const op = await createOperator(a.url, 'operator');
    await move(a.url, op.apiKey, '/v1/wallets/p_two/topup', { asset: 'GOLD_COINS', amount: 1, reason: 'on a' });
    await move(b.url, op.apiKey, '/v1/wallets/p_two/topup', { asset: 'GOLD_COINS', amount: 1, reason: 'on b' });
    const audit = await auditOf(b.url, `?operatorId=${op.operatorId}`);
    assert.deepEqual(
      audit.entries.map((e) => e.reason),
      ['on b', 'on a'],
    );
  });
});
