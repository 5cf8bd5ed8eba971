import postgres from 'postgres';

export type Sql = postgres.Sql<{ bigint: bigint }>;
export type TransactionSql = postgres.TransactionSql<{ bigint: bigint }>;
/** Either the pool or a transaction: store functions accept both. */
export type Queryable = Sql | TransactionSql;

/**
 * postgres.js: pipelining, prepared statements by default, no ORM between us and the SQL.
 * int8 columns come back as bigint, never as a float.
 */
export function createSql(url: string, max_connections: number): Sql {
  return postgres(url, {
    max: max_connections,
    types: { bigint: postgres.BigInt },
    onnotice: () => {},
    connection: { application_name: 'croupier' },
    idle_timeout: 0,
  }) as unknown as Sql;
}
