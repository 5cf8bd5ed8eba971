import type { PendingStatement } from '../ledger/command.ts';
import type { Queryable, Sql, TransactionSql } from '../db/sql.ts';
import type { ItemType } from './item.ts';

/** SQL of ingestion and the reporter: migrations/050_transactions.sql. */

export interface IngestRow {
  id: string;
  user_id: string;
  type: ItemType;
  amount_minor: bigint;
  created_at: Date;
  transfer_id: string;
}

export interface TotalsDelta {
  user_id: string;
  earned_minor: bigint;
  spent_minor: bigint;
  payout_minor: bigint;
  paid_out_minor: bigint;
}

export interface UserTotals {
  user_id: string;
  earned_minor: bigint;
  spent_minor: bigint;
  payout_minor: bigint;
  paid_out_minor: bigint;
  updated_at: Date;
}

/** Which of these upstream ids are already in the ledger. */
export async function loadIngestedIds(tx: TransactionSql, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx<{ id: string }[]>`select id from ingest_items where id = any(${ids}::text[])`;
  return new Set(rows.map((r) => r.id));
}

/**
 * A plain insert on purpose: if another process ingested the same id first, the unique violation
 * makes the writer retry the batch, whose load then sees the row and skips the item.
 */
export function insertIngestRows(tx: TransactionSql, rows: IngestRow[]): PendingStatement[] {
  if (rows.length === 0) return [];
  const col = <T>(f: (r: IngestRow) => T) => rows.map(f);
  return [
    tx`insert into ingest_items (id, user_id, type, amount_minor, created_at, transfer_id)
       select * from unnest(${col((r) => r.id)}::text[], ${col((r) => r.user_id)}::text[], ${col((r) => r.type)}::text[],
                            ${col((r) => String(r.amount_minor))}::bigint[], ${col((r) => r.created_at.toISOString())}::timestamptz[],
                            ${col((r) => r.transfer_id)}::uuid[])`,
    tx`update ingest_state set items_total = items_total + ${rows.length} where id = 1`,
  ];
}

/** Adds per-user deltas to the read model; sorted so two batches take the row locks in one order. */
export function addTotals(tx: TransactionSql, deltas: TotalsDelta[]): PendingStatement[] {
  if (deltas.length === 0) return [];
  const sorted = [...deltas].sort((a, b) => (a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0));
  const col = (f: (d: TotalsDelta) => bigint) => sorted.map((d) => String(f(d)));
  return [
    tx`
    insert into ingest_user_totals as t (user_id, earned_minor, spent_minor, payout_minor, paid_out_minor, updated_at)
    select u, e, s, p, o, now() from unnest(${sorted.map((d) => d.user_id)}::text[], ${col((d) => d.earned_minor)}::bigint[],
      ${col((d) => d.spent_minor)}::bigint[], ${col((d) => d.payout_minor)}::bigint[], ${col((d) => d.paid_out_minor)}::bigint[]) as v(u, e, s, p, o)
    on conflict (user_id) do update set
      earned_minor = t.earned_minor + excluded.earned_minor, spent_minor = t.spent_minor + excluded.spent_minor,
      payout_minor = t.payout_minor + excluded.payout_minor, paid_out_minor = t.paid_out_minor + excluded.paid_out_minor,
      updated_at = excluded.updated_at`,
  ];
}

/** The users' totals, row-locked until commit: two settlements of one user take turns. */
export async function lockTotals(tx: TransactionSql, user_ids: string[]): Promise<Map<string, UserTotals>> {
  const rows = await tx<UserTotals[]>`
    select * from ingest_user_totals where user_id = any(${user_ids}::text[]) order by user_id for update`;
  return new Map(rows.map((r) => [r.user_id, r]));
}

export async function readTotals(db: Queryable, user_id: string): Promise<UserTotals | undefined> {
  const rows = await db<UserTotals[]>`select * from ingest_user_totals where user_id = ${user_id}`;
  return rows[0];
}

/** Requested, unsettled payouts, one row per user, by user id. */
export async function readPayoutsPage(
  db: Queryable,
  limit: number,
  offset: number,
): Promise<{ rows: { user_id: string; payout_minor: bigint }[]; total: number }> {
  const [rows, [{ total }]] = await Promise.all([
    db<{ user_id: string; payout_minor: bigint }[]>`
      select user_id, payout_minor from ingest_user_totals where payout_minor > 0 order by user_id limit ${limit} offset ${offset}`,
    db<{ total: bigint }[]>`select count(*) as total from ingest_user_totals where payout_minor > 0`,
  ]);
  return { rows, total: Number(total) };
}

/** Records a bad item once (by the hash of its text); returns whether it was new. */
export async function quarantine(
  sql: Sql,
  entries: { raw_sha256: Buffer; item_id: string | null; raw: string; reason: string }[],
): Promise<number> {
  if (entries.length === 0) return 0;
  const result = await sql`
    insert into ingest_quarantine (raw_sha256, item_id, raw, reason)
    select decode(h, 'hex'), i, r, why from unnest(${entries.map((e) => e.raw_sha256.toString('hex'))}::text[],
      ${entries.map((e) => e.item_id)}::text[], ${entries.map((e) => e.raw)}::text[], ${entries.map((e) => e.reason)}::text[]) as t(h, i, r, why)
    on conflict (raw_sha256) do nothing`;
  if (result.count > 0)
    await sql`update ingest_state set quarantined_total = quarantined_total + ${result.count} where id = 1`;
  return result.count;
}
