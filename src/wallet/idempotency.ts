import { WALLET_ERRORS } from './errors.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { createHash } from 'node:crypto';
import type { AppContext } from '../ledger/context.ts';
import type { JobSpec } from '../platform/module.ts';
import { AppError } from '../platform/errors.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import type { Sql } from '../db/sql.ts';
import {
  IDEMPOTENCY_IN_FLIGHT_MAX,
  IDEMPOTENCY_KEY_LENGTH_MAX,
  IDEMPOTENCY_PURGE_BATCH_ROWS_MAX,
  IDEMPOTENCY_PURGE_INTERVAL_MS,
  IDEMPOTENCY_RETENTION_MS,
} from './limits.ts';
import { deleteKeysBefore, storedKey, type StoredResponse } from './store.ts';

/**
 * Idempotency-Key (SPEC §4, after the IETF httpapi Idempotency-Key draft). What identifies one
 * logical request: the API key's hash (keys are scoped to it), the client's key, and a fingerprint
 * of method, path and the exact body bytes.
 */
export interface IdempotencyScope {
  api_key_hash: Buffer;
  idempotency_key: string;
  request_hash: Buffer;
}

/** What a money-moving request answers: the exact bytes, so a replay can send them again. */
export interface MoneyResponse {
  status: number;
  body: Buffer;
  replayed: boolean;
  /** The transfer this answer reports (for the audit log). */
  transaction_id: string;
}

const VISIBLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * The draft defines the value as a structured-field string ("…"); most clients send it bare.
 * Both are accepted and mean the same key.
 */
export function parseIdempotencyKey(header: string | string[] | undefined): string {
  if (header === undefined) throw new AppError(WALLET_ERRORS.WALLET_IDEMPOTENCY_KEY_MISSING);
  if (Array.isArray(header))
    throw new AppError(WALLET_ERRORS.WALLET_IDEMPOTENCY_KEY_INVALID, 'Idempotency-Key must be sent once.');
  const trimmed = header.trim();
  const key = trimmed.startsWith('"') ? unquote(trimmed) : trimmed;
  if (key === undefined || key.length === 0 || key.length > IDEMPOTENCY_KEY_LENGTH_MAX || !VISIBLE_ASCII.test(key)) {
    throw new AppError(WALLET_ERRORS.WALLET_IDEMPOTENCY_KEY_INVALID);
  }
  return key;
}

/** RFC 8941 sf-string: quoted, with \" and \\ the only escapes. */
function unquote(value: string): string | undefined {
  let out = '';
  for (let i = 1; i < value.length; i++) {
    const c = value[i];
    if (c === '"') return i === value.length - 1 ? out : undefined;
    if (c === '\\') {
      const next = value[++i];
      if (next !== '"' && next !== '\\') return undefined;
      out += next;
    } else out += c;
  }
  return undefined;
}

export function sha256(...parts: (string | Buffer)[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** Method and path (with query) and the exact body bytes: a re-serialised body would hide differences. */
export function requestFingerprint(method: string, url: string, raw_body: Buffer | undefined): Buffer {
  return sha256(method.toUpperCase(), '\u0000', url, '\u0000', raw_body ?? Buffer.alloc(0));
}

export function scopeToken(scope: Pick<IdempotencyScope, 'api_key_hash' | 'idempotency_key'>): string {
  return storedKey(scope.api_key_hash, scope.idempotency_key);
}

/** A stored response answers the same request again; the same key on another request is a 422. */
export function replayStored(stored: StoredResponse, scope: IdempotencyScope): Outcome<MoneyResponse> {
  if (!stored.request_hash.equals(scope.request_hash)) return refuse(WALLET_ERRORS.WALLET_IDEMPOTENCY_KEY_REUSED);
  return succeed({
    status: stored.response_status,
    body: stored.response_body,
    replayed: true,
    transaction_id: stored.transfer_id,
  });
}

/**
 * Keys this process is working on. A second request with the same key while the first is still
 * running gets 409 at once. Across processes the stored row's primary key does the same job:
 * the later writer's batch fails on it, is retried, and replays.
 */
export class InFlightKeys {
  private readonly keys = new Set<string>();

  async run<T>(token: string, work: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
    if (this.keys.has(token)) return refuse(WALLET_ERRORS.WALLET_IDEMPOTENCY_KEY_IN_FLIGHT);
    if (this.keys.size >= IDEMPOTENCY_IN_FLIGHT_MAX) return refuse(PLATFORM_ERRORS.OVERLOADED);
    this.keys.add(token);
    try {
      return await work();
    } finally {
      this.keys.delete(token);
    }
  }
}

/** Deletes every key stored more than IDEMPOTENCY_RETENTION_MS before `now`, in bounded statements. */
export async function purgeExpiredIdempotencyKeys(sql: Sql, now: Date = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS);
  let total = 0;
  for (;;) {
    const deleted = await deleteKeysBefore(sql, cutoff, IDEMPOTENCY_PURGE_BATCH_ROWS_MAX);
    total += deleted;
    if (deleted < IDEMPOTENCY_PURGE_BATCH_ROWS_MAX) return total;
  }
}

/** The purge job (declared in the wallet's module descriptor, run by the periodic-job helper). */
export const idempotencyPurgeJob: JobSpec<AppContext> = {
  name: 'wallet.idempotency_purge',
  interval_ms: IDEMPOTENCY_PURGE_INTERVAL_MS,
  async run(ctx) {
    const deleted = await purgeExpiredIdempotencyKeys(ctx.sql);
    if (deleted > 0) ctx.logger.info({ deleted }, 'expired idempotency keys purged');
  },
};
