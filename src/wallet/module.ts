import type { DomainModule } from '../ledger/context.ts';
import { WALLET_ERRORS } from './errors.ts';
import { idempotencyPurgeJob } from './idempotency.ts';
import { walletRoutes } from './routes.ts';
import { seedWallet } from './seed.ts';

/** The operator wallet API (SPEC §4): moves with Idempotency-Key, balances, history, players. */
export const walletModule: DomainModule = {
  name: 'wallet',
  roles: ['api'],
  errors: WALLET_ERRORS,
  routes: walletRoutes,
  seed: seedWallet,
  jobs: [idempotencyPurgeJob],
};
