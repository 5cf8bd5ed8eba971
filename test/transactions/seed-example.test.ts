import { stopTransactionsRoutes } from '../../src/transactions/routes.ts';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, testApp, testContext, type TestDatabase } from '../support/db.ts';
import type { AppContext } from '../../src/ledger/context.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { transactionsRoutes } from '../../src/transactions/routes.ts';
import { ReportCache } from '../../src/transactions/cache.ts';
import { purgeSettleKeys } from '../../src/transactions/idempotency.ts';
import { FakeUpstream } from './fake-upstream.ts';
import { caughtUpPast, eventually, fastConfig, startPuller } from './helpers.ts';

let db: TestDatabase;
let ctx: AppContext;
let upstream: FakeUpstream;
let app: FastifyInstance;
const cache = new ReportCache();
const stops: (() => Promise<void> | void)[] = [];
const auth = { authorization: 'Bearer dev-admin-key' };

before(async () => {
  db = await createTestDatabase();
  ctx = testContext(db);
  stops.push(() => stopTransactionsRoutes(ctx));
  upstream = await new FakeUpstream({ requests: 5, window_ms: 6000 }).start();
  app = await testApp(ctx, [transactionsRoutes({ reporter_max_age_s: 10, cache })]);
});
after(async () => {
  await app.close();
  for (const stop of stops) await stop();
  await upstream.stop();
  await ctx.ledger.close();
  await db.drop();
});

const settle = (user: string, key: string, body?: unknown) =>
  app.inject({
    method: 'POST',
    url: `/v1/payouts/${user}/settle`,
    headers: { ...auth, 'idempotency-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

describe('the seed example (earned 1.2, spent 12, payout 30 for user 074092)', () => {
  test('is ingested as 120, 1200 and 3000 cents; the SCR wallet goes to −4080 and the ledger verifies', async () => {
    const t0 = new Date(Date.now() - 10_000);
    upstream.add(
      { id: 'a1', userId: '074092', createdAt: t0, type: 'earned', amount: '1.2' },
      { id: 'a2', userId: '074092', createdAt: new Date(t0.getTime() + 1), type: 'spent', amount: '12' },
      { id: 'a3', userId: '074092', createdAt: new Date(t0.getTime() + 2), type: 'payout', amount: '30' },
    );
    const job = startPuller(ctx, fastConfig(upstream.url));
    await caughtUpPast(ctx, new Date());
    await job.stop();
    const player = await ctx.ledger.account({ kind: 'player', owner: '074092', purpose: 'cash', asset: 'SCR' });
    assert.equal(player?.balance_minor, -4080n);
    assert.equal((await verifyLedger(db.sql)).passed, true);
  });

  test('GET /reports/users/074092 answers the totals in cents with balance −4080', async () => {
    const r = await app.inject({ method: 'GET', url: '/reports/users/074092' });
    assert.equal(r.statusCode, 200);
    const body = r.json();
    assert.deepEqual(
      { ...body, updatedAt: undefined },
      {
        userId: '074092',
        currency: 'SCR',
        balance: -4080,
        earned: 120,
        spent: 1200,
        payout: 3000,
        paidOut: 0,
        updatedAt: undefined,
      },
    );
    assert.ok(!Number.isNaN(Date.parse(body.updatedAt)));
    assert.equal(r.headers['cache-control'], 'public, max-age=10');
    assert.match(String(r.headers.etag), /^".+"$/);
  });

  test('an unknown user is a 404 USER_NOT_FOUND', async () => {
    const r = await app.inject({ method: 'GET', url: '/reports/users/nobody' });
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().code, 'USER_NOT_FOUND');
  });

  test('GET /reports/payouts lists 074092 with 3000, one row per user', async () => {
    const r = await app.inject({ method: 'GET', url: '/reports/payouts?page=1&limit=10' });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), {
      data: [{ userId: '074092', amount: 3000 }],
      pagination: { page: 1, limit: 10, total: 1, total_pages: 1 },
    });
    const bad = await app.inject({ method: 'GET', url: '/reports/payouts?limit=1001' });
    assert.equal(bad.statusCode, 400);
  });

  test('a matching If-None-Match gets 304 without a body; another ETag gets the answer', async () => {
    const first = await app.inject({ method: 'GET', url: '/reports/users/074092' });
    const etag = String(first.headers.etag);
    const again = await app.inject({ method: 'GET', url: '/reports/users/074092', headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    assert.equal(again.headers.etag, etag);
    const weak = await app.inject({
      method: 'GET',
      url: '/reports/users/074092',
      headers: { 'if-none-match': `"x", W/${etag}` },
    });
    assert.equal(weak.statusCode, 304);
    const other = await app.inject({
      method: 'GET',
      url: '/reports/users/074092',
      headers: { 'if-none-match': '"other"' },
    });
    assert.equal(other.statusCode, 200);
  });

  test('a burst of 500 readers of one user costs at most one database read', async () => {
    cache.invalidate();
    const misses = cache.misses;
    const answers = await Promise.all(
      Array.from({ length: 500 }, () => app.inject({ method: 'GET', url: '/reports/users/074092' })),
    );
    assert.ok(answers.every((a) => a.statusCode === 200 && a.body === answers[0].body));
    assert.equal(cache.misses - misses, 1);
  });

  test('GET /v1/transactions/status needs the operator key and reports position and counters', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/v1/transactions/status' })).statusCode, 401);
    const r = await app.inject({ method: 'GET', url: '/v1/transactions/status', headers: auth });
    assert.equal(r.statusCode, 200);
    const s = r.json();
    assert.equal(s.items_total, 3);
    assert.ok(s.requests_total >= 1);
    assert.equal(s.throttled_total, 0);
    assert.equal(typeof s.lag_s, 'number');
    assert.ok(s.lag_s < 30);
    assert.ok(!Number.isNaN(Date.parse(s.checkpoint)));
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /croupier_transactions_items_total 3/);
    assert.match(metrics.body, /croupier_transactions_lag_seconds \d+/);
  });
});

