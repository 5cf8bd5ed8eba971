import { createHash } from 'node:crypto';
import type { Queryable, TransactionSql } from '../db/sql.ts';
import type { PendingStatement } from '../ledger/command.ts';
import { AppError } from '../platform/errors.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { STRING_LENGTH_MAX } from '../platform/limits.ts';
import { BONUS_ERRORS } from './errors.ts';
import { BONUS_IN_FLIGHT_MAX } from './limits.ts';

/**
 * Idempotency-Key for grants and forfeits, with the semantics of the wallet's (SPEC §4, the IETF
 * httpapi draft): keys scoped to the API key; same key and body after completion → the stored answer
 * with `Idempotent-Replayed: true`; same key in flight → 409; same key, other request → 422. The
 * answer is stored by the command that moves the money, in its transaction. Its own table, because a
 * domain does not import another's store.
 */
export interface IdempotencyScope {
  api_key_hash: Buffer;
  idempotency_key: string;
  request_hash: Buffer;
}

export interface StoredAnswer extends IdempotencyScope {
  response_status: number;
  response_body: Buffer;
  /** The grant or forfeit transfer the first answer made; null when it moved no money (a pending grant). */
  transfer_id: string | null;
}

export interface MoneyAnswer {
  status: number;
  body: Buffer;
  replayed: boolean;
  /** For the audit entry (SPEC §4): the transfer this answer made, the first time or on a replay. */
  transaction_id?: string;
}

const VISIBLE_ASCII = /^[\x20-\x7e]+$/;

export function sha256(...parts: (string | Buffer)[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** The header, bare or as a structured-field string ("…"). */
export function parseIdempotencyKey(header: string | string[] | undefined): string {
  if (header === undefined) throw new AppError(BONUS_ERRORS.BONUS_IDEMPOTENCY_KEY_MISSING);
  if (Array.isArray(header))
    throw new AppError(BONUS_ERRORS.BONUS_IDEMPOTENCY_KEY_INVALID, 'Idempotency-Key must be sent once.');
  const trimmed = header.trim();
  const key = trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
  if (key.length === 0 || key.length > STRING_LENGTH_MAX || !VISIBLE_ASCII.test(key))
    throw new AppError(BONUS_ERRORS.BONUS_IDEMPOTENCY_KEY_INVALID);
  return key;
}

export function tokenOf(scope: Pick<IdempotencyScope, 'api_key_hash' | 'idempotency_key'>): string {
  return `${scope.api_key_hash.toString('hex')}\u0000${scope.idempotency_key}`;
}

export function replayStored(stored: StoredAnswer, scope: IdempotencyScope): Outcome<MoneyAnswer> {
  if (!stored.request_hash.equals(scope.request_hash)) return refuse(BONUS_ERRORS.BONUS_IDEMPOTENCY_KEY_REUSED);
  return succeed({
    status: stored.response_status,
    body: stored.response_body,
    replayed: true,
    transaction_id: stored.transfer_id ?? undefined,
  });
}

/** Keys this process is working on: a duplicate in flight is answered 409 at once. */
export class InFlightKeys {
  private readonly keys = new Set<string>();

  async run<T>(token: string, work: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
    if (this.keys.has(token)) return refuse(BONUS_ERRORS.BONUS_IDEMPOTENCY_KEY_IN_FLIGHT);
    if (this.keys.size >= BONUS_IN_FLIGHT_MAX) return refuse(PLATFORM_ERRORS.OVERLOADED);
    this.keys.add(token);
    try {
      return await work();
    } finally {
      this.keys.delete(token);
    }
  }
}

export async function loadStoredAnswers(
  db: Queryable,
  scopes: Pick<IdempotencyScope, 'api_key_hash' | 'idempotency_key'>[],
): Promise<Map<string, StoredAnswer>> {
  const found = new Map<string, StoredAnswer>();
  if (scopes.length === 0) return found;
  const rows = await db<StoredAnswer[]>`
    select s.api_key_hash, s.idempotency_key, s.request_hash, s.response_status, s.response_body, s.transfer_id from bonus_idempotency_keys s
    join unnest(${scopes.map((p) => p.api_key_hash.toString('hex'))}::text[], ${scopes.map((p) => p.idempotency_key)}::text[]) as k(h, i)
      on s.api_key_hash = decode(k.h, 'hex') and s.idempotency_key = k.i`;
  for (const row of rows)
    found.set(tokenOf(row), {
      ...row,
      response_status: Number(row.response_status),
      transfer_id: row.transfer_id === null ? null : String(row.transfer_id),
    });
  return found;
}

/** A plain insert: a racing process that stored the key first makes this batch retry and replay. */
export function insertStoredAnswers(tx: TransactionSql, rows: readonly StoredAnswer[]): PendingStatement[] {
  if (rows.length === 0) return [];
  const col = <T>(f: (r: StoredAnswer) => T) => rows.map(f);
  return [
    tx`
    insert into bonus_idempotency_keys (api_key_hash, idempotency_key, request_hash, response_status, response_body, transfer_id)
    select decode(h, 'hex'), i, decode(r, 'hex'), s, decode(b, 'hex'), t
    from unnest(${col((r) => r.api_key_hash.toString('hex'))}::text[], ${col((r) => r.idempotency_key)}::text[],
                ${col((r) => r.request_hash.toString('hex'))}::text[], ${col((r) => r.response_status)}::smallint[],
                ${col((r) => r.response_body.toString('hex'))}::text[], ${col((r) => r.transfer_id)}::uuid[]) as v(h, i, r, s, b, t)`,
  ];
}
