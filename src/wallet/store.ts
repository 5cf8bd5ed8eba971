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
export async function loadStoredResponses(
  db: Queryable,
  pairs: { api_key_hash: Buffer; idempotency_key: string }[],
): Promise<Map<string, StoredResponse>> {
  const found = new Map<string, StoredResponse>();
  if (pairs.length === 0) return found;
  const rows = await db<StoredResponse[]>`
    select s.api_key_hash, s.idempotency_key, s.request_hash, s.response_status, s.response_body, s.transfer_id
    from wallet_idempotency_keys s
    join unnest(${pairs.map((p) => p.api_key_hash.toString('hex'))}::text[], ${pairs.map((p) => p.idempotency_key)}::text[]) as k(h, i)
      on s.api_key_hash = decode(k.h, 'hex') and s.idempotency_key = k.i`;
  for (const row of rows)
    found.set(storedKey(row.api_key_hash, row.idempotency_key), {
      ...row,
      response_status: Number(row.response_status),
    });
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
  return [
    tx`
    insert into wallet_idempotency_keys (api_key_hash, idempotency_key, request_hash, response_status, response_body, transfer_id)
    select decode(h, 'hex'), i, decode(r, 'hex'), s, decode(b, 'hex'), t
    from unnest(${col((r) => r.api_key_hash.toString('hex'))}::text[], ${col((r) => r.idempotency_key)}::text[],
                ${col((r) => r.request_hash.toString('hex'))}::text[], ${col((r) => r.response_status)}::smallint[],
                ${col((r) => r.response_body.toString('hex'))}::text[], ${col((r) => r.transfer_id)}::uuid[]) as v(h, i, r, s, b, t)`,
  ];
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

/**
 * Players in natural id order after `after_owner` (exclusive), each with its cash balances.
 *
 * Natural order compares the numbers inside ids as numbers (user_2 before user_10): the sort key
 * splits an id into digit and non-digit runs and writes each digit run as its length (3 digits; ids
 * are ≤ 255 characters) followed by the number without leading zeros, so that comparing keys byte
 * by byte (collate "C") compares the numbers by magnitude; the id itself breaks ties (user_01 and
 * user_1). The key is computed per request over the matching players (no index can hold it): fine
 * for a back-office list, and `prefix` narrows it. The same expression is written twice below, for
 * the cursor's id and for each player's.
 */
export async function readPlayersPage(
  db: Queryable,
  limit: number,
  after_owner: string | null,
  prefix: string,
): Promise<PlayerBalances[]> {
  const rows = await db<{ owner: string; asset: string | null; balance_minor: bigint | null }[]>`
    with after_key as (
      select ${after_owner}::text as owner,
        (select string_agg(case when m.part[1] ~ '^[0-9]' then lpad(length(ltrim(m.part[1], '0'))::text, 3, '0') || ltrim(m.part[1], '0') else m.part[1] end, '' order by m.n)
           from regexp_matches(${after_owner}::text, '[0-9]+|[^0-9]+', 'g') with ordinality as m(part, n)) as natural_key
    ),
    owners as (
      select o.owner, k.natural_key from (
        select distinct owner from accounts where kind = 'player' and starts_with(owner, ${prefix}::text)
      ) o
      cross join lateral (
        select string_agg(case when m.part[1] ~ '^[0-9]' then lpad(length(ltrim(m.part[1], '0'))::text, 3, '0') || ltrim(m.part[1], '0') else m.part[1] end, '' order by m.n) as natural_key
          from regexp_matches(o.owner, '[0-9]+|[^0-9]+', 'g') with ordinality as m(part, n)
      ) k
      cross join after_key c
      where c.owner is null or (k.natural_key collate "C", o.owner collate "C") > (c.natural_key collate "C", c.owner collate "C")
      order by k.natural_key collate "C", o.owner collate "C" limit ${limit}
    )
    select o.owner, a.asset, a.balance_minor from owners o
    left join accounts a on a.kind = 'player' and a.owner = o.owner and a.purpose = 'cash'
    order by o.natural_key collate "C", o.owner collate "C", a.asset`;
  const players: PlayerBalances[] = [];
  for (const row of rows) {
    let last = players[players.length - 1];
    if (!last || last.owner !== row.owner) players.push((last = { owner: row.owner, balances: [] }));
    if (row.asset !== null && row.balance_minor !== null)
      last.balances.push({ asset: row.asset, balance_minor: row.balance_minor });
  }
  return players;
}

/** One money transfer of a game round, seen from the player's side. */
export interface RoundTransferRow {
  surface: string | null;
  provider: string | null;
  game: string | null;
  round: string;
  /** The round's first transfer time as the database prints it (full precision, for the cursor). */
  started_key: string;
  round_key: string;
  transfer_id: string;
  kind: string;
  asset: string;
  amount_minor: bigint;
  to_player: boolean;
  reverses_id: string | null;
  created_at: Date;
}

/** Where the next page of rounds starts: strictly older than this round (start time, then key). */
export interface RoundsCursor {
  started_key: string;
  round_key: string;
}

/**
 * A player's game rounds, newest first, with every transfer of each: transfers that name a round id
 * (src/play/money.ts gives every game transfer of both surfaces its round: surface, provider, game and
 * round id, in columns since migration 090, in the metadata before). A round is the (surface, provider,
 * game, round) tuple. Older rows without it, or with metadata stored as a JSON string, belong to no
 * round. `only_round` narrows to one id.
 */
export async function readRounds(
  db: Queryable,
  player_id: string,
  rounds_max: number,
  after: RoundsCursor | null,
  only_round: string | null,
): Promise<RoundTransferRow[]> {
  const started = after?.started_key ?? null;
  const key = after?.round_key ?? null;
  return db<RoundTransferRow[]>`
    with mine as (select id from accounts where kind = 'player' and owner = ${player_id}::text),
    moves as (
      select t.id, t.kind, t.amount_minor, t.reverses_id, t.created_at, a.asset,
             t.to_account_id in (select id from mine) as to_player,
             coalesce(t.round_surface, old.m->>'surface') as surface, coalesce(t.round_provider, old.m->>'provider') as provider,
             coalesce(t.round_game, old.m->>'game') as game, coalesce(t.round_id, old.m->>'round') as round
        from transfers t join accounts a on a.id = t.from_account_id
        -- A row written before migration 090 names its round in its metadata (when that is an object).
        left join lateral (
          select t.metadata as m where t.round_surface is null and jsonb_typeof(t.metadata) = 'object'
        ) as old on true
       where (t.from_account_id in (select id from mine) or t.to_account_id in (select id from mine))
         and coalesce(t.round_id, old.m->>'round') is not null
         and (${only_round}::text is null or coalesce(t.round_id, old.m->>'round') = ${only_round}::text)
    ),
    rounds as (
      select surface, provider, game, round, min(created_at) as started_at,
             concat_ws(':', surface, provider, game, round) collate "C" as round_key
        from moves group by surface, provider, game, round
    ),
    page as (
      select * from rounds
       where ${started}::timestamptz is null or (started_at, round_key) < (${started}::timestamptz, ${key}::text collate "C")
       order by started_at desc, round_key desc limit ${rounds_max}
    )
    select p.surface, p.provider, p.game, p.round, p.started_at::text as started_key, p.round_key,
           m.id as transfer_id, m.kind, m.asset, m.amount_minor, m.to_player, m.reverses_id, m.created_at
      from page p join moves m
        on m.round = p.round and m.surface is not distinct from p.surface
       and m.provider is not distinct from p.provider and m.game is not distinct from p.game
     order by p.started_at desc, p.round_key desc, m.created_at, m.id`;
}
