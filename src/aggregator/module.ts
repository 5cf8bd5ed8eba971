import type { DomainModule } from '../ledger/context.ts';
import { AGGREGATOR_ERRORS } from './errors.ts';
import { aggregatorRoutes } from './routes.ts';
import { seedAggregator } from './seed.ts';

/** The aggregator protocol (SPEC §2): signed bet / win / rollback batches. */
export const aggregatorModule: DomainModule = {
  name: 'aggregator',
  roles: ['api'],
  errors: AGGREGATOR_ERRORS,
  routes: aggregatorRoutes,
  seed: seedAggregator,
};
