import type { DomainModule } from './context.ts';
import { LEDGER_ERRORS } from './errors.ts';
import { seedLedger } from './seed.ts';

/** The ledger's own rows and seed (system accounts for every asset); it serves no routes. */
export const ledgerModule: DomainModule = {
  name: 'ledger',
  roles: ['api'],
  errors: LEDGER_ERRORS,
  seed: seedLedger,
};
