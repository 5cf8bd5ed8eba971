import type { Queryable, TransactionSql } from '../db/sql.ts';
import type { AccountNeed, PendingStatement } from './command.ts';
import { assert } from '../platform/assert.ts';
import { accountKeyString, type AccountKey, type AccountState, type TransferRecord } from './types.ts';

/** SQL of the ledger. Nothing outside src/ledger imports this file. */

interface AccountRow {
  id: bigint;
  asset: string;
  kind: 'player' | 'system';
  owner: string;
  purpose: string;
  balance_minor: bigint;
  version: bigint;
  overdraft_limit_minor: bigint | null;
}

function toState(row: AccountRow): AccountState {
  return {
    id: row.id,
    key: { kind: row.kind, owner: row.owner, purpose: row.purpose, asset: row.asset },
    balance_minor: row.balance_minor,
    version: row.version,
    overdraft_limit_minor: row.overdraft_limit_minor,
  };
}

/**
 * Creates the accounts that do not exist yet: systems with no floor, players with a floor of 0 unless
 * the need names an overdraft limit. Dispatched at once (execute()), so a statement issued after it
 * on the connection runs after it.
 */
export function createAccounts(tx: TransactionSql, needs: AccountNeed[]): Promise<unknown> {
  if (needs.length === 0) return Promise.resolve();
  // Sorted so two batches creating the same accounts take their index locks in the same order.
  const sorted = [...needs].sort((a, b) => (accountKeyString(a.key) < accountKeyString(b.key) ? -1 : 1));
  const keys = sorted.map((n) => n.key);
  return tx`
    insert into accounts (kind, owner, purpose, asset, overdraft_limit_minor)
    select k, o, p, a, case when k = 'player' then coalesce(d, 0) else null end
    from unnest(${keys.map((k) => k.kind)}::text[], ${keys.map((k) => k.owner)}::text[],
                ${keys.map((k) => k.purpose)}::text[], ${keys.map((k) => k.asset)}::text[],
                ${sorted.map((n) => (n.overdraft_limit_minor === undefined ? null : String(n.overdraft_limit_minor)))}::bigint[])
      as t(k, o, p, a, d)
    on conflict (kind, owner, purpose, asset) do nothing`.execute();
}

export async function findAccountIds(db: Queryable, keys: AccountKey[]): Promise<[AccountKey, bigint][]> {
  const rows = await db<AccountRow[]>`
    select a.id, a.kind, a.owner, a.purpose, a.asset from accounts a
    join unnest(${keys.map((k) => k.kind)}::text[], ${keys.map((k) => k.owner)}::text[],
                ${keys.map((k) => k.purpose)}::text[], ${keys.map((k) => k.asset)}::text[]) as t(k, o, p, s)
      on a.kind = t.k and a.owner = t.o and a.purpose = t.p and a.asset = t.s`;
  return rows.map((row) => [{ kind: row.kind, owner: row.owner, purpose: row.purpose, asset: row.asset }, row.id]);
}

/**
 * Locks the batch's accounts in ascending id order — one global order for every writer in every
 * process, so two batches sharing accounts wait for each other instead of deadlocking. `late_ids`
 * (accounts late wherever they are named, AccountNeed.late) are locked after every one of `ids`, in
 * the same statement: PostgreSQL locks the rows as the sort hands them out.
 */
export function lockAccounts(tx: TransactionSql, ids: bigint[], late_ids: bigint[] = []): Promise<AccountState[]> {
  const count = ids.length + late_ids.length;
  if (count === 0) return Promise.resolve([]);
  // execute() dispatches now, synchronously: any statement issued after this call on the same
  // connection (the handlers' loads, pipelined by the writer) runs after the locks are granted.
  const query = (
    late_ids.length === 0
      ? tx<AccountRow[]>`
    select id, kind, owner, purpose, asset, balance_minor, version, overdraft_limit_minor
    from accounts where id = any(${ids.map(String)}::bigint[])
    order by id for update`
      : tx<AccountRow[]>`
    select id, kind, owner, purpose, asset, balance_minor, version, overdraft_limit_minor
    from accounts where id = any(${ids.map(String)}::bigint[]) or id = any(${late_ids.map(String)}::bigint[])
    order by id = any(${late_ids.map(String)}::bigint[]), id for update`
  ).execute();
  return query.then((rows) => {
    assert(rows.length === count, `locked ${rows.length} of ${count} accounts`);
    return rows.map(toState);
  });
}

/**
 * The batch's transfers in one statement. They all carry the batch's instant (`created_at`), sent once
 * rather than per row.
 */
export function insertTransfers(tx: TransactionSql, transfers: TransferRecord[], created_at: Date): PendingStatement[] {
  if (transfers.length === 0) return [];
  assert(
    transfers.every((t) => t.created_at === created_at),
    'every transfer of a batch carries the batch instant',
  );
  const col = <T>(f: (t: TransferRecord) => T) => transfers.map(f);
  // Metadata travels as text and is cast in SQL: a jsonb[] parameter would be JSON-encoded twice.
  return [
    tx`
    insert into transfers (id, from_account_id, to_account_id, asset, amount_minor, kind, reverses_id, scope,
      external_id, metadata, round_surface, round_provider, round_game, round_id,
      from_balance_after_minor, from_version, to_balance_after_minor, to_version, created_at)
    select id, from_id, to_id, asset, amount, kind, reverses_id, scope, external_id, metadata::jsonb,
           round_surface, round_provider, round_game, round_id,
           from_after, from_version, to_after, to_version, ${created_at.toISOString()}::timestamptz
    from unnest(
      ${col((t) => t.id)}::uuid[], ${col((t) => String(t.from_account_id))}::bigint[],
      ${col((t) => String(t.to_account_id))}::bigint[], ${col((t) => t.asset)}::text[],
      ${col((t) => String(t.amount_minor))}::bigint[], ${col((t) => t.kind)}::text[],
      ${col((t) => t.reverses_id)}::uuid[], ${col((t) => t.scope)}::text[], ${col((t) => t.external_id)}::text[],
      ${col((t) => (t.metadata ? JSON.stringify(t.metadata) : null))}::text[],
      ${col((t) => t.round?.surface ?? null)}::text[], ${col((t) => t.round?.provider ?? null)}::text[],
      ${col((t) => t.round?.game ?? null)}::text[], ${col((t) => t.round?.round_id ?? null)}::text[],
      ${col((t) => String(t.from_balance_after_minor))}::bigint[], ${col((t) => String(t.from_version))}::bigint[],
      ${col((t) => String(t.to_balance_after_minor))}::bigint[], ${col((t) => String(t.to_version))}::bigint[])
      as t(id, from_id, to_id, asset, amount, kind, reverses_id, scope, external_id, metadata,
           round_surface, round_provider, round_game, round_id, from_after, from_version, to_after, to_version)`,
  ];
}

