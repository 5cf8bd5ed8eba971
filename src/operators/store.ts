import type { Sql } from '../db/sql.ts';
import type { Operator, OperatorRole } from '../platform/operator.ts';

/** SQL of operators and the audit log (migrations/080_operators.sql). */

export interface OperatorRow {
  id: string;
  name: string;
  role: OperatorRole;
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
}

const UNIQUE_VIOLATION = '23505';

export interface NewOperator {
  id: string;
  name: string;
  role: OperatorRole;
  key_hash: Buffer;
  created_by: string;
}

/** Inserts an operator; undefined when an active operator already has the name (the partial unique index). */
export async function insertOperator(sql: Sql, row: NewOperator): Promise<OperatorRow | undefined> {
  try {
    const [created] = await sql<OperatorRow[]>`
      insert into operators (id, name, role, key_hash, created_by)
      values (${row.id}, ${row.name}, ${row.role}, ${row.key_hash}, ${row.created_by})
      returning id, name, role, created_at, created_by, revoked_at`;
    return created;
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) return undefined;
    throw error;
  }
}

export async function countActiveOperators(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from operators where revoked_at is null`;
  return row.n;
}

/** Every operator, revoked ones too (the audit log names them), oldest first; at most `rows_max`. */
export function listOperators(sql: Sql, rows_max: number): Promise<OperatorRow[]> {
  return sql<OperatorRow[]>`
    select id, name, role, created_at, created_by, revoked_at from operators order by created_at, id limit ${rows_max}`;
}

/** Sets revoked_at once (a second revocation keeps the first time); undefined for an unknown id. */
export async function revokeOperator(sql: Sql, id: string): Promise<OperatorRow | undefined> {
  const [row] = await sql<OperatorRow[]>`
    update operators set revoked_at = coalesce(revoked_at, now()) where id = ${id}
    returning id, name, role, created_at, created_by, revoked_at`;
  return row;
}

/** The active operator whose key hashes to `key_hash`. */
export async function operatorByKeyHash(
  sql: Sql,
  key_hash: Buffer,
): Promise<(Operator & { key_hash: Buffer }) | undefined> {
  const [row] = await sql<(Operator & { key_hash: Buffer })[]>`
    select id, name, role, key_hash from operators where key_hash = ${key_hash} and revoked_at is null`;
  return row;
}

export interface AuditEntryRow {
  operator_id: string;
  operator_name: string;
  method: string;
  path: string;
  status: number;
  reason: string | null;
  transaction_id: string | null;
}

export async function insertAuditEntry(sql: Sql, entry: AuditEntryRow): Promise<void> {
  await sql`
    insert into operator_audit (operator_id, operator_name, method, path, status, reason, transaction_id)
    values (${entry.operator_id}, ${entry.operator_name}, ${entry.method}, ${entry.path}, ${entry.status}, ${entry.reason}, ${entry.transaction_id})`;
}

export interface AuditQuery {
  operator_id?: string;
  from?: Date;
  to?: Date;
  /** Only entries older than this id (the cursor). */
  before_id?: bigint;
  rows_max: number;
}

/** Newest first: by id, the insertion order (ids are handed out as entries are written). */
export function readAuditPage(sql: Sql, query: AuditQuery): Promise<(AuditEntryRow & { id: bigint; at: Date })[]> {
  const operator = query.operator_id === undefined ? sql`true` : sql`operator_id = ${query.operator_id}`;
  const from = query.from === undefined ? sql`true` : sql`at >= ${query.from.toISOString()}::timestamptz`;
  const to = query.to === undefined ? sql`true` : sql`at < ${query.to.toISOString()}::timestamptz`;
  const before = query.before_id === undefined ? sql`true` : sql`id < ${query.before_id.toString()}::bigint`;
  return sql<(AuditEntryRow & { id: bigint; at: Date })[]>`
    select id, at, operator_id, operator_name, method, path, status, reason, transaction_id
    from operator_audit where ${operator} and ${from} and ${to} and ${before}
    order by id desc limit ${query.rows_max}`;
}

/** Deletes up to `rows_max` entries written before `cutoff`; returns how many went. */
export async function deleteAuditBefore(sql: Sql, cutoff: Date, rows_max: number): Promise<number> {
  const result = await sql`
    delete from operator_audit where id in (
      select id from operator_audit where at < ${cutoff.toISOString()}::timestamptz limit ${rows_max})`;
  return result.count;
}
