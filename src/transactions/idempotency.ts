import { TRANSACTIONS_ERRORS } from './errors.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { createHash } from 'node:crypto';
import type { PendingStatement } from '../ledger/command.ts';
import type { Queryable, Sql, TransactionSql } from '../db/sql.ts';
import { AppError } from '../platform/errors.ts';
import {
  IDEMPOTENCY_KEY_LENGTH_MAX,
  SETTLE_IN_FLIGHT_MAX,
  SETTLE_KEY_PURGE_BATCH_ROWS_MAX,
  SETTLE_KEY_RETENTION_MS,
} from './limits.ts';

/**
 * Idempotency-Key of the settle endpoint, with the semantics of SPEC §4 (the wallet's): same key and
 * same request → the stored response replayed; still in flight → 409; another request → 422. Kept
 * beside this module's own table (ingest_settle_keys) rather than imported: domains do not import
 * each other (ARCHITECTURE.md), and the wallet's rows carry the wallet's error keys.
 */
export interface IdempotencyScope {
  api_key_hash: Buffer;
  idempotency_key: string;
  request_hash: Buffer;
}

export interface StoredSettle extends IdempotencyScope {
  response_status: number;
  response_body: Buffer;
  transfer_id: string | null;
}

const VISIBLE_ASCII = /^[\x20-\x7e]+$/;

/** A bare key, or a structured-field string ("…") without escapes. */
export function parseIdempotencyKey(header: string | string[] | undefined): string {
  if (header === undefined) throw new AppError(TRANSACTIONS_ERRORS.TRANSACTIONS_IDEMPOTENCY_KEY_MISSING);
  if (Array.isArray(header))
    throw new AppError(TRANSACTIONS_ERRORS.TRANSACTIONS_IDEMPOTENCY_KEY_INVALID, 'Idempotency-Key must be sent once.');
  const trimmed = header.trim();
  const key = /^".*"$/.test(trimmed) ? trimmed.slice(1, -1) : trimmed;
  if (
    key.length === 0 ||
    key.length > IDEMPOTENCY_KEY_LENGTH_MAX ||
    !VISIBLE_ASCII.test(key) ||
    (key !== trimmed && /["\\]/.test(key))
  ) {
    throw new AppError(TRANSACTIONS_ERRORS.TRANSACTIONS_IDEMPOTENCY_KEY_INVALID);
  }
  return key;
}

export function sha256(...parts: (string | Buffer)[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** Method, path and the exact body bytes: a re-serialised body would hide differences. */
export function requestFingerprint(method: string, url: string, raw_body: Buffer | undefined): Buffer {
  return sha256(method.toUpperCase(), '\u0000', url, '\u0000', raw_body ?? Buffer.alloc(0));
}

export function scopeToken(scope: Pick<IdempotencyScope, 'api_key_hash' | 'idempotency_key'>): string {
  return `${scope.api_key_hash.toString('hex')}\u0000${scope.idempotency_key}`;
}

/** Same key in this process while the first request runs → 409 at once (across processes: the primary key). */
export class InFlightKeys {
  private readonly keys = new Set<string>();

  async run<T>(token: string, work: () => Promise<T>): Promise<T> {
    if (this.keys.has(token)) throw new AppError(TRANSACTIONS_ERRORS.TRANSACTIONS_IDEMPOTENCY_KEY_IN_FLIGHT);
    if (this.keys.size >= SETTLE_IN_FLIGHT_MAX) throw new AppError(PLATFORM_ERRORS.OVERLOADED);
    this.keys.add(token);
    try {
      return await work();
    } finally {
      this.keys.delete(token);
    }
  }
}

export async function loadSettleResponses(
  db: Queryable,
  scopes: IdempotencyScope[],
): Promise<Map<string, StoredSettle>> {
  const found = new Map<string, StoredSettle>();
  if (scopes.length === 0) return found;
  const rows = await db<StoredSettle[]>`
    select s.* from ingest_settle_keys s
    join unnest(${scopes.map((p) => p.api_key_hash.toString('hex'))}::text[], ${scopes.map((p) => p.idempotency_key)}::text[]) as k(h, i)
      on s.api_key_hash = decode(k.h, 'hex') and s.idempotency_key = k.i`;
  for (const row of rows) found.set(scopeToken(row), { ...row, response_status: Number(row.response_status) });
  return found;
}

/** A plain insert: a key stored first by another process fails this batch, whose retry replays it. */
export function insertSettleResponses(tx: TransactionSql, rows: StoredSettle[]): PendingStatement[] {
  if (rows.length === 0) return [];
  const col = <T>(f: (r: StoredSettle) => T) => rows.map(f);
  return [
    tx`
    insert into ingest_settle_keys (api_key_hash, idempotency_key, request_hash, response_status, response_body, transfer_id)
    select decode(h, 'hex'), i, decode(r, 'hex'), s, decode(b, 'hex'), t
    from unnest(${col((r) => r.api_key_hash.toString('hex'))}::text[], ${col((r) => r.idempotency_key)}::text[],
                ${col((r) => r.request_hash.toString('hex'))}::text[], ${col((r) => r.response_status)}::smallint[],
                ${col((r) => r.response_body.toString('hex'))}::text[], ${col((r) => r.transfer_id)}::uuid[]) as v(h, i, r, s, b, t)`,
  ];
}

/** Deletes settle keys stored more than SETTLE_KEY_RETENTION_MS before `now`, in bounded statements. */
export async function purgeSettleKeys(sql: Sql, now: Date = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - SETTLE_KEY_RETENTION_MS).toISOString();
  let total = 0;
  for (;;) {
    const result = await sql`
      delete from ingest_settle_keys where (api_key_hash, idempotency_key) in (
        select api_key_hash, idempotency_key from ingest_settle_keys where created_at < ${cutoff}::timestamptz limit ${SETTLE_KEY_PURGE_BATCH_ROWS_MAX})`;
    total += result.count;
    if (result.count < SETTLE_KEY_PURGE_BATCH_ROWS_MAX) return total;
  }
}
