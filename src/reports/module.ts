import type { DomainModule } from '../ledger/context.ts';
import { defineErrors } from '../platform/error-table.ts';
import { REPORTS_ERRORS } from './errors.ts';
import { foldDays } from './fold.ts';
import { FOLD_INTERVAL_MS, PENDING_FOLD_INTERVAL_MS } from './limits.ts';
import { foldPendingRollups } from './pending.ts';
import { reportsRoutes } from './routes.ts';

/** Reports (SPEC §2, §6): game rollups fed by every surface's play (rollups.ts), the aggregator's RTP reports (rtp.ts) and the game reports (games.ts). */
export const reportsModule: DomainModule = {
  name: 'reports',
  roles: ['api'],
  errors: REPORTS_ERRORS,
  routes: reportsRoutes,
  // Every process that takes bets folds the pending rollup events (migration 046), so they never pile up
  // when no worker runs; processes take turns through an advisory lock.
  jobs: [
    {
      name: 'reports.fold_pending',
      interval_ms: PENDING_FOLD_INTERVAL_MS,
      run_at_start: true,
      run: async (ctx) => {
        await foldPendingRollups(ctx.sql);
      },
    },
  ],
};

/** The reports worker: folds the day rollups of the days that are over (fold.ts, migration 045). */
export const reportsWorkerModule: DomainModule = {
  name: 'reports-worker',
  roles: ['worker'],
  // The rows are registered once, by reportsModule; the worker answers no HTTP.
  errors: defineErrors({}),
  jobs: [
    {
      name: 'reports.fold_days',
      interval_ms: FOLD_INTERVAL_MS,
      run_at_start: true,
      run: async (ctx, signal) => {
        const folded = await foldDays(ctx.sql, signal);
        if (folded.length > 0) ctx.logger.info({ days: folded }, 'day rollups folded');
      },
    },
  ],
};
