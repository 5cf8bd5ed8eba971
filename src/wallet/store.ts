import type { PendingStatement } from '../ledger/command.ts';
import type { Queryable, Sql, TransactionSql } from '../db/sql.ts';

/** SQL of the wallet surface: its one table, wallet_idempotency_keys (migrations/020). */

export interface StoredResponse {
  api_key_hash: Buffer;
  idempotency_key: string;
  request_hash: Buffer;
  response_status: number;
  response_body: Buffer;
  transfer_id: string;
}

/** Stored responses for these (api_key_hash, idempotency_key) pairs, keyed by storedKey(). */
export async function loadStoredResponses(db: Queryable, pairs: { api_key_hash: Buffer; idempotency_key: string }[]): Promise<Map<string, StoredResponse>> {
  const found = new Map<string, StoredResponse>();
  if (pairs.length === 0) return found;
  const rows = await db<StoredResponse[]>`
    select s.api_key_hash, s.idempotency_key, s.request_hash, s.response_status, s.response_body, s.transfer_id
    from wallet_idempotency_keys s
    join unnest(${pairs.map((p) => p.api_key_hash.toString('hex'))}::text[], ${pairs.map((p) => p.idempotency_key)}::text[]) as k(h, i)
      on s.api_key_hash = decode(k.h, 'hex') and s.idempotency_key = k.i`;
  for (const row of rows) found.set(storedKey(row.api_key_hash, row.idempotency_key), { ...row, response_status: Number(row.response_status) });
  return found;
}

export function storedKey(api_key_hash: Buffer, idempotency_key: string): string {
  return `${api_key_hash.toString('hex')}\u0000${idempotency_key}`;
}

/**
 * Written inside the ledger batch's transaction. A plain insert on purpose: if another process
 * stored the same key first, the unique violation makes the writer retry the batch, and the retry
 * loads that row and replays it instead of moving money twice.
 */
export function insertStoredResponses(tx: TransactionSql, rows: StoredResponse[]): PendingStatement[] {
  if (rows.length === 0) return [];
  const col = <T>(f: (r: StoredResponse) => T) => rows.map(f);
  return [tx`
    insert into wallet_idempotency_keys (api_key_hash, idempotency_key, request_hash, response_status, response_body, transfer_id)
    select decode(h, 'hex'), i, decode(r, 'hex'), s, decode(b, 'hex'), t
    from unnest(${col((r) => r.api_key_hash.toString('hex'))}::text[], ${col((r) => r.idempotency_key)}::text[],
                ${col((r) => r.request_hash.toString('hex'))}::text[], ${col((r) => r.response_status)}::smallint[],
                ${col((r) => r.response_body.toString('hex'))}::text[], ${col((r) => r.transfer_id)}::uuid[]) as v(h, i, r, s, b, t)`];
}

/** Deletes up to `rows_max` keys stored before `cutoff`; returns how many went. */
export async function deleteKeysBefore(sql: Sql, cutoff: Date, rows_max: number): Promise<number> {
  const result = await sql`
    delete from wallet_idempotency_keys where (api_key_hash, idempotency_key) in (
      select api_key_hash, idempotency_key from wallet_idempotency_keys
      where created_at < ${cutoff.toISOString()}::timestamptz limit ${rows_max})`;
  return result.count;
}

/** Read-only: the ledger's accounts table, for the player list (the wallet writes nothing there). */
export interface PlayerBalances {
  owner: string;
  /** Cash accounts only, by asset code. */
  balances: { asset: string; balance_minor: bigint }[];
}

/** Players in owner order after `after_owner` (exclusive), each with its cash balances. */
export async function readPlayersPage(db: Queryable, limit: number, after_owner: string | null): Promise<PlayerBalances[]> {
  const rows = await db<{ owner: string; asset: string | null; balance_minor: bigint | null }[]>`
    with owners as (
      select distinct owner from accounts
      where kind = 'player' and (${after_owner}::text is null or owner > ${after_owner}::text)
      order by owner limit ${limit}
    )
    select o.owner, a.asset, a.balance_minor from owners o
    left join accounts a on a.kind = 'player' and a.owner = o.owner and a.purpose = 'cash'
    order by o.owner, a.asset`;
  const players: PlayerBalances[] = [];
  for (const row of rows) {
    let last = players[players.length - 1];
    if (!last || last.owner !== row.owner) players.push((last = { owner: row.owner, balances: [] }));
    if (row.asset !== null && row.balance_minor !== null) last.balances.push({ asset: row.asset, balance_minor: row.balance_minor });
  }
  return players;
}