/** One UPDATE for the whole batch: each touched account once, with its final balance and version. */
export function writeBalances(tx: TransactionSql, accounts: AccountState[]): PendingStatement<{ count: number }> {
  return tx`
    update accounts a set balance_minor = v.balance_minor, version = v.version
    from unnest(${accounts.map((a) => String(a.id))}::bigint[], ${accounts.map((a) => String(a.balance_minor))}::bigint[],
                ${accounts.map((a) => String(a.version))}::bigint[]) as v(id, balance_minor, version)
    where a.id = v.id`;
}

export async function readAccount(db: Queryable, key: AccountKey): Promise<AccountState | undefined> {
  const rows = await db<AccountRow[]>`
    select id, kind, owner, purpose, asset, balance_minor, version, overdraft_limit_minor from accounts
    where kind = ${key.kind} and owner = ${key.owner} and purpose = ${key.purpose} and asset = ${key.asset}`;
  return rows[0] ? toState(rows[0]) : undefined;
}

export async function readAccountsOfOwner(
  db: Queryable,
  kind: 'player' | 'system',
  owner: string,
): Promise<AccountState[]> {
  const rows = await db<AccountRow[]>`
    select id, kind, owner, purpose, asset, balance_minor, version, overdraft_limit_minor from accounts
    where kind = ${kind} and owner = ${owner} order by asset, purpose`;
  return rows.map(toState);
}

export async function readTransfersByExternalId(
  db: Queryable,
  pairs: { scope: string; external_id: string }[],
): Promise<TransferRecord[]> {
  if (pairs.length === 0) return [];
  return db<TransferRecord[]>`
    select t.* from transfers t
    join unnest(${pairs.map((p) => p.scope)}::text[], ${pairs.map((p) => p.external_id)}::text[]) as k(s, e)
      on t.scope = k.s and t.external_id = k.e`;
}

export interface Posting {
  transfer_id: string;
  account_id: bigint;
  version: bigint;
  /** Signed: negative when money left the account. */
  delta_minor: bigint;
  balance_after_minor: bigint;
  counterparty_account_id: bigint;
  counterparty_kind: string;
  counterparty_owner: string;
  kind: string;
  reverses_id: string | null;
  metadata: Record<string, unknown> | null;
  /** The game round's columns (TransferRound); null on other transfers and on game transfers before migration 090. */
  round_surface: string | null;
  round_provider: string | null;
  round_game: string | null;
  round_id: string | null;
  created_at: Date;
}

/** Optional narrowing of an account's postings: one transfer kind, a creation-time window [from, to). */
export interface PostingFilter {
  kind?: string;
  from?: Date;
  to?: Date;
}

/** An account's postings, newest first, from version `before_version` (exclusive) downwards. */
export async function readPostings(
  db: Queryable,
  account_id: bigint,
  limit: number,
  before_version: bigint | null,
  filter: PostingFilter = {},
): Promise<Posting[]> {
  const before = before_version === null ? null : String(before_version);
  const kind = filter.kind ?? null;
  const from = filter.from?.toISOString() ?? null;
  const to = filter.to?.toISOString() ?? null;
  return db<Posting[]>`
    select p.*, c.kind as counterparty_kind, c.owner as counterparty_owner from (
      (select id as transfer_id, from_account_id as account_id, from_version as version, -amount_minor as delta_minor,
              from_balance_after_minor as balance_after_minor, to_account_id as counterparty_account_id,
              kind, reverses_id, metadata, round_surface, round_provider, round_game, round_id, created_at
         from transfers where from_account_id = ${String(account_id)}::bigint
          and (${before}::bigint is null or from_version < ${before}::bigint)
          and (${kind}::text is null or kind = ${kind}::text)
          and (${from}::timestamptz is null or created_at >= ${from}::timestamptz)
          and (${to}::timestamptz is null or created_at < ${to}::timestamptz)
         order by from_version desc limit ${limit})
      union all
      (select id, to_account_id, to_version, amount_minor, to_balance_after_minor, from_account_id,
              kind, reverses_id, metadata, round_surface, round_provider, round_game, round_id, created_at
         from transfers where to_account_id = ${String(account_id)}::bigint
          and (${before}::bigint is null or to_version < ${before}::bigint)
          and (${kind}::text is null or kind = ${kind}::text)
          and (${from}::timestamptz is null or created_at >= ${from}::timestamptz)
          and (${to}::timestamptz is null or created_at < ${to}::timestamptz)
         order by to_version desc limit ${limit})
    ) p join accounts c on c.id = p.counterparty_account_id
    order by p.version desc limit ${limit}`;
}
