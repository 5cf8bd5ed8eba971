import postgres from 'postgres';
import { DB_HEALTH_PROBE_TIMEOUT_MS } from '../platform/limits.ts';
import { listMigrations } from './migrate.ts';
import { connectionTarget } from './sql.ts';

/** What /ready reports about the database. */
export interface DatabaseHealth {
  reachable: boolean;
  /** Every migration file is recorded as applied (false when unreachable). */
  migrations_current: boolean;
  latency_ms: number;
  /** Why it is not ready: the driver's error code, 'timeout', or 'migrations pending'. */
  reason?: string;
}

/**
 * The database probe behind /ready. It answers within DB_HEALTH_PROBE_TIMEOUT_MS whatever the database
 * does: refused connections answer at once, and a hung server (stopped, or a network that drops
 * packets) is reported as a timeout instead of leaving the caller waiting.
 *
 * It has a connection of its own, not one of the pool's: a probe queued behind a busy pool would measure
 * the pool, and a probe stuck on a hung server must not hold a connection that requests need. A probe that
 * times out ends its connection (whatever was sent on it may never be answered), and the next probe opens
 * a new one. Concurrent calls share the probe in flight, so a burst of /ready calls costs one query.
 */
export class DatabaseProbe {
  private sql: postgres.Sql | undefined;
  private inflight: Promise<DatabaseHealth> | undefined;
  private readonly expected_versions: number[];

  constructor(
    private readonly database_url: string,
    private readonly timeout_ms = DB_HEALTH_PROBE_TIMEOUT_MS,
    migrations_dir?: string,
  ) {
    this.expected_versions = listMigrations(migrations_dir).map((m) => m.version);
  }

  check(): Promise<DatabaseHealth> {
    this.inflight ??= this.probe().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  async close(): Promise<void> {
    const sql = this.sql;
    this.sql = undefined;
    await sql?.end({ timeout: 0 }).catch(() => {});
  }

  private connection(): postgres.Sql {
    if (this.sql) return this.sql;
    const { url, path } = connectionTarget(this.database_url);
    const timeout_s = this.timeout_ms / 1000;
    this.sql = postgres(url, {
      max: 1,
      onnotice: () => {},
      idle_timeout: 0,
      connect_timeout: timeout_s,
      // A single attempt per probe; the next probe tries again.
      backoff: () => 0,
      connection: { application_name: 'croupier-health', statement_timeout: this.timeout_ms },
      ...(path ? { path } : {}),
    });
    return this.sql;
  }

  private async probe(): Promise<DatabaseHealth> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), this.timeout_ms)),
    );
    const query = this.connection()<
      { n: number }[]
    >`select count(*)::int as n from schema_migrations where version = any(${this.expected_versions}::int[])`.then(
      (rows) => rows[0].n,
      (error: { code?: string; message?: string }) => ({ failed: error.code ?? error.message ?? 'error' }),
    );
    try {
      const answer = await Promise.race([query, timeout]);
      if (answer === 'timeout') {
        await this.close();
        return { reachable: false, migrations_current: false, latency_ms: latency(), reason: 'timeout' };
      }
      if (typeof answer === 'object') {
        // 42P01: reachable, but not migrated at all.
        if (answer.failed === '42P01')
          return { reachable: true, migrations_current: false, latency_ms: latency(), reason: 'migrations pending' };
        await this.close();
        return { reachable: false, migrations_current: false, latency_ms: latency(), reason: answer.failed };
      }
      const current = answer === this.expected_versions.length;
      return {
        reachable: true,
        migrations_current: current,
        latency_ms: latency(),
        ...(current ? {} : { reason: 'migrations pending' }),
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
