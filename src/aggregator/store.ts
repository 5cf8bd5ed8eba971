import type { Queryable, TransactionSql } from '../db/sql.ts';
import { assert } from '../platform/assert.ts';
import { checkedStatement, type PendingStatement } from '../ledger/command.ts';
import type { EdgeChoice } from './edges.ts';
import { RTP_BUCKET_MS } from './limits.ts';
import type { ActionRow, RtpRow, RtpTotals } from './types.ts';

/** SQL of the aggregator. Every write runs inside the ledger's batch transaction (see handler.ts). */

/**
 * One statement per batch: the actions named by id (replays, originals of rollbacks) and the rollbacks
 * that name one of the batch's ids (pre-rollbacks waiting for their original). A row may come twice.
 */
export async function loadActions(tx: TransactionSql, ids: string[], named_by_rollback: string[]): Promise<ActionRow[]> {
  if (ids.length === 0) return [];
  return tx<ActionRow[]>`
    select action_id, user_id, currency, action, amount_minor, original_action_id, tx_id, rolled_back, game, game_id, created_at from aggregator_actions where action_id = any(${ids}::text[])
    union all
    select action_id, user_id, currency, action, amount_minor, original_action_id, tx_id, rolled_back, game, game_id, created_at from aggregator_actions where original_action_id = any(${named_by_rollback}::text[])`;
}

// Booleans travel as text: postgres.js serializes a boolean[] parameter's elements as false unless they are
// JS booleans, and JS boolean arrays are not typed as arrays. text[] → boolean[] is exact.
export function insertActions(tx: TransactionSql, rows: ActionRow[]): PendingStatement[] {
  if (rows.length === 0) return [];
  const col = <T>(f: (r: ActionRow) => T) => rows.map(f);
  return [tx`
    insert into aggregator_actions (action_id, user_id, currency, action, amount_minor, original_action_id, tx_id, rolled_back, game, game_id, created_at)
    select * from unnest(
      ${col((r) => r.action_id)}::text[], ${col((r) => r.user_id)}::text[], ${col((r) => r.currency)}::text[],
      ${col((r) => r.action)}::text[], ${col((r) => (r.amount_minor === null ? null : String(r.amount_minor)))}::bigint[],
      ${col((r) => r.original_action_id)}::text[], ${col((r) => r.tx_id)}::uuid[], ${col((r) => (r.rolled_back ? 't' : 'f'))}::text[]::boolean[],
      ${col((r) => r.game)}::text[], ${col((r) => r.game_id)}::text[], ${col((r) => r.created_at.toISOString())}::timestamptz[])`];
}

/** Bets and wins committed by earlier batches that this batch rolled back. */
export function markRolledBack(tx: TransactionSql, action_ids: string[]): PendingStatement[] {
  if (action_ids.length === 0) return [];
  const update = tx`
    update aggregator_actions set rolled_back = true
    where action_id = any(${action_ids}::text[]) and not rolled_back and action <> 'rollback'`;
  return [checkedStatement(update, (result) =>
    assert(result.count === action_ids.length, `marked ${result.count} of ${action_ids.length} actions rolled back`))];
}

export interface RollupDelta {
  user_id: string;
  currency: string;
  hour_start: Date;
  /** Bets and wins recorded (rolled back or not): 0 never leaves a row in a report. */
  actions: bigint;
  rounds: bigint;
  total_bet_minor: bigint;
  total_win_minor: bigint;
  total_rollback_bet_minor: bigint;
  total_rollback_win_minor: bigint;
}

