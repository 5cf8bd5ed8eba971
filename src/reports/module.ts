import type { DomainModule } from '../ledger/context.ts';
import { REPORTS_ERRORS } from './errors.ts';
import { reportsRoutes } from './routes.ts';

/** Reports (SPEC §6): game rollups fed by every surface's play (rollups.ts), and the RTP read model. */
export const reportsModule: DomainModule = {
  name: 'reports',
  roles: ['api'],
  errors: REPORTS_ERRORS,
  routes: reportsRoutes,
};
