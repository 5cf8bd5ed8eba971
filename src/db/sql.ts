import postgres from 'postgres';

export type Sql = postgres.Sql<{ bigint: bigint }>;
export type TransactionSql = postgres.TransactionSql<{ bigint: bigint }>;
/** Either the pool or a transaction: store functions accept both. */
export type Queryable = Sql | TransactionSql;

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
  return postgres(url, { max: 1, onnotice: () => {}, ...(path ? { path } : {}) });
}

/**
 * postgres.js: pipelining, prepared statements by default, no ORM between us and the SQL.
 * int8 columns come back as bigint, never as a float.
 */
export function createSql(database_url: string, max_connections: number): Sql {
  const { url, path } = connectionTarget(database_url);
  return postgres(url, {
    max: max_connections,
    types: { bigint: postgres.BigInt },
    onnotice: () => {},
    connection: { application_name: 'croupier' },
    idle_timeout: 0,
    ...(path ? { path } : {}),
  }) as unknown as Sql;
}
