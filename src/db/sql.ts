import postgres from 'postgres';
import {
  DB_CONNECT_TIMEOUT_MS,
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  DB_LOCK_TIMEOUT_MS,
  DB_RECONNECT_BACKOFF_FIRST_MS,
  DB_RECONNECT_BACKOFF_MAX_MS,
  DB_STATEMENT_TIMEOUT_MS,
} from '../platform/limits.ts';

export type Sql = postgres.Sql<{ bigint: bigint }>;
export type TransactionSql = postgres.TransactionSql<{ bigint: bigint }>;
/** Either the pool or a transaction: store functions accept both. */
export type Queryable = Sql | TransactionSql;
/** A piece of SQL with its parameters (tx`…` not awaited), placed inside another statement's template. */
export type SqlFragment = postgres.Fragment;

/**
 * A DATABASE_URL split into what postgres.js takes. postgres.js reads a Unix socket only from its
 * `path` option, so the libpq spelling `?host=/run/postgresql` (a directory) becomes that option and
 * leaves the URL: over a Unix socket each of the writer's round trips costs the kernel less than over
 * TCP loopback.
 */
export function connectionTarget(database_url: string): { url: string; path?: string } {
  const url = new URL(database_url);
  const socket_dir = url.searchParams.get('host');
  if (socket_dir === null || !socket_dir.startsWith('/')) return { url: database_url };
  url.searchParams.delete('host');
  return { url: url.toString(), path: `${socket_dir.replace(/\/+$/, '')}/.s.PGSQL.${url.port || '5432'}` };
}

/** One connection outside the pool (administration: create or drop a database). */
export function adminSql(database_url: string): postgres.Sql {
  const { url, path } = connectionTarget(database_url);
  return postgres(url, {
    max: 1,
    onnotice: () => {},
    connect_timeout: DB_CONNECT_TIMEOUT_MS / 1000,
    ...(path ? { path } : {}),
  });
}

/**
 * Deadlines sent as startup parameters: PostgreSQL applies them to every statement of the session,
 * at no cost per query (no extra round trip, nothing in the hot path).
 */
export const SESSION_DEADLINES = {
  statement_timeout: DB_STATEMENT_TIMEOUT_MS,
  lock_timeout: DB_LOCK_TIMEOUT_MS,
  idle_in_transaction_session_timeout: DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
};

/** Seconds before reconnection attempt `retries` (the driver counts failed attempts in a row). */
export function reconnectBackoffSeconds(retries: number): number {
  return Math.min(DB_RECONNECT_BACKOFF_FIRST_MS * 2 ** Math.max(0, retries - 1), DB_RECONNECT_BACKOFF_MAX_MS) / 1000;
}

/**
 * postgres.js: pipelining, prepared statements by default, no ORM between us and the SQL.
 * int8 columns come back as bigint, never as a float. Every connection carries SESSION_DEADLINES,
 * a connect timeout and a short, capped reconnection back-off (src/platform/limits.ts).
 */
export function createSql(database_url: string, max_connections: number): Sql {
  const { url, path } = connectionTarget(database_url);
  return postgres(url, {
    max: max_connections,
    types: { bigint: postgres.BigInt },
    onnotice: () => {},
    connection: { application_name: 'croupier', ...SESSION_DEADLINES },
    idle_timeout: 0,
    connect_timeout: DB_CONNECT_TIMEOUT_MS / 1000,
    backoff: reconnectBackoffSeconds,
    ...(path ? { path } : {}),
  }) as unknown as Sql;
}
