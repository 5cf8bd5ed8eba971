import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startTransactionsMock,
  type TransactionsMock,
  type TransactionsMockOptions,
} from '../../src/upstream/index.ts';
import { get, getAll, manualClock, sumByUser } from './helpers.ts';

const T0_MS = Date.UTC(2024, 5, 1, 12, 0, 0);
const BUDGET_UNREACHED = '10000/1s';

async function withMock<T>(options: TransactionsMockOptions, run: (mock: TransactionsMock) => Promise<T>): Promise<T> {
  const mock = await startTransactionsMock({ budget: BUDGET_UNREACHED, ...options });
  try {
    return await run(mock);
  } finally {
    await mock.stop();
  }
}

describe('the seeded stream', () => {
  test('the same seed gives the same transactions byte for byte; another seed gives others', async () => {
    const clock = manualClock(T0_MS + 10 * 60_000);
    const options = { rate_per_min: 1_000, late_share: 0.1, start_ms: T0_MS, now: clock.now };
    const query = { page: 3, limit: 500 };
    const [a, b, c] = await Promise.all([
      withMock({ ...options, seed: 42 }, (m) => get(m.url, query)),
      withMock({ ...options, seed: 42 }, (m) => get(m.url, query)),
      withMock({ ...options, seed: 43 }, (m) => get(m.url, query)),
    ]);
    assert.equal(a.items.length, 500);
    assert.equal(a.text, b.text);
    assert.notEqual(a.text, c.text);
    assert.ok(a.items.filter((it, i) => it.id === c.items[i].id).length === 0, 'no id is shared between seeds');
  });

  test('types, users and amounts vary: all three types, many users, whole-SCR payouts', async () => {
    const clock = manualClock(T0_MS + 5 * 60_000);
    await withMock({ seed: 3, rate_per_min: 1_000, users: 50, start_ms: T0_MS, now: clock.now }, async (m) => {
      const items = await getAll(m.url, {}, 1000);
      const types = new Set(items.map((it) => it.type));
      assert.deepEqual([...types].sort(), ['earned', 'payout', 'spent']);
      assert.equal(new Set(items.map((it) => it.userId)).size, 50);
      for (const it of items) if (it.type === 'payout') assert.equal(it.amount_minor % 100n, 0n);
      assert.equal(new Set(items.map((it) => it.id)).size, items.length, 'ids are unique');
    });
  });

  test('a late item is invisible until its delay has passed, then appears behind newer items; after late_max_s everything is there', async () => {
    const clock = manualClock(T0_MS + 10 * 60_000);
    const options = { seed: 5, rate_per_min: 600, late_share: 0.3, late_max_s: 60, start_ms: T0_MS, now: clock.now };
    await withMock(options, async (m) => {
      const now_ms = clock.now_ms;
      const early = await getAll(m.url, {}, 1000);
      const created_all = m.truth(now_ms).items_total;
      const visible_now = m.truth(now_ms, { visible_at_ms: now_ms }).items_total;
      assert.equal(early.length, visible_now);
      assert.ok(early.length < created_all, 'some recent items are late');
      // Everything older than late_max_s is visible already.
      const settled = m.truth(now_ms - 60_000).items_total;
      const old = await get(m.url, { endDate: new Date(now_ms - 60_000).toISOString(), limit: 1 });
      assert.equal(old.meta.totalItems, settled);

      clock.advance(30_000);
      const middle = await getAll(m.url, { endDate: new Date(now_ms).toISOString() }, 1000);
      const seen = new Set(early.map((it) => it.id));
      const appeared = middle.filter((it) => !seen.has(it.id));
      assert.ok(appeared.length > 0, 'late items became visible');
      const newest_early = early[early.length - 1].createdAt;
      const behind = appeared.some((it) => it.createdAt < newest_early);
      assert.ok(behind, 'a late item appears with a createdAt older than items seen before');

      clock.advance(30_000);
      const complete = await get(m.url, { endDate: new Date(now_ms).toISOString(), limit: 1 });
      assert.equal(complete.meta.totalItems, created_all);
    });
  });

  test('with late_share 0 an item is visible the moment it is created, and not a millisecond before', async () => {
    const clock = manualClock(T0_MS);
    await withMock({ seed: 9, rate_per_min: 60, late_share: 0, start_ms: T0_MS, now: clock.now }, async (m) => {
      assert.equal((await get(m.url, {})).meta.totalItems, 1, 'item 0 is created at start_ms');
      clock.advance(999);
      assert.equal((await get(m.url, {})).meta.totalItems, 1);
      clock.advance(1);
      assert.equal((await get(m.url, {})).meta.totalItems, 2);
    });
  });

  test('truth() at a settled moment equals the per-user sums over every page of the wire (late items included)', async () => {
    const clock = manualClock(T0_MS + 31 * 60_000);
    const options = { seed: 11, rate_per_min: 1_000, late_share: 0.2, late_max_s: 60, users: 200, start_ms: T0_MS };
    await withMock({ ...options, now: clock.now }, async (m) => {
      const at_ms = T0_MS + 30 * 60_000;
      const items = await getAll(m.url, { endDate: new Date(at_ms).toISOString() }, 1000);
      const truth = m.truth(at_ms);
      assert.equal(items.length, truth.items_total);
      assert.deepEqual(sumByUser(items), truth.users);
      // And what is visible right now, unsettled tail included.
      const visible = await getAll(m.url, {}, 1000);
      assert.deepEqual(sumByUser(visible), m.truth(clock.now_ms, { visible_at_ms: clock.now_ms }).users);
    });
  });

  test('at the peak of 5,000 a minute, an hour of stream costs no memory and a page stays fast', async () => {
    const clock = manualClock(T0_MS + 60 * 60_000);
    await withMock({ seed: 13, rate_per_min: 5_000, late_share: 0.02, start_ms: T0_MS, now: clock.now }, async (m) => {
      const started = performance.now();
      const last = await get(m.url, { page: 301, limit: 1000 });
      const first = await get(m.url, { page: 1, limit: 1000 });
      const elapsed_ms = performance.now() - started;
      assert.ok(last.meta.totalItems > 299_000);
      assert.equal(first.items.length, 1000);
      // Generous for a shared 2-core machine; measured about 25 ms for both.
      assert.ok(elapsed_ms < 2_000, `two pages took ${elapsed_ms} ms`);
    });
  });

  test('stream time can run faster than the clock: at speed 60 a minute of stream passes in a second', async () => {
    const clock = manualClock(T0_MS);
    await withMock({ seed: 1, rate_per_min: 100, late_share: 0, speed: 60, now: clock.now }, async (m) => {
      clock.advance(1_000);
      assert.equal(m.streamNowMs(), T0_MS + 60_000);
      // One item every 600 ms, stamped to the second: items 0..101 carry createdAt ≤ start + 60 s.
      assert.equal((await get(m.url, {})).meta.totalItems, 102);
    });
  });

  test('rate_scale multiplies the rate and keeps createdAt on the clock: 5000 a minute × 10 is 50,000 in a real minute', async () => {
    const clock = manualClock(T0_MS);
    const options = { seed: 2, rate_per_min: 5_000, late_share: 0, created_at_step_ms: 1, now: clock.now };
    await withMock({ ...options, rate_scale: 10 }, async (m) => {
      clock.advance(60_000);
      assert.equal(m.streamNowMs(), T0_MS + 60_000, 'stream time is the clock');
      const page = await get(m.url, { endDate: new Date(T0_MS + 59_999).toISOString(), limit: 1 });
      assert.equal(page.meta.totalItems, 50_000);
      assert.equal(m.truth(T0_MS + 59_999).items_total, 50_000);
    });
    await assert.rejects(startTransactionsMock({ ...options, rate_scale: 101 }), /rate_scale/);
  });
});
