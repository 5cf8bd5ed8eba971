import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testContext, type TestDatabase } from '../support/db.ts';
import { createSql } from '../../src/db/sql.ts';
import { Ledger } from '../../src/ledger/service.ts';
import type { AppContext } from '../../src/ledger/context.ts';
import { readState, takeBudget } from '../../src/transactions/state.ts';
import { FakeUpstream } from './fake-upstream.ts';
import { assertMatchesTruth, caughtUpPast, fastConfig, makeItems, startPuller } from './helpers.ts';

let db: TestDatabase;
let ctx: AppContext;
let upstream: FakeUpstream;

beforeEach(async () => {
  db = await createTestDatabase();
  ctx = testContext(db);
  upstream = await new FakeUpstream({ requests: 5, window_ms: 6000 }).start();
});
afterEach(async () => {
  await upstream.stop();
  await ctx.ledger.close();
  await db.drop();
});

const gaps_ms = (times: number[]) => times.slice(1).map((t, i) => t - times[i]);

describe('an upstream that refuses', () => {
  test('a storm of four 429s with Retry-After: 1 is obeyed (a second between asks), counted, and recovered from', async () => {
    const items = makeItems(50, (i) => new Date(Date.now() - 10_000 + i));
    upstream.add(...items);
    upstream.faults.push(429, 429, 429, 429);
    const job = startPuller(ctx, fastConfig(upstream.url));
    await caughtUpPast(ctx, new Date());
    await job.stop();
    const storm = upstream.requests.slice(0, 5).map((r) => r.at_ms);
    assert.ok(
      gaps_ms(storm).every((g) => g >= 950),
      `gaps ${gaps_ms(storm)}`,
    );
    const state = await readState(db.sql);
    assert.equal(state.throttled_total, 4n);
    assert.match(state.last_error ?? '', /429/);
    assert.equal(Number(state.requests_total), upstream.requests.length, 'every request sent is counted');
    assert.ok(upstream.maxRequestsInWindow(6000) <= 5);
    await assertMatchesTruth(db.sql, items);
  });

  test('5xx without Retry-After backs off exponentially (1 s, 2 s, 4 s), counted as errors, never a tight loop', async () => {
    const items = makeItems(20, (i) => new Date(Date.now() - 10_000 + i));
    upstream.add(...items);
    upstream.fault_retry_after_s = null;
    upstream.faults.push(500, 503, 502);
    const job = startPuller(ctx, fastConfig(upstream.url, { TRANSACTIONS_API_BUDGET: '20/6s' }));
    await caughtUpPast(ctx, new Date(), 40_000);
    await job.stop();
    const gaps = gaps_ms(upstream.requests.slice(0, 4).map((r) => r.at_ms));
    assert.ok(gaps[0] >= 950 && gaps[1] >= 1950 && gaps[2] >= 3950, `gaps ${gaps}`);
    const state = await readState(db.sql);
    assert.equal(state.errors_total, 3n);
    await assertMatchesTruth(db.sql, items);
  });

  test('an unreachable upstream is an error with a back-off, not a crash', async () => {
    const dead = fastConfig('http://127.0.0.1:9');
    const job = startPuller(ctx, dead);
    await new Promise((r) => setTimeout(r, 2500));
    await job.stop();
    const state = await readState(db.sql);
    assert.ok(state.errors_total >= 1n && state.errors_total <= 3n, `${state.errors_total} attempts in 2.5 s`);
    assert.match(state.last_error ?? '', /unreachable/);
  });
});

describe('the global budget', () => {
  test('two processes asking at once for 20 s of 5/3s budget are granted at most 5 in any 3 s window', async () => {
    const other = createSql(db.url, 4);
    const grants: number[] = [];
    const budget = { requests: 5, window_ms: 3000 };
    const until = Date.now() + 7000;
    const ask = async (sql: typeof db.sql) => {
      while (Date.now() < until) {
        const taken = await takeBudget(sql, budget);
        if (taken.granted) grants.push(Date.now());
        else await new Promise((r) => setTimeout(r, Math.min(taken.wait_ms, 50)));
      }
    };
    await Promise.all([ask(db.sql), ask(other), ask(db.sql), ask(other)]);
    await other.end();
    grants.sort((a, b) => a - b);
    for (let i = 5; i < grants.length; i++)
      assert.ok(grants[i] - grants[i - 5] >= 2900, `6 grants within ${grants[i] - grants[i - 5]} ms`);
    assert.ok(grants.length >= 10, `${grants.length} grants`);
  });

  test('two pullers on one database (two pools, two ledgers) never exceed the budget together and count every item once', async () => {
    const items = makeItems(4500, (i) => new Date(Date.now() - 60_000 + i * 10), 'two');
    upstream.add(...items);
    const sql2 = createSql(db.url, 10);
    const ctx2: AppContext = { ...ctx, sql: sql2, ledger: new Ledger(sql2, ctx.logger) };
    // Short leases so both really take turns; the shared budget table is what keeps them within it.
    const a = startPuller(ctx, fastConfig(upstream.url), { owner: 'a', lease_ms: 400 });
    const b = startPuller(ctx2, fastConfig(upstream.url), { owner: 'b', lease_ms: 400 });
    await caughtUpPast(ctx, new Date(), 60_000);
    await Promise.all([a.stop(), b.stop()]);
    await ctx2.ledger.close();
    await sql2.end();
    assert.ok(upstream.maxRequestsInWindow(6000) <= 5, `max ${upstream.maxRequestsInWindow(6000)} per 6 s`);
    assert.equal(upstream.requests.filter((r) => r.status === 429).length, 0);
    await assertMatchesTruth(db.sql, items);
  });
});
