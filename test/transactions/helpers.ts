import { loadTransactionsConfig, type TransactionsConfig } from '../../src/transactions/config.ts';
import { Puller, type PullerOptions } from '../../src/transactions/puller.ts';
import { startPeriodic, type PeriodicJob } from '../../src/platform/periodic.ts';
import type { AppContext } from '../../src/ledger/context.ts';
import { readState } from '../../src/transactions/state.ts';

/** Time accelerated ten-fold: 5 requests per 6 s instead of per minute, late windows in seconds. */
export function fastConfig(url: string, env: Record<string, string> = {}): TransactionsConfig {
  return loadTransactionsConfig({
    TRANSACTIONS_API_URL: url,
    TRANSACTIONS_API_BUDGET: '5/6s',
    TRANSACTIONS_LATE_MAX_S: '2',
    ...env,
  });
}

/** The puller as the worker runs it: the periodic helper, ticking every 200 ms. */
export function startPuller(ctx: AppContext, config: TransactionsConfig, options: PullerOptions = {}): PeriodicJob {
  const puller = new Puller(ctx, config, {
    lease_ms: 3_000,
    upstream_timeout_ms: 3_000,
    walk_end_delay_ms: 100,
    ...options,
  });
  return startPeriodic('transactions.pull', 200, (signal) => puller.run(signal), ctx.logger, { run_at_start: true });
}

/** Polls until `check` holds (or fails after `timeout_ms`). */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeout_ms = 30_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeout_ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the puller has finished a walk whose end is after `after`. */
export async function caughtUpPast(ctx: AppContext, after: Date, timeout_ms = 30_000): Promise<void> {
  await eventually(
    async () => {
      const state = await readState(ctx.sql);
      return state.walk === null && state.checkpoint !== null && state.checkpoint > after;
    },
    timeout_ms,
    `checkpoint past ${after.toISOString()}`,
  );
}

import assert from 'node:assert/strict';
import type { Sql } from '../../src/db/sql.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { expectedTotals, type FakeItem } from './fake-upstream.ts';

/** The read model and the ledger both equal the upstream's exact truth, every item once; the ledger verifies. */
export async function assertMatchesTruth(sql: Sql, items: FakeItem[]): Promise<void> {
  const truth = expectedTotals(items);
  const rows = await sql<
    { user_id: string; earned_minor: bigint; spent_minor: bigint; payout_minor: bigint; paid_out_minor: bigint }[]
  >`
    select * from ingest_user_totals order by user_id`;
  assert.equal(rows.length, truth.size, 'one totals row per user');
  for (const row of rows) {
    const t = truth.get(row.user_id);
    assert.ok(t, `user ${row.user_id} is upstream`);
    assert.deepEqual(
      [row.earned_minor, row.spent_minor, row.payout_minor + row.paid_out_minor],
      [t.earned, t.spent, t.payout],
      row.user_id,
    );
  }
  const good = items.filter((i) => i.raw === undefined).length;
  const [{ n }] = await sql<{ n: bigint }[]>`select count(*) as n from ingest_items`;
  assert.equal(Number(n), good, 'every good item ingested exactly once');
  const [{ t }] = await sql<{ t: bigint }[]>`select count(*) as t from transfers where kind like 'ingest_%'`;
  assert.equal(Number(t), good, 'one transfer per item');
  const balances = await sql<
    { owner: string; balance_minor: bigint }[]
  >`select owner, balance_minor from accounts where kind = 'player' and asset = 'SCR'`;
  for (const b of balances) {
    const x = truth.get(b.owner)!;
    const [{ paid }] = await sql<
      { paid: bigint }[]
    >`select paid_out_minor as paid from ingest_user_totals where user_id = ${b.owner}`;
    assert.equal(b.balance_minor, x.earned - x.spent - x.payout, `ledger balance of ${b.owner} (paid out ${paid})`);
  }
  const report = await verifyLedger(sql);
  assert.equal(report.passed, true, JSON.stringify(report.checks.filter((c) => !c.passed)));
}

/** `n` items spread over users and types, amounts with 0, 1 and 2 decimals. */
export function makeItems(n: number, created_at: (i: number) => Date, prefix = 'i'): FakeItem[] {
  const types = ['earned', 'spent', 'payout'];
  const amounts = ['1.2', '0.1', '12.05', '30', '999999.99', '0.01', '7.5'];
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${String(i).padStart(7, '0')}`,
    userId: `u${i % 37}`,
    createdAt: created_at(i),
    type: types[i % 3],
    amount: amounts[i % amounts.length],
  }));
}