describe('POST /v1/payouts/{userId}/settle', () => {
  test('needs the operator key and an Idempotency-Key', async () => {
    const none = await app.inject({
      method: 'POST',
      url: '/v1/payouts/074092/settle',
      headers: { 'idempotency-key': 'k0' },
    });
    assert.equal(none.statusCode, 401);
    const missing = await app.inject({ method: 'POST', url: '/v1/payouts/074092/settle', headers: auth });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().code, 'IDEMPOTENCY_KEY_MISSING');
  });

  test('settles up to amount: 1000 of 3000, the reporter shows it at once', async () => {
    const r = await settle('074092', 'k1', { amount: 1000, reason: 'weekly run' });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), { userId: '074092', settled: 1000, payout: 2000, paidOut: 1000 });
    const [transfer] = await db.sql`select metadata from transfers where kind = 'payout_settle'`;
    assert.equal(transfer.metadata.reason, 'weekly run');
    assert.equal(typeof transfer.metadata.operator_id, 'string', 'the operator is recorded with the transfer');
    const report = (await app.inject({ method: 'GET', url: '/reports/users/074092' })).json();
    assert.equal(report.payout, 2000);
    assert.equal(report.paidOut, 1000);
    assert.equal(report.balance, -4080);
  });

  test('the same key and body replays the stored answer with Idempotent-Replayed: true and moves nothing', async () => {
    const transfers = Number((await db.sql`select count(*) as n from transfers`)[0].n);
    const r = await settle('074092', 'k1', { amount: 1000, reason: 'weekly run' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['idempotent-replayed'], 'true');
    assert.deepEqual(r.json(), { userId: '074092', settled: 1000, payout: 2000, paidOut: 1000 });
    assert.equal(Number((await db.sql`select count(*) as n from transfers`)[0].n), transfers);
  });

  test('the same key with another body is a 422; two requests with one key at once: one 409 or a replay', async () => {
    const r = await settle('074092', 'k1', { amount: 5 });
    assert.equal(r.statusCode, 422);
    assert.equal(r.json().code, 'IDEMPOTENCY_KEY_REUSED');
    const [a, b] = await Promise.all([settle('074092', 'k2', { amount: 1 }), settle('074092', 'k2', { amount: 1 })]);
    const statuses = [a.statusCode, b.statusCode].sort();
    assert.ok(statuses[0] === 200 && (statuses[1] === 409 || statuses[1] === 200), String(statuses));
    assert.equal(
      (await db.sql`select paid_out_minor from ingest_user_totals where user_id = '074092'`)[0].paid_out_minor,
      1001n,
    );
  });

  test('without a body everything left is settled; again, nothing is left (settled 0)', async () => {
    const r = await settle('074092', 'k3');
    assert.deepEqual(r.json(), { userId: '074092', settled: 1999, payout: 0, paidOut: 3000 });
    const again = await settle('074092', 'k4');
    assert.deepEqual(again.json(), { userId: '074092', settled: 0, payout: 0, paidOut: 3000 });
    const payouts = (await app.inject({ method: 'GET', url: '/reports/payouts' })).json();
    assert.deepEqual(payouts.data, []);
    const report = (await app.inject({ method: 'GET', url: '/reports/users/074092' })).json();
    assert.equal(report.balance, -4080);
  });

  test('an unknown user is a 404 and a bad amount a 400 naming it; nothing is stored', async () => {
    const unknown = await settle('nobody', 'k5');
    assert.equal(unknown.statusCode, 404);
    for (const [body, field] of [
      [{ amount: 0 }, /amount/],
      [{ amount: 1.5 }, /amount/],
      [{ amount: '10' }, /amount/],
      [{ other: 1 }, /other/],
      [{ reason: 'r'.repeat(256) }, /reason/],
      [{ reason: '' }, /reason/],
      ['[1]', /body/],
    ] as const) {
      const r = await settle('074092', `k6-${JSON.stringify(body).slice(0, 40)}`, body);
      assert.equal(r.statusCode, 400, JSON.stringify(body));
      assert.match(r.json().message, field, JSON.stringify(body));
    }
    const pending = await ctx.ledger.account({
      kind: 'system',
      owner: 'payouts_pending',
      purpose: 'main',
      asset: 'SCR',
    });
    assert.equal(pending?.balance_minor, 0n);
    const report = await verifyLedger(db.sql);
    assert.equal(report.passed, true, JSON.stringify(report.checks.filter((c) => !c.passed)));
  });

  test('a change committed by another process reaches this cache through one NOTIFY', async () => {
    const cached = (await app.inject({ method: 'GET', url: '/reports/users/074092' })).json();
    // Another process's commit, as far as this one can tell: the row changes, then the channel speaks.
    await db.sql`update ingest_user_totals set earned_minor = earned_minor + 1 where user_id = '074092'`;
    assert.equal(
      (await app.inject({ method: 'GET', url: '/reports/users/074092' })).json().earned,
      cached.earned,
      'served from the cache',
    );
    await db.sql.notify('croupier_transactions', 'test');
    await eventually(
      async () =>
        (await app.inject({ method: 'GET', url: '/reports/users/074092' })).json().earned === cached.earned + 1,
      5_000,
      'invalidation',
    );
    await db.sql`update ingest_user_totals set earned_minor = earned_minor - 1 where user_id = '074092'`;
  });

  test('stored settle answers are kept 24 h and more, then purged', async () => {
    const stored = Number((await db.sql`select count(*) as n from ingest_settle_keys`)[0].n);
    assert.ok(stored >= 4);
    assert.equal(await purgeSettleKeys(db.sql, new Date(Date.now() + 24 * 3_600_000)), 0);
    assert.equal(await purgeSettleKeys(db.sql, new Date(Date.now() + 26 * 3_600_000)), stored);
  });
});