/** One upsert per batch; the deltas are already summed per key and sorted (one lock order everywhere). */
export function upsertRollups(tx: TransactionSql, deltas: RollupDelta[]): PendingStatement[] {
  if (deltas.length === 0) return [];
  const col = <T>(f: (d: RollupDelta) => T) => deltas.map(f);
  const num = (f: (d: RollupDelta) => bigint) => deltas.map((d) => String(f(d)));
  return [tx`
    insert into aggregator_rtp_hourly as r (user_id, currency, hour_start, actions, rounds, total_bet_minor, total_win_minor,
      total_rollback_bet_minor, total_rollback_win_minor)
    select * from unnest(
      ${col((d) => d.user_id)}::text[], ${col((d) => d.currency)}::text[], ${col((d) => d.hour_start.toISOString())}::timestamptz[],
      ${num((d) => d.actions)}::bigint[], ${num((d) => d.rounds)}::bigint[], ${num((d) => d.total_bet_minor)}::bigint[], ${num((d) => d.total_win_minor)}::bigint[],
      ${num((d) => d.total_rollback_bet_minor)}::bigint[], ${num((d) => d.total_rollback_win_minor)}::bigint[])
    on conflict (user_id, currency, hour_start) do update set
      actions = r.actions + excluded.actions,
      rounds = r.rounds + excluded.rounds,
      total_bet_minor = r.total_bet_minor + excluded.total_bet_minor,
      total_win_minor = r.total_win_minor + excluded.total_win_minor,
      total_rollback_bet_minor = r.total_rollback_bet_minor + excluded.total_rollback_bet_minor,
      total_rollback_win_minor = r.total_rollback_win_minor + excluded.total_rollback_win_minor`];
}

export interface RtpQuery {
  /** ISO-8601 text, passed to PostgreSQL as is (microsecond precision kept). */
  from: string;
  to: string;
  user_id: string | null;
  currency: string | null;
  limit: number;
  offset: number;
  /** How each partial hour is read (see edges.ts): false = its actions, true = its rollup minus the rest. */
  complement: EdgeChoice;
}

/**
 * Per-player rows of one window, exact for any from/to. Whole hours inside [from, to) come from the
 * rollups. The window cuts at most two hours (one when from and to share an hour); each such partial
 * hour is read one of two ways, both exact:
 *  - direct: the actions of the wanted part, through the BRIN index on created_at;
 *  - complement: the hour's rollup minus the actions of the parts outside the window.
 * The caller chooses per edge (`chooseEdges`, the shorter scan). Rollup rows carry their action count, so a
 * player whose actions all fall outside the window (count 0 after subtracting) is not listed.
 * One statement returns the page and the totals over every row (one snapshot).
 */
