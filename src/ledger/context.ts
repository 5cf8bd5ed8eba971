import type { ModuleDescriptor, RoutePlugin } from '../platform/module.ts';
import type { PlatformContext } from '../platform/context.ts';
import type { Sql } from '../db/sql.ts';
import type { Ledger } from './service.ts';

/** What every domain module gets: the platform's context, the database pool and the ledger. */
export interface AppContext extends PlatformContext {
  sql: Sql;
  ledger: Ledger;
}

/** A domain module as the composition root lists it (see platform/module.ts). */
export type DomainModule = ModuleDescriptor<AppContext>;
export type DomainRoutes = RoutePlugin<AppContext>;
