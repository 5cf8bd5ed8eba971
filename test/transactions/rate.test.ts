import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testContext, type TestDatabase } from '../support/db.ts';
import type { AppContext } from '../../src/ledger/context.ts';
import { readState } from '../../src/transactions/state.ts';
import { FakeUpstream, type FakeItem } from './fake-upstream.ts';
import { assertMatchesTruth, caughtUpPast, fastConfig, startPuller } from './helpers.ts';

/**
 * The freshness bound, measured with time accelerated ten-fold: a budget of 5 requests per 6 s stands
 * for 5 per minute, so "data less than 2 minutes old" is a lag under 12 s, and an upstream rate of
 * N items per 6 s stands for N a minute.
 */
const SPEED = 10;
const BOUND_MS = 120_000 / SPEED;
const RUN_MS = 30_000;

async function measure(t: { diagnostic(m: string): void }, per_minute: number, late_max_s: number) {
  const db: TestDatabase = await createTestDatabase();
  const ctx: AppContext = testContext(db);
  const upstream = await new FakeUpstream({ requests: 5, window_ms: 6000 }).start();
  const started = Date.now();
  const items: FakeItem[] = [];
  const per_tick = (per_minute / (60_000 / SPEED)) * 100;
  let n = 0;
  let owed = 0;
  const generator = setInterval(() => {
    owed += per_tick;
    for (; owed >= 1; owed--, n++) {
      const created = Date.now();
      const item: FakeItem = {
        id: `r${String(n).padStart(8, '0')}`,
        userId: `u${n % 101}`,
        createdAt: new Date(created),
        type: ['earned', 'spent', 'payout'][n % 3],
        amount: ['0.1', '1.2', '12.05', '30'][n % 4],
        visible_at_ms: created + (late_max_s > 0 && n % 5 === 0 ? Math.floor(Math.random() * late_max_s * 1000) : 0),
      };
      items.push(item);
      upstream.add(item);
    }
  }, 100);
  const config = fastConfig(upstream.url, {
    TRANSACTIONS_LATE_MAX_S: String(late_max_s),
    TRANSACTIONS_START: new Date(started - 1000).toISOString(),
  });
  const job = startPuller(ctx, config);
  let lag_max_ms = 0;
  while (Date.now() - started < RUN_MS) {
    await new Promise((r) => setTimeout(r, 250));
    const s = await readState(db.sql);
    if (s.checkpoint && Date.now() - started > BOUND_MS)
      lag_max_ms = Math.max(lag_max_ms, s.now.getTime() - s.checkpoint.getTime());
  }
  clearInterval(generator);
  await caughtUpPast(ctx, new Date(Date.now() + late_max_s * 1000), 60_000);
  await job.stop();
  t.diagnostic(
    `${per_minute}/min (×${SPEED}), late up to ${late_max_s * SPEED} s: ${items.length} items, highest lag ${((lag_max_ms * SPEED) / 1000).toFixed(0)} s (equivalent), ` +
      `${upstream.requests.length} requests, most in a window ${upstream.maxRequestsInWindow(6000)}`,
  );
  try {
    assert.ok(upstream.maxRequestsInWindow(6000) <= 5);
    await assertMatchesTruth(db.sql, items);
    return lag_max_ms;
  } finally {
    await upstream.stop();
    await ctx.ledger.close();
    await db.drop();
  }
}

describe('freshness under load (time ×10)', () => {
  // 2,000 a minute with late items also held (lag 100-112 s measured) but too close to the bound for
  // a test on a shared machine; docs/transactions.md has the arithmetic.
  test('1,500 items a minute with every fifth item up to 60 s late: lag stays under 2 minutes, totals exact', async (t) => {
    const lag_ms = await measure(t, 1500, 6);
    assert.ok(lag_ms < BOUND_MS, `lag ${lag_ms} ms`);
  });

  test('4,500 items a minute, no late items (TRANSACTIONS_LATE_MAX_S = 0): lag stays under 2 minutes, totals exact', async (t) => {
    const lag_ms = await measure(t, 4500, 0);
    assert.ok(lag_ms < BOUND_MS, `lag ${lag_ms} ms`);
  });
});
