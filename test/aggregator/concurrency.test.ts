import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type Server } from '../../src/app/runtime.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { testConfig } from '../support/db.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { assertLedgerVerifies, balance, batch, processCall, uid } from './helpers.ts';

/**
 * Concurrency (SPEC §1, §2): every answer is clean (never a 500) and every action is applied exactly
 * once, within one process (same group-commit batch or consecutive ones) and across two processes
 * sharing the database.
 */
let server: TestServer;
let second: Server;

before(async () => {
  server = await startTestServer();
  const config = testConfig({ DATABASE_URL: server.db.url });
  second = await startServer(config, createLogger(config.log_level));
});
after(async () => {
  await second.stop();
  await server.close();
});

function statuses(results: { status: number }[]): Record<number, number> {
  const counted: Record<number, number> = {};
  for (const r of results) counted[r.status] = (counted[r.status] ?? 0) + 1;
  return counted;
}

describe('concurrent requests', () => {
  test('simultaneous first requests for a new player: one wallet, every win applied once', async () => {
    const user = uid('newcomer');
    const requests = Array.from({ length: 30 }, (_, i) =>
      batch(user, [{ action: 'win', action_id: uid(`w${i}`), amount: i + 1 }]),
    );
    const results = await Promise.all(requests.map((body, i) => processCall(i % 2 ? second.url : server.url, body)));
    assert.deepEqual(statuses(results), { 200: 30 });
    assert.equal(await balance(server.url, user), (30 * 31) / 2);
    const [{ n }] = await server.db.sql`select count(*)::int as n from accounts where owner = ${user}`;
    assert.equal(n, 1);
  });

  test('simultaneous first balance lookups for a new player create one wallet and answer 0', async () => {
    const user = uid('looker');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        processCall(i % 2 ? second.url : server.url, { user_id: user, currency: 'EUR' }),
      ),
    );
    assert.deepEqual(statuses(results), { 200: 20 });
    for (const r of results) assert.deepEqual(r.json, { balance: 0 });
    const [{ n }] = await server.db.sql`select count(*)::int as n from accounts where owner = ${user}`;
    assert.equal(n, 1);
  });

  test('the same request 50 times at once: applied once, every answer carries the same tx_ids', async () => {
    const user = uid('repeater');
    await processCall(server.url, batch(user, [{ action: 'win', action_id: uid('fund'), amount: 1000 }]));
    const bet = uid('b');
    const body = batch(user, [
      { action: 'bet', action_id: bet, amount: 100 },
      { action: 'win', action_id: uid('w'), amount: 30 },
      { action: 'rollback', action_id: uid('rb'), original_action_id: bet },
      { action: 'bet', action_id: uid('b'), amount: 200 },
    ]);
    const results = await Promise.all(Array.from({ length: 50 }, () => processCall(server.url, body)));
    assert.deepEqual(statuses(results), { 200: 50 });
    const first = JSON.stringify(results[0].json.transactions);
    for (const r of results) assert.equal(JSON.stringify(r.json.transactions), first);
    assert.equal(await balance(server.url, user), 1000 + 30 - 200);
  });

  test('the same request 25 times at each of two processes: applied once, same tx_ids everywhere', async () => {
    const user = uid('two-processes');
    await processCall(server.url, batch(user, [{ action: 'win', action_id: uid('fund'), amount: 500 }]));
    const body = batch(user, [
      { action: 'bet', action_id: uid('b'), amount: 120 },
      { action: 'win', action_id: uid('w'), amount: 20 },
    ]);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => processCall(i % 2 ? second.url : server.url, body)),
    );
    assert.deepEqual(statuses(results), { 200: 50 });
    assert.equal(new Set(results.map((r) => JSON.stringify(r.json.transactions))).size, 1);
    assert.equal(await balance(server.url, user), 400);
  });

  test('one action_id raced by two players in two currencies: one wins, the other gets 409, never a 500', async () => {
    for (let round = 0; round < 5; round++) {
      const id = uid('contested');
      const a = batch(uid('racer-a'), [{ action: 'win', action_id: id, amount: 5 }]);
      const b = { ...batch(uid('racer-b'), [{ action: 'win', action_id: id, amount: 5 }]), currency: 'EUR' };
      const results = await Promise.all([processCall(server.url, a), processCall(second.url, b)]);
      assert.deepEqual(statuses(results), { 200: 1, 409: 1 });
    }
  });

  test("a random concurrent workload keeps every balance equal to its players' accepted actions", async () => {
    const players = Array.from({ length: 6 }, () => uid('mixed'));
    const expected = new Map(players.map((p) => [p, 0]));
    await Promise.all(
      players.map(async (p) => {
        await processCall(server.url, batch(p, [{ action: 'win', action_id: uid('fund'), amount: 10_000 }]));
        expected.set(p, 10_000);
      }),
    );
    // Each player's requests run in sequence (a player plays one round at a time), players in parallel.
    await Promise.all(
      players.map(async (p, index) => {
        for (let i = 0; i < 15; i++) {
          const bet = uid('b');
          const amount = 1 + ((index * 31 + i * 17) % 400);
          const win = (i * 7) % 3 === 0 ? amount * 2 : 0;
          const rollback = i % 5 === 0;
          const actions = [
            { action: 'bet' as const, action_id: bet, amount },
            { action: 'win' as const, action_id: uid('w'), amount: win },
          ];
          const body = batch(
            p,
            rollback
              ? [...actions, { action: 'rollback' as const, action_id: uid('rb'), original_action_id: bet }]
              : actions,
          );
          const r = await processCall(index % 2 ? second.url : server.url, body);
          assert.equal(r.status, 200, r.text);
          expected.set(p, expected.get(p)! + win - (rollback ? 0 : amount));
          assert.equal(r.json.balance, expected.get(p));
        }
      }),
    );
    for (const p of players) assert.equal(await balance(server.url, p), expected.get(p));
  });

  test('the ledger verifies after the concurrent workloads', async () => {
    await assertLedgerVerifies(server.db.sql);
  });
});
