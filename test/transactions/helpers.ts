import { loadTransactionsConfig, type TransactionsConfig } from '../../src/transactions/config.ts';
import { Puller, type PullerOptions } from '../../src/transactions/puller.ts';
import { startPeriodic, type PeriodicJob } from '../../src/platform/periodic.ts';
import type { AppContext } from '../../src/platform/context.ts';
import { readState } from '../../src/transactions/state.ts';

/** Time accelerated ten-fold: 5 requests per 6 s instead of per minute, late windows in seconds. */
export function fastConfig(url: string, env: Record<string, string> = {}): TransactionsConfig {
  return loadTransactionsConfig({ TRANSACTIONS_API_URL: url, TRANSACTIONS_API_BUDGET: '5/6s', TRANSACTIONS_LATE_MAX_S: '2', ...env });
}

/** The puller as the worker runs it: the periodic helper, ticking every 200 ms. */
export function startPuller(ctx: AppContext, config: TransactionsConfig, options: PullerOptions = {}): PeriodicJob {
  const puller = new Puller(ctx, config, { lease_ms: 3_000, upstream_timeout_ms: 3_000, ...options });
  return startPeriodic('transactions.pull', 200, (signal) => puller.run(signal), ctx.logger, { run_at_start: true });
}

/** Polls until `check` holds (or fails after `timeout_ms`). */
export async function eventually(check: () => Promise<boolean> | boolean, timeout_ms = 30_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeout_ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the puller has finished a walk whose end is after `after`. */
export async function caughtUpPast(ctx: AppContext, after: Date, timeout_ms = 30_000): Promise<void> {
  await eventually(async () => {
    const state = await readState(ctx.sql);
    return state.walk === null && state.checkpoint !== null && state.checkpoint > after;
  }, timeout_ms, `checkpoint past ${after.toISOString()}`);
}
