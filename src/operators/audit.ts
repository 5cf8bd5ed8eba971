import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Sql } from '../db/sql.ts';
import type { AppContext } from '../ledger/context.ts';
import type { Logger } from '../platform/logger.ts';
import type { JobSpec } from '../platform/module.ts';
import { WRITE_METHODS } from '../platform/operator.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import { OPERATOR_ERRORS } from './errors.ts';
import {
  AUDIT_CURSOR_LENGTH_MAX,
  AUDIT_PATH_LENGTH_MAX,
  AUDIT_PURGE_BATCH_ROWS_MAX,
  AUDIT_PURGE_INTERVAL_MS,
  AUDIT_RETENTION_MS,
  AUDIT_WRITE_WAIT_MS,
  AUDIT_WRITES_IN_FLIGHT_MAX,
} from './limits.ts';
import { deleteAuditBefore, insertAuditEntry, readAuditPage, type AuditEntryRow } from './store.ts';

/**
 * The audit log (SPEC §4): one entry per write made with an operator key, refused ones included.
 *
 * Written by one hook for every route (registered by the composition root), after the answer is
 * decided and before it is sent, so an operator who reads the log right after a write finds it. Not in
 * the money's transaction: refused writes (403, 400, insufficient funds) have no transaction to join,
 * and the money already records who moved it and why in the transfer's own metadata, atomically.
 * So the audit write is bounded instead: at most AUDIT_WRITE_WAIT_MS of waiting and
 * AUDIT_WRITES_IN_FLIGHT_MAX inserts in flight; a failure or an overflow is logged with the whole
 * entry (the log is the fallback record) and never fails the request.
 */
export class AuditLog {
  private in_flight = 0;

  constructor(
    private readonly sql: Sql,
    private readonly logger: Logger,
  ) {}

  /** The onSend hook: audits writes of requests the guard resolved to an operator (a 401 has none). */
  readonly hook = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const operator = request.operator;
    if (!operator || !WRITE_METHODS.has(request.method)) return payload;
    const action = request.operator_action;
    await this.record({
      operator_id: operator.id,
      operator_name: operator.name,
      method: request.method,
      path: request.url.split('?')[0].slice(0, AUDIT_PATH_LENGTH_MAX),
      status: reply.statusCode,
      reason: action?.reason ?? null,
      transaction_id: action?.transaction_id ?? null,
    });
    return payload;
  };

  async record(entry: AuditEntryRow): Promise<void> {
    if (this.in_flight >= AUDIT_WRITES_IN_FLIGHT_MAX) {
      this.logger.error({ audit: entry }, 'audit entry not written: too many audit writes in flight');
      return;
    }
    this.in_flight++;
    const write = insertAuditEntry(this.sql, entry)
      .catch((err) => this.logger.error({ err, audit: entry }, 'audit entry not written'))
      .finally(() => this.in_flight--);
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), AUDIT_WRITE_WAIT_MS)));
    const outcome = await Promise.race([write, waited]);
    clearTimeout(timer);
    if (outcome === 'late')
      this.logger.warn({ audit: entry }, 'audit entry still being written when the answer went out');
  }
}

export interface AuditEntryJson {
  at: string;
  operatorId: string;
  name: string;
  method: string;
  path: string;
  status: number;
  reason: string | null;
  transactionId?: string;
}

export interface AuditPageQuery {
  operatorId?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

/** A page of the audit log, newest first; next_cursor is null on the last page. */
export async function auditPage(
  sql: Sql,
  query: AuditPageQuery,
): Promise<Outcome<{ entries: AuditEntryJson[]; next_cursor: string | null }>> {
  const before_id = query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor);
  if (before_id === null) return refuse(OPERATOR_ERRORS.AUDIT_INVALID_CURSOR);
  const from = query.from === undefined ? undefined : new Date(query.from);
  const to = query.to === undefined ? undefined : new Date(query.to);
  if (from && to && from.getTime() >= to.getTime()) return refuse(OPERATOR_ERRORS.AUDIT_INVALID_WINDOW);
  // One extra row tells whether another page exists, so the last page carries no cursor.
  const rows = await readAuditPage(sql, {
    operator_id: query.operatorId,
    from,
    to,
    before_id,
    rows_max: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const more = rows.length > query.limit;
  return succeed({
    entries: page.map((row) => ({
      at: row.at.toISOString(),
      operatorId: row.operator_id,
      name: row.operator_name,
      method: row.method,
      path: row.path,
      status: row.status,
      reason: row.reason,
      ...(row.transaction_id ? { transactionId: row.transaction_id } : {}),
    })),
    next_cursor: more ? encodeAuditCursor(page[page.length - 1].id) : null,
  });
}

const CURSOR_PREFIX = 'a';

function encodeAuditCursor(id: bigint): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`, 'utf8').toString('base64url');
}

/** The id to continue below, or null for anything this endpoint did not hand out. */
function decodeAuditCursor(cursor: string): bigint | null {
  if (cursor.length > AUDIT_CURSOR_LENGTH_MAX || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^a([1-9][0-9]{0,18})$/.exec(text);
  return match ? BigInt(match[1]) : null;
}

/** Deletes every entry older than AUDIT_RETENTION_MS before `now`, in bounded statements. */
export async function purgeExpiredAudit(sql: Sql, now: Date = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - AUDIT_RETENTION_MS);
  let total = 0;
  for (;;) {
    const deleted = await deleteAuditBefore(sql, cutoff, AUDIT_PURGE_BATCH_ROWS_MAX);
    total += deleted;
    if (deleted < AUDIT_PURGE_BATCH_ROWS_MAX) return total;
  }
}

export const auditPurgeJob: JobSpec<AppContext> = {
  name: 'operators.audit_purge',
  interval_ms: AUDIT_PURGE_INTERVAL_MS,
  async run(ctx) {
    const deleted = await purgeExpiredAudit(ctx.sql);
    if (deleted > 0) ctx.logger.info({ deleted }, 'expired audit entries purged');
  },
};
