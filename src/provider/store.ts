import type { Queryable, Sql } from '../db/sql.ts';
import { ROUND_STALE_MS } from './limits.ts';

/** SQL of the provider (provider_* tables only; the casino's tables are another system's). */

export interface ProviderSession {
  session_token: string;
  user_id: string;
  game_id: string;
  currency: string;
  rng_seed: bigint;
}

export type RoundStatus = 'pending' | 'settled' | 'refused' | 'rolled_back' | 'unresolved';
export type CallKind = 'debit' | 'credit' | 'rollback';

export interface RoundRow {
  round_id: string;
  session_token: string;
  user_id: string;
  game_id: string;
  currency: string;
  rng_seed: bigint;
  round_number: bigint;
  bet_minor: bigint;
  win_minor: bigint;
  status: RoundStatus;
  scripted: boolean;
}

export interface CallRow {
  external_transaction_id: string;
  round_id: string;
  kind: CallKind;
  amount_minor: bigint;
  original_transaction_id: string | null;
  state: 'ok' | 'refused' | 'unknown';
  attempts: number;
  error_code: string | null;
  balance_minor: bigint | null;
}

/** Inserts the session; answers the stored one (which may differ when the token was launched before). */
export async function upsertSession(
  db: Queryable,
  session: ProviderSession,
  casino_expires_at: Date | null,
): Promise<ProviderSession> {
  await db`
    insert into provider_sessions (session_token, user_id, game_id, currency, rng_seed, casino_expires_at)
    values (${session.session_token}, ${session.user_id}, ${session.game_id}, ${session.currency}, ${String(session.rng_seed)}, ${casino_expires_at})
    on conflict (session_token) do nothing`;
  return (await readSession(db, session.session_token))!;
}

export async function readSession(db: Queryable, token: string): Promise<ProviderSession | undefined> {
  const [row] = await db<ProviderSession[]>`
    select session_token, user_id, game_id, currency, rng_seed from provider_sessions where session_token = ${token}`;
  return row;
}

/** Round numbers continue where the session's last request stopped. */
export async function nextRoundNumber(db: Queryable, token: string): Promise<bigint> {
  const [row] = await db<{ next: bigint }[]>`
    select coalesce(max(round_number) + 1, 0)::bigint as next from provider_rounds where session_token = ${token}`;
  return row.next;
}

/** Write-ahead: the rounds exist (pending) before their first callback leaves. */
export async function insertRounds(db: Queryable, rounds: RoundRow[]): Promise<void> {
  if (rounds.length === 0) return;
  const col = <T>(f: (r: RoundRow) => T) => rounds.map(f);
  await db`
    insert into provider_rounds (round_id, session_token, user_id, game_id, currency, rng_seed, round_number, bet_minor, win_minor, status, scripted)
    select * from unnest(${col((r) => r.round_id)}::text[], ${col((r) => r.session_token)}::text[], ${col((r) => r.user_id)}::text[],
      ${col((r) => r.game_id)}::text[], ${col((r) => r.currency)}::text[], ${col((r) => String(r.rng_seed))}::bigint[],
      ${col((r) => String(r.round_number))}::bigint[], ${col((r) => String(r.bet_minor))}::bigint[],
      ${col((r) => String(r.win_minor))}::bigint[], ${col((r) => r.status)}::text[], ${col((r) => String(r.scripted))}::boolean[])`;
}

/** What the rounds came to, and every call made for them (one statement each, in one transaction). */
export async function saveOutcomes(
  sql: Sql,
  rounds: { round_id: string; status: RoundStatus }[],
  calls: CallRow[],
): Promise<void> {
  if (rounds.length === 0) return;
  const c = <T>(f: (r: CallRow) => T) => calls.map(f);
  await sql.begin(async (tx) => {
    if (calls.length > 0) {
      await tx`
        insert into provider_calls (external_transaction_id, round_id, kind, amount_minor, original_transaction_id, state, attempts, error_code, balance_minor)
        select * from unnest(${c((r) => r.external_transaction_id)}::text[], ${c((r) => r.round_id)}::text[], ${c((r) => r.kind)}::text[],
          ${c((r) => String(r.amount_minor))}::bigint[], ${c((r) => r.original_transaction_id)}::text[], ${c((r) => r.state)}::text[],
          ${c((r) => r.attempts)}::int[], ${c((r) => r.error_code)}::text[],
          ${c((r) => (r.balance_minor === null ? null : String(r.balance_minor)))}::bigint[])
        on conflict (external_transaction_id) do update set state = excluded.state, attempts = excluded.attempts,
          error_code = excluded.error_code, balance_minor = excluded.balance_minor, updated_at = now()`;
    }
    await tx`
      update provider_rounds r set status = v.status, updated_at = now()
      from unnest(${rounds.map((r) => r.round_id)}::text[], ${rounds.map((r) => r.status)}::text[]) as v(round_id, status)
      where r.round_id = v.round_id`;
  });
}

/**
 * Claims rounds nobody finished (a crashed process, or answers that never came): their updated_at moves
 * forward, so a second provider process sweeping at the same time skips them.
 */
export async function claimStaleRounds(sql: Sql, limit: number): Promise<{ round: RoundRow; calls: CallRow[] }[]> {
  const rounds = await sql<RoundRow[]>`
    update provider_rounds set updated_at = now()
    where round_id in (
      select round_id from provider_rounds
      where status in ('pending', 'unresolved') and not scripted and updated_at < now() - ${ROUND_STALE_MS} * interval '1 millisecond'
      order by updated_at limit ${limit} for update skip locked)
    returning round_id, session_token, user_id, game_id, currency, rng_seed, round_number, bet_minor, win_minor, status, scripted`;
  if (rounds.length === 0) return [];
  const calls = await sql<CallRow[]>`
    select external_transaction_id, round_id, kind, amount_minor, original_transaction_id, state, attempts, error_code, balance_minor
    from provider_calls where round_id = any(${rounds.map((r) => r.round_id)}::text[])`;
  return rounds.map((round) => ({ round, calls: calls.filter((c) => c.round_id === round.round_id) }));
}
