import type { FastifyInstance } from 'fastify';
import { openDatabase, type DatabaseHandle } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { createSql, type Sql } from '../db/sql.ts';
import { Ledger } from '../ledger/service.ts';
import type { Config } from './config.ts';
import { AVAILABLE_ROLES, type AppContext, type Role } from './context.ts';
import { buildApp } from './http.ts';
import type { Logger } from './logger.ts';
import { SEEDS, pluginsFor } from './plugins.ts';
import { SHUTDOWN_TIMEOUT_MS } from './limits.ts';

export interface OpenedContext {
  ctx: AppContext;
  /** Records the URL this process answers on, once it listens (ctx.self_url() returns it). */
  setSelfUrl(url: string): void;
  /** The connection string of this process's database (embedded or DATABASE_URL), for another thread to join it. */
  database_url: string;
  close(): Promise<void>;
}

/** Database (embedded or DATABASE_URL) → pool → migrations → ledger. Shared by every command. */
export async function openContext(config: Config, logger: Logger, roles: Set<Role> = new Set(AVAILABLE_ROLES), options: { exclusive?: boolean } = {}): Promise<OpenedContext> {
  const db: DatabaseHandle = await openDatabase(config, logger, options);
  let sql: Sql | undefined;
  try {
    sql = createSql(db.url, config.db_pool_size);
    const { applied } = await migrate(sql);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    const ledger = new Ledger(sql, logger, { batches_in_flight: config.ledger_batches_in_flight, pool_size: config.db_pool_size });
    const stops: (() => Promise<void> | void)[] = [];
    let base_url = '';
    const ctx: AppContext = {
      config,
      logger,
      sql,
      ledger,
      roles,
      self_url: () => base_url,
      on_shutdown: (stop) => stops.push(stop),
    };
    const close = async () => {
      for (const stop of stops.reverse()) await Promise.resolve(stop()).catch((err) => logger.error({ err }, 'stopping a background task failed'));
      await ledger.close();
      await sql!.end({ timeout: 5 });
      await db.release();
    };
    return { ctx, setSelfUrl: (url) => (base_url = url), database_url: db.url, close };
  } catch (error) {
    await sql?.end({ timeout: 1 }).catch(() => {});
    await db.release();
    throw error;
  }
}

/** Runs every demo seed; returns what each did. */
export async function runSeeds(ctx: AppContext): Promise<string[]> {
  const lines: string[] = [];
  for (const seed of SEEDS) for (const line of await seed.run(ctx)) lines.push(`${seed.name}: ${line}`);
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
  /** Graceful: stop accepting, finish in-flight requests, flush the ledger, close the pool, stop the database. */
  stop(): Promise<void>;
}

export async function startServer(config: Config, logger: Logger, roles: Set<Role> = new Set(AVAILABLE_ROLES)): Promise<Server> {
  // A server owns its embedded database: a second server on the same data directory is refused.
  const opened = await openContext(config, logger, roles, { exclusive: true });
  const { ctx } = opened;
  let app: FastifyInstance | undefined;
  try {
    if (roles.has('api')) {
      const seeded = await seedIfEmpty(ctx);
      if (seeded.length) logger.info({ seeded }, 'demo data seeded (first start of an empty database)');
    }
    app = await buildApp(ctx, pluginsFor(roles));
    const address = await app.listen({ port: config.port, host: config.host });
    const port = (app.server.address() as { port: number }).port;
    const url = `http://127.0.0.1:${port}`;
    opened.setSelfUrl(url);
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
        await opened.close();
        clearTimeout(timer);
      })();
      return stopping;
    };
    return { ctx, app, url, database_url: opened.database_url, stop };
  } catch (error) {
    await app?.close().catch(() => {});
    await opened.close();
    throw error;
  }
}