export async function readRtp(db: Queryable, q: RtpQuery): Promise<{ rows: RtpRow[]; totals: RtpTotals }> {
  const result = await db<(Partial<RtpRow> & RtpTotals)[]>`
    with given as (
      select ${q.from}::timestamptz as f, ${q.to}::timestamptz as t, ${RTP_BUCKET_MS / 1000}::numeric as s
    ), bounds as (
      select f, t, make_interval(secs => s) as bucket,
             to_timestamp(ceil(extract(epoch from f) / s) * s) as hf,
             to_timestamp(floor(extract(epoch from t) / s) * s) as ht
      from given
    ), partial_hours as (
      -- [p, p_end): the hour; [a, b): the part of it inside the window
      select hf - bucket as p, hf as p_end, f as a, least(hf, t) as b, ${q.complement.first}::boolean as complement from bounds where f < hf
      union all
      select ht, ht + bucket, ht, t, ${q.complement.last}::boolean from bounds where ht < t and ht >= hf
    ), rollup_ranges as (
      select hf as lo, ht as hi from bounds where hf < ht
      union all
      select p, p_end from partial_hours where complement
    ), scans as (
      select a as lo, b as hi, 1 as sign from partial_hours where not complement
      union all
      select p, a, -1 from partial_hours where complement
      union all
      select b, p_end, -1 from partial_hours where complement
    ), hits as (
      select h.user_id, h.currency, h.actions, h.rounds, h.total_bet_minor, h.total_win_minor, h.total_rollback_bet_minor, h.total_rollback_win_minor
      from rollup_ranges r join aggregator_rtp_hourly h on h.hour_start >= r.lo and h.hour_start < r.hi
      where (${q.user_id}::text is null or h.user_id = ${q.user_id}) and (${q.currency}::text is null or h.currency = ${q.currency})
      union all
      select a.user_id, a.currency, s.sign,
             s.sign * case when a.action = 'bet' and not a.rolled_back then 1 else 0 end,
             s.sign * case when a.action = 'bet' and not a.rolled_back then a.amount_minor else 0 end,
             s.sign * case when a.action = 'win' and not a.rolled_back then a.amount_minor else 0 end,
             s.sign * case when a.action = 'bet' and a.rolled_back then a.amount_minor else 0 end,
             s.sign * case when a.action = 'win' and a.rolled_back then a.amount_minor else 0 end
      from scans s join aggregator_actions a on a.created_at >= s.lo and a.created_at < s.hi and a.action <> 'rollback'
      where (${q.user_id}::text is null or a.user_id = ${q.user_id}) and (${q.currency}::text is null or a.currency = ${q.currency})
    ), per_user as (
      select user_id, currency, sum(rounds)::bigint as rounds, sum(total_bet_minor)::bigint as total_bet_minor,
             sum(total_win_minor)::bigint as total_win_minor, sum(total_rollback_bet_minor)::bigint as total_rollback_bet_minor,
             sum(total_rollback_win_minor)::bigint as total_rollback_win_minor
      from hits group by user_id, currency
      having sum(actions) > 0
    ), page as (
      select * from per_user order by user_id, currency limit ${q.limit} offset ${q.offset}
    ), totals as (
      select count(distinct user_id)::bigint as total_users, count(*)::bigint as total_rows,
             coalesce(sum(rounds), 0)::bigint as total_rounds, coalesce(sum(total_bet_minor), 0)::bigint as total_bet_minor,
             coalesce(sum(total_win_minor), 0)::bigint as total_win_minor,
             coalesce(sum(total_rollback_bet_minor), 0)::bigint as total_rollback_bet_minor,
             coalesce(sum(total_rollback_win_minor), 0)::bigint as total_rollback_win_minor
      from per_user
    )
    select p.user_id, p.currency, p.rounds, p.total_bet_minor as row_bet, p.total_win_minor as row_win,
           p.total_rollback_bet_minor as row_rollback_bet, p.total_rollback_win_minor as row_rollback_win, totals.*
    from totals left join page p on true
    order by p.user_id, p.currency`;
  return splitRtpResult(result as unknown as RtpResultRow[]);
}

interface RtpResultRow extends RtpTotals {
  user_id: string | null;
  currency: string | null;
  rounds: bigint | null;
  row_bet: bigint;
  row_win: bigint;
  row_rollback_bet: bigint;
  row_rollback_win: bigint;
}

function splitRtpResult(result: RtpResultRow[]): { rows: RtpRow[]; totals: RtpTotals } {
  assert(result.length > 0, 'the RTP query returns at least the totals row');
  const first = result[0];
  const totals: RtpTotals = {
    total_users: first.total_users, total_rows: first.total_rows, total_rounds: first.total_rounds,
    total_bet_minor: first.total_bet_minor, total_win_minor: first.total_win_minor,
    total_rollback_bet_minor: first.total_rollback_bet_minor, total_rollback_win_minor: first.total_rollback_win_minor,
  };
  const rows = result.filter((r) => r.user_id !== null).map((r) => ({
    user_id: r.user_id!, currency: r.currency!, rounds: r.rounds!, total_bet_minor: r.row_bet, total_win_minor: r.row_win,
    total_rollback_bet_minor: r.row_rollback_bet, total_rollback_win_minor: r.row_rollback_win,
  }));
  return { rows, totals };
}

/** Currencies in which the aggregator ever processed a bet or win for the player (primary-key prefix scan). */
export async function currenciesOfUser(db: Queryable, user_id: string): Promise<string[]> {
  const rows = await db<{ currency: string }[]>`
    select distinct currency from aggregator_rtp_hourly where user_id = ${user_id} order by currency`;
  return rows.map((r) => r.currency);
}
