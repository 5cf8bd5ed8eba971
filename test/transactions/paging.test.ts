import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testContext, type TestDatabase } from '../support/db.ts';
import type { AppContext } from '../../src/ledger/context.ts';
import { readState } from '../../src/transactions/state.ts';
import { FakeUpstream, type FakeItem } from './fake-upstream.ts';
import { assertMatchesTruth, caughtUpPast, eventually, fastConfig, makeItems, startPuller } from './helpers.ts';

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

const itemsTotal = async () => Number((await readState(db.sql)).items_total);

describe('paging', () => {
  test('2,500 items sharing one createdAt, split over three pages, are all ingested once; full pages of 1000 while behind', async () => {
    const t = new Date(Date.now() - 20_000);
    const items = [
      ...makeItems(2500, () => t, 'same'),
      ...makeItems(10, (i) => new Date(t.getTime() - 1000 + i), 'before'),
      ...makeItems(10, (i) => new Date(t.getTime() + 1 + i), 'after'),
    ];
    upstream.add(...items);
    const job = startPuller(ctx, fastConfig(upstream.url));
    await caughtUpPast(ctx, new Date());
    await job.stop();
    await assertMatchesTruth(db.sql, items);
    const first_walk = upstream.requests.filter((r) => r.status === 200).slice(0, 3);
    assert.deepEqual(
      first_walk.map((r) => r.page),
      [1, 2, 3],
      'one walk, page after page',
    );
    assert.ok(upstream.maxRequestsInWindow(6000) <= 5);
  });

  test('a late item (visible 1.5 s after its createdAt, within TRANSACTIONS_LATE_MAX_S = 2) is picked up by re-reading behind the checkpoint', async () => {
    const now = Date.now();
    const items: FakeItem[] = [
      ...makeItems(5, (i) => new Date(now - 5000 + i), 'early'),
      {
        id: 'late1',
        userId: 'late-user',
        createdAt: new Date(now + 500),
        type: 'earned',
        amount: '1.2',
        visible_at_ms: now + 2000,
      },
      {
        id: 'late2',
        userId: 'late-user',
        createdAt: new Date(now + 600),
        type: 'payout',
        amount: '0.5',
        visible_at_ms: now + 2500,
      },
    ];
    upstream.add(...items);
    const job = startPuller(ctx, fastConfig(upstream.url));
    await caughtUpPast(ctx, new Date(now + 1000));
    await eventually(async () => (await itemsTotal()) === items.length, 20_000, 'the late items');
    await job.stop();
    await assertMatchesTruth(db.sql, items);
  });

  test('stopping the puller after its first page and starting another on the same database: no gap, no double count', async () => {
    const t = Date.now() - 30_000;
    const items = makeItems(3200, (i) => new Date(t + Math.floor(i / 3)), 'r');
    upstream.add(...items);
    const first = startPuller(ctx, fastConfig(upstream.url), { owner: 'first' });
    await eventually(async () => (await itemsTotal()) >= 1000, 20_000, 'first page');
    await first.stop();
    const state = await readState(db.sql);
    assert.ok(state.walk !== null && state.walk.page >= 2, 'the walk is saved mid-way');
    const second = startPuller(ctx, fastConfig(upstream.url), { owner: 'second' });
    await caughtUpPast(ctx, new Date());
    await second.stop();
    await assertMatchesTruth(db.sql, items);
    assert.ok(upstream.maxRequestsInWindow(6000) <= 5);
  });

  test('a crash after a page was written but before the walk was saved: the next puller waits out the lease, re-reads that page, counts nothing twice', async () => {
    const t = Date.now() - 30_000;
    const items = makeItems(2200, (i) => new Date(t + i), 'c');
    upstream.add(...items);
    const first = startPuller(ctx, fastConfig(upstream.url), { owner: 'doomed' });
    await eventually(async () => (await itemsTotal()) >= 1000, 20_000, 'first page');
    await first.stop();
    // As if the process died between the ledger commit and saving the walk: page 1 not yet marked
    // done, and the dead owner's lease still running.
    await db.sql`update ingest_state set walk_page = 1, lease_owner = 'dead', lease_until = now() + interval '1 second'`;
    const second = startPuller(ctx, fastConfig(upstream.url), { owner: 'survivor' });
    await caughtUpPast(ctx, new Date());
    await second.stop();
    await assertMatchesTruth(db.sql, items);
  });

  test('with no late window a walk that is behind moves its end forward page by page: one start, full pages, nothing lost', async () => {
    const t0 = Date.now() - 10_000;
    const items = makeItems(2500, (i) => new Date(t0 + i), 'back');
    upstream.add(...items);
    // 300 new items a second while the puller catches up (a page every 2 s is 500 a second).
    let n = 0;
    const generator = setInterval(() => {
      const fresh = makeItems(30, () => new Date(), `live${n++}-`);
      items.push(...fresh);
      upstream.add(...fresh);
    }, 100);
    // One request every 2 s, so successive pages of a walk are granted in different seconds.
    const job = startPuller(
      ctx,
      fastConfig(upstream.url, { TRANSACTIONS_LATE_MAX_S: '0', TRANSACTIONS_API_BUDGET: '1/2s' }),
    );
    await new Promise((r) => setTimeout(r, 4_000));
    clearInterval(generator);
    await caughtUpPast(ctx, new Date());
    await job.stop();
    await assertMatchesTruth(db.sql, items);
    const served = upstream.requests.filter((r) => r.status === 200);
    const first = served.filter((r) => r.startDate === served[0].startDate);
    assert.deepEqual(
      first.map((r) => r.page),
      first.map((_, i) => i + 1),
      'one walk, page after page',
    );
    const ends = first.map((r) => Date.parse(r.endDate));
    assert.ok(
      ends.every((end, i) => i === 0 || end >= ends[i - 1]),
      'the end never moves back',
    );
    assert.ok(new Set(ends).size >= 2, `the end moved forward within the walk: ${first.map((r) => r.endDate)}`);
  });
});
