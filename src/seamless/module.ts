import type { DomainModule } from '../ledger/context.ts';
import { SEAMLESS_ERRORS } from './errors.ts';
import { seamlessRoutes } from './routes.ts';
import { seedSeamless } from './seed.ts';

/** The casino side of the seamless-wallet protocol (SPEC §3): signed provider callbacks, sessions, launch. */
export const seamlessModule: DomainModule = {
  name: 'seamless',
  roles: ['api'],
  errors: SEAMLESS_ERRORS,
  routes: seamlessRoutes,
  seed: seedSeamless,
};
