import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, type Server } from '../../src/app/runtime.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { testConfig } from '../support/db.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { assertLedgerVerifies, processCall } from '../aggregator/helpers.ts';
import { ADMIN, bonuses, fund, grantOk, inOneHour, uid, wallet } from './helpers.ts';

/** Two Croupier processes on one database: grants and wagering stay exact, whichever process decides. */
let server: TestServer;
let second: Server;

before(async () => {
  server = await startTestServer();
  const config = testConfig({ DATABASE_URL: server.db.url });
  second = await startServer(config, createLogger(config.log_level));
});
after(async () => {
  await assertLedgerVerifies(server.db.sql);
  await second.stop();
  await server.close();
});

const bet = (base: string, user: string, amount: number) =>
  processCall(base, {
    user_id: user,
    currency: 'USD',
    game: 'demo:starburst',
    game_id: uid('round'),
    actions: [{ action: 'bet', action_id: uid('b'), amount }],
  });

describe('two processes', () => {
  test('20 bets of 25 split across two processes on a 100 bonus at 10× with 400 cash: wagered exactly 500, balance 0', async () => {
    const user = uid('two');
    await fund(server, user, 400n);
    await grantOk(server, user, { amount: 100 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => bet(i % 2 ? second.url : server.url, user, 25)),
    );
    for (const r of results) assert.equal(r.status, 200, r.text);
    const [b] = await bonuses(server, user);
    assert.deepEqual([b.wagered, b.bonus_balance, b.status], [500, 0, 'active']);
    assert.deepEqual((await wallet(server, user)).balances, { USD: 0 });
  });

  test('two grants at once from two processes: exactly one is active, the other pending, and one grant of money moved', async () => {
    const user = uid('two');
    const body = { asset: 'USD', amount: 100, wagering_multiplier: 1, expires_at: inOneHour() };
    const grants = await Promise.all(
      [server.url, second.url].map((base) =>
        call(base, 'POST', `/v1/players/${user}/bonuses`, body, { ...ADMIN, 'idempotency-key': randomUUID() }),
      ),
    );
    for (const g of grants) assert.equal(g.status, 201, g.text);
    assert.deepEqual(grants.map((g) => g.json.status).sort(), ['active', 'pending']);
    assert.equal((await wallet(server, user)).bonus_balances.USD, 100);
  });

  test('bets that reach the requirement from both processes convert exactly once', async () => {
    const user = uid('two');
    await fund(server, user, 100n);
    await grantOk(server, user, { amount: 100, wagering_multiplier: 1 });
    // Cash first: the first four bets take the 100 cash and reach the requirement, converting the untouched
    // 100 bonus to cash; the last four stake that converted cash.
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => bet(i % 2 ? second.url : server.url, user, 25)),
    );
    for (const r of results) assert.equal(r.status, 200, r.text);
    const [b] = await bonuses(server, user);
    assert.deepEqual([b.status, b.wagered], ['converted', 100]);
    const w = await wallet(server, user);
    assert.deepEqual([w.balances.USD, w.bonus_balances.USD], [0, 0]);
    const converts = await server.db.sql`
      select t.amount_minor from transfers t join accounts a on a.id = t.to_account_id
      where t.kind = 'bonus_convert' and a.owner = ${user}`;
    assert.deepEqual(
      converts.map((t) => t.amount_minor),
      [100n],
    );
  });
});
