import { stopTransactionsRoutes } from '../../src/transactions/routes.ts';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testApp, testContext, type TestDatabase } from '../support/db.ts';
import type { AppContext } from '../../src/ledger/context.ts';
import { startPeriodic } from '../../src/platform/periodic.ts';
import { pullJob, transactionsModule, transactionsWorkerModule } from '../../src/transactions/module.ts';
import { FakeUpstream } from './fake-upstream.ts';
import { caughtUpPast, fastConfig } from './helpers.ts';

let db: TestDatabase;
let ctx: AppContext;
let upstream: FakeUpstream;
const stops: (() => Promise<void> | void)[] = [];

before(async () => {
  db = await createTestDatabase();
  ctx = testContext(db);
  stops.push(() => stopTransactionsRoutes(ctx));
  upstream = await new FakeUpstream({ requests: 5, window_ms: 6000 }).start();
});
after(async () => {
  for (const stop of stops) await stop();
  await upstream.stop();
  await ctx.ledger.close();
  await db.drop();
});

test('the descriptors: routes on api, the puller on worker, wired the way the composition root will', async () => {
  assert.deepEqual(transactionsModule.roles, ['api']);
  assert.deepEqual(transactionsWorkerModule.roles, ['worker']);
  assert.deepEqual(
    transactionsWorkerModule.jobs?.map((j) => j.name),
    ['transactions.pull'],
  );
  upstream.add({ id: 'm1', userId: 'mod', createdAt: new Date(Date.now() - 5000), type: 'earned', amount: '2.5' });
  const app = await testApp(ctx, [transactionsModule.routes!]);
  const spec = pullJob(fastConfig(upstream.url));
  const job = startPeriodic(spec.name, spec.interval_ms, (signal) => spec.run(ctx, signal), ctx.logger, {
    run_at_start: spec.run_at_start,
  });
  await caughtUpPast(ctx, new Date());
  await job.stop();
  await spec.release();
  const r = await app.inject({ method: 'GET', url: '/reports/users/mod' });
  assert.equal(r.statusCode, 200);
  assert.equal(r.json().earned, 250);
  const lease = await db.sql`select lease_owner from ingest_state`;
  assert.equal(lease[0].lease_owner, null, 'a clean stop hands the lease back');
  await app.close();
});
