import type { AppContext } from '../ledger/context.ts';
import type { JobSpec, ModuleDescriptor } from '../platform/module.ts';
import { loadTransactionsConfig, type TransactionsConfig } from './config.ts';
import { TRANSACTIONS_ERRORS } from './errors.ts';
import { purgeSettleKeys } from './idempotency.ts';
import { PULL_INTERVAL_MS, SETTLE_KEY_PURGE_INTERVAL_MS } from './limits.ts';
import { Puller } from './puller.ts';
import { stopTransactionsRoutes, transactionsRoutes } from './routes.ts';
import { defineErrors } from '../platform/error-table.ts';

/**
 * SPEC §7 as two descriptors, because one descriptor's `roles` covers both its routes and its jobs,
 * and §7 wants them apart: the reporter, status and settle routes on `api` processes, the puller on
 * `worker` processes (the all-in-one process has both roles, so it gets both).
 */
export const transactionsModule: ModuleDescriptor<AppContext> = {
  name: 'transactions',
  roles: ['api'],
  errors: TRANSACTIONS_ERRORS,
  routes: transactionsRoutes(),
  close: stopTransactionsRoutes,
  jobs: [
    {
      name: 'transactions.purge_settle_keys',
      interval_ms: SETTLE_KEY_PURGE_INTERVAL_MS,
      run: async (ctx) => {
        const deleted = await purgeSettleKeys(ctx.sql);
        if (deleted > 0) ctx.logger.info({ deleted }, 'expired settle idempotency keys purged');
      },
    },
  ],
};

/** The puller job; configuration read once, on the first run (TRANSACTIONS_* variables, config.ts). */
export interface PullJob extends JobSpec<AppContext> {
  /**
   * Hands the lease back. A run stopped mid-walk does it itself; a job stopped between runs holds the
   * lease until it expires (two budget windows + a request timeout) unless this is called on shutdown.
   */
  release(): Promise<void>;
}

export function pullJob(config?: TransactionsConfig): PullJob {
  let puller: Puller | undefined;
  return {
    name: 'transactions.pull',
    interval_ms: PULL_INTERVAL_MS,
    run_at_start: true,
    run(ctx, signal) {
      // The all-in-one process points the worker at its built-in mock when TRANSACTIONS_API_URL is unset.
      puller ??= new Puller(
        ctx,
        config ?? loadTransactionsConfig({ ...process.env, TRANSACTIONS_API_URL: ctx.config.transactions_api_url }),
      );
      return puller.run(signal);
    },
    release: async () => {
      await puller?.release();
    },
  };
}

const worker_pull = pullJob();

export const transactionsWorkerModule: ModuleDescriptor<AppContext> = {
  name: 'transactions-worker',
  roles: ['worker'],
  // The rows are registered once, by transactionsModule; the worker answers no HTTP.
  errors: defineErrors({}),
  jobs: [worker_pull],
  // After the jobs are stopped: let the next worker pull at once.
  close: () => worker_pull.release(),
};
