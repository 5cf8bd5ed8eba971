import type { Queryable, TransactionSql } from '../db/sql.ts';
import { checkedStatement, type PendingStatement } from '../ledger/command.ts';
import { assert } from '../platform/assert.ts';
import type { Session, TransactionRow } from './types.ts';

/** SQL of the casino side of the seamless protocol (its own tables only). */

export interface GameRow {
  game_id: string;
  provider: string;
  name: string;
  enabled: boolean;
}

export async function upsertGames(db: Queryable, games: Omit<GameRow, 'enabled'>[]): Promise<number> {
  const result = await db`
    insert into seamless_games (game_id, provider, name)
    select * from unnest(${games.map((g) => g.game_id)}::text[], ${games.map((g) => g.provider)}::text[], ${games.map((g) => g.name)}::text[])
    on conflict (game_id) do nothing`;
  return result.count;
}

export async function readGame(db: Queryable, game_id: string): Promise<GameRow | undefined> {
  const [row] = await db<
    GameRow[]
  >`select game_id, provider, name, enabled from seamless_games where game_id = ${game_id}`;
  return row;
}

export async function insertSession(db: Queryable, session: Session): Promise<void> {
  await db`
    insert into seamless_sessions (token, user_id, game_id, currency, expires_at)
    values (${session.token}, ${session.user_id}, ${session.game_id}, ${session.currency}, ${session.expires_at})`;
}

export async function deleteSession(db: Queryable, token: string): Promise<void> {
  await db`delete from seamless_sessions where token = ${token}`;
}

export async function readSession(db: Queryable, token: string): Promise<Session | undefined> {
  const [row] = await db<Session[]>`
    select token, user_id, game_id, currency, expires_at from seamless_sessions where token = ${token}`;
  return row;
}

/**
 * In one round trip (it runs while the batch holds the house lock): the rows under these external ids
 * (a call's own id, or the debit a rollback names) and every debit of these rounds.
 */
export async function readBatchRows(tx: TransactionSql, ids: string[], round_ids: string[]): Promise<TransactionRow[]> {
  if (ids.length === 0 && round_ids.length === 0) return [];
  return tx<TransactionRow[]>`
    select * from seamless_transactions where external_transaction_id = any(${ids}::text[])
    union
    select * from seamless_transactions where kind = 'debit' and round_id = any(${round_ids}::text[])`;
}

/**
 * One INSERT for every new row of a batch; a racing process's row makes it fail with 23505 (the writer
 * retries the batch). Returned unawaited: the writer pipelines it behind its own writes and COMMIT.
 */
export function insertTransactions(tx: TransactionSql, rows: TransactionRow[]): PendingStatement[] {
  if (rows.length === 0) return [];
  const col = <T>(f: (r: TransactionRow) => T) => rows.map(f);
  return [
    tx`
    insert into seamless_transactions (external_transaction_id, kind, transaction_id, session_token, user_id, currency,
      game_id, round_id, amount_minor, original_transaction_id, transfer_id, rolled_back_by, bonus_minor, bonus_id, contribution_minor,
      response_status, response_body, created_at)
    select * from unnest(
      ${col((r) => r.external_transaction_id)}::text[], ${col((r) => r.kind)}::text[], ${col((r) => r.transaction_id)}::uuid[],
      ${col((r) => r.session_token)}::text[], ${col((r) => r.user_id)}::text[], ${col((r) => r.currency)}::text[],
      ${col((r) => r.game_id)}::text[], ${col((r) => r.round_id)}::text[],
      ${col((r) => (r.amount_minor === null ? null : String(r.amount_minor)))}::bigint[],
      ${col((r) => r.original_transaction_id)}::text[], ${col((r) => r.transfer_id)}::uuid[], ${col((r) => r.rolled_back_by)}::text[],
      ${col((r) => String(r.bonus_minor))}::bigint[], ${col((r) => r.bonus_id)}::uuid[],
      ${col((r) => (r.contribution_minor === null ? null : String(r.contribution_minor)))}::bigint[],
      ${col((r) => r.response_status)}::smallint[], ${col((r) => r.response_body)}::text[],
      ${col((r) => r.created_at.toISOString())}::timestamptz[])`,
  ];
}

/**
 * Marks debits committed earlier as rolled back (debits of the same batch are inserted already marked).
 * The row lock on the player serialises rollbacks of one debit, so every mark must land.
 */
export function markRolledBack(
  tx: TransactionSql,
  marks: { debit_id: string; rollback_id: string }[],
): PendingStatement[] {
  if (marks.length === 0) return [];
  const update = tx`
    update seamless_transactions t set rolled_back_by = m.rollback_id
    from unnest(${marks.map((m) => m.debit_id)}::text[], ${marks.map((m) => m.rollback_id)}::text[]) as m(debit_id, rollback_id)
    where t.external_transaction_id = m.debit_id and t.kind = 'debit' and t.rolled_back_by is null`;
  return [
    checkedStatement(update, (result) =>
      assert(result.count === marks.length, `marked ${result.count} of ${marks.length} debits rolled back`),
    ),
  ];
}
