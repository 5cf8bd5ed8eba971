import type { DomainModule } from '../ledger/context.ts';
import { auditPurgeJob } from './audit.ts';
import { OPERATOR_ERRORS } from './errors.ts';
import { operatorRoutes } from './routes.ts';

/**
 * Named operators, roles and the audit log (SPEC §4). The module also supplies what the composition
 * root wires below the domains: the key resolver (resolver.ts) and the audit hook (audit.ts).
 */
export const operatorsModule: DomainModule = {
  name: 'operators',
  roles: ['api'],
  errors: OPERATOR_ERRORS,
  routes: operatorRoutes,
  jobs: [auditPurgeJob],
};
