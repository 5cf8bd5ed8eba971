import type { Sql } from '../db/sql.ts';
import type { Ledger } from '../ledger/service.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

export type Role = 'api' | 'provider' | 'transactions-mock' | 'worker';
export const ROLES: Role[] = ['api', 'provider', 'transactions-mock', 'worker'];
/** Roles this build can run; transactions-mock and worker arrive with SPEC §7. */
export const AVAILABLE_ROLES: Role[] = ['api', 'provider'];

/** What every domain module gets: configuration, logger, the pool, the ledger. */
export interface AppContext {
  config: Config;
  logger: Logger;
  sql: Sql;
  ledger: Ledger;
  roles: Set<Role>;
  /** Base URL this process answers on, known once it listens (for in-process HTTP between roles). */
  self_url(): string;
  /** Background work (purge jobs, workers) registers its stop function here; shutdown calls them. */
  on_shutdown(stop: () => Promise<void> | void): void;
}
