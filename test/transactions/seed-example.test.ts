import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testContext, type TestDatabase } from '../support/db.ts';
import type { AppContext } from '../../src/platform/context.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { FakeUpstream } from './fake-upstream.ts';
import { caughtUpPast, fastConfig, startPuller } from './helpers.ts';

let db: TestDatabase;
let ctx: AppContext;
let upstream: FakeUpstream;

before(async () => {
  db = await createTestDatabase();
  ctx = testContext(db);
  upstream = await new FakeUpstream({ requests: 5, window_ms: 6000 }).start();
});
after(async () => {
  await upstream.stop();
  await ctx.ledger.close();
  await db.drop();
});

describe('the seed example', () => {
  test('earned 1.2, spent 12 and a payout of 30 for user 074092 are ingested as 120, 1200 and 3000 cents', async () => {
    const t0 = new Date(Date.now() - 10_000);
    upstream.add(
      { id: 'a1', userId: '074092', createdAt: t0, type: 'earned', amount: '1.2' },
      { id: 'a2', userId: '074092', createdAt: new Date(t0.getTime() + 1), type: 'spent', amount: '12' },
      { id: 'a3', userId: '074092', createdAt: new Date(t0.getTime() + 2), type: 'payout', amount: '30' },
    );
    const job = startPuller(ctx, fastConfig(upstream.url));
    await caughtUpPast(ctx, new Date());
    await job.stop();
    const [totals] = await db.sql`select * from ingest_user_totals where user_id = '074092'`;
    assert.equal(totals.earned_minor, 120n);
    assert.equal(totals.spent_minor, 1200n);
    assert.equal(totals.payout_minor, 3000n);
    const player = await ctx.ledger.account({ kind: 'player', owner: '074092', purpose: 'cash', asset: 'SCR' });
    assert.equal(player?.balance_minor, -4080n);
    assert.equal((await verifyLedger(db.sql)).passed, true);
  });
});
