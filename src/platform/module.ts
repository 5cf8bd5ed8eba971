import type { FastifyInstance } from 'fastify';
import type { ErrorTable } from './error-table.ts';

/** The process roles (SPEC §9): which modules' routes and jobs a process runs. */
export type Role = 'api' | 'provider' | 'transactions-mock' | 'worker';
export const ROLES: Role[] = ['api', 'provider', 'transactions-mock', 'worker'];

/** A domain's HTTP surface, registered by the composition root for the module's roles. */
export type RoutePlugin<C> = (app: FastifyInstance, ctx: C) => Promise<void>;

/**
 * Background work a module declares; `app/` runs it with one periodic-job helper (overlap guard:
 * a run still going when the next tick comes is not started twice; stopped on shutdown).
 */
export interface JobSpec<C> {
  name: string;
  interval_ms: number;
  /** Start the job as soon as the process starts (else after the first interval). */
  run_at_start?: boolean;
  run(ctx: C, signal: AbortSignal): Promise<unknown>;
}

/**
 * What a domain exports to the composition root (`src/app/modules.ts` is the one list): its name, the
 * roles that serve it, its error rows, routes, demo seed and background jobs. Nothing below `app/`
 * knows the list.
 */
export interface ModuleDescriptor<C> {
  name: string;
  /** Roles whose processes register this module's routes and run its jobs. */
  roles: Role[];
  errors: ErrorTable;
  routes?: RoutePlugin<C>;
  /** Idempotent demo data; returns one line per thing it did. Run on the first start of an empty database. */
  seed?(ctx: C): Promise<string[]>;
  jobs?: JobSpec<C>[];
  /** Called on shutdown, after the HTTP server stopped accepting and before the pool closes. */
  close?(ctx: C): Promise<void>;
}
