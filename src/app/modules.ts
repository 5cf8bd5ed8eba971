import { aggregatorModule } from '../aggregator/module.ts';
import { bonusModule } from '../bonus/module.ts';
import { bonusParticipant } from '../bonus/participant.ts';
import type { DomainModule } from '../ledger/context.ts';
import type { BatchParticipant } from '../ledger/command.ts';
import { ledgerModule } from '../ledger/module.ts';
import { liveModule } from '../live/module.ts';
import type { Role } from '../platform/module.ts';
import { operatorsModule } from '../operators/module.ts';
import { providerModule } from '../provider/module.ts';
import { reportsModule, reportsWorkerModule } from '../reports/module.ts';
import { rollupParticipant } from '../reports/rollups.ts';
import { seamlessModule } from '../seamless/module.ts';
import { walletModule } from '../wallet/module.ts';
import { webModule } from '../web/module.ts';
import { transactionsModule, transactionsWorkerModule } from '../transactions/module.ts';

/**
 * The one list of the system's modules, in seed order (a module's seed may rely on the ones before it).
 * Routes, seeds, the error registry, the roles a build can run and the background jobs are derived
 * from it; adding a domain is adding it here (see README, "How to add a domain").
 */
export const MODULES: readonly DomainModule[] = [
  ledgerModule,
  aggregatorModule,
  walletModule,
  operatorsModule,
  seamlessModule,
  reportsModule,
  reportsWorkerModule,
  bonusModule,
  liveModule,
  transactionsModule,
  transactionsWorkerModule,
  webModule,
  providerModule,
];

/**
 * Modules that ride along with every ledger batch, in the order they hear play events. Report rollups
 * are fed by both game surfaces in the same transaction as the money; bonus wagering (play's BonusHook)
 * splits stakes and wins and counts wagering in the same batch.
 */
export const PARTICIPANTS: readonly BatchParticipant<unknown>[] = [
  rollupParticipant as BatchParticipant<unknown>,
  bonusParticipant as BatchParticipant<unknown>,
];

/** Roles this build can run: those some module serves, and the mock upstream (a system of its own, app/transactions-mock.ts). */
export const AVAILABLE_ROLES: Role[] = [...new Set<Role>([...MODULES.flatMap((m) => m.roles), 'transactions-mock'])];

/** The modules a process with these roles runs. */
export function modulesFor(roles: Set<Role>): DomainModule[] {
  return MODULES.filter((m) => m.roles.some((r) => roles.has(r)));
}
