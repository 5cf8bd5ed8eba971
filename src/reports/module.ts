import type { DomainModule } from '../ledger/context.ts';
import { REPORTS_ERRORS } from './errors.ts';
import { reportsRoutes } from './routes.ts';

/** Reports (SPEC §2, §6): game rollups fed by every surface's play (rollups.ts), the aggregator's RTP reports (rtp.ts) and the game reports (games.ts). */
export const reportsModule: DomainModule = {
  name: 'reports',
  roles: ['api'],
  errors: REPORTS_ERRORS,
  routes: reportsRoutes,
};
