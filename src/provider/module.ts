import type { DomainModule } from '../ledger/context.ts';
import { PROVIDER_ERRORS } from './errors.ts';
import { RECOVERY_INTERVAL_MS } from './limits.ts';
import { providerRoutes } from './routes.ts';
import { seedProvider } from './seed.ts';
import { providerService } from './service.ts';

/** "Jaqpot Games", the built-in game provider (SPEC §3): another system, talking to the casino over HTTP only. */
export const providerModule: DomainModule = {
  name: 'provider',
  roles: ['provider'],
  errors: PROVIDER_ERRORS,
  routes: providerRoutes,
  seed: seedProvider,
  jobs: [
    {
      name: 'provider.recovery',
      interval_ms: RECOVERY_INTERVAL_MS,
      // Resumes rounds nobody finished (a crash, a lost answer): each with the same callback ids.
      run: (ctx) => providerService(ctx).recover(),
    },
  ],
  close: (ctx) => providerService(ctx).close(),
};
