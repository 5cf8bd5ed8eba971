import type { Queryable, TransactionSql } from '../db/sql.ts';
import { assert } from '../platform/assert.ts';
import { customPlanned, windowBounds, windowCtes, type EdgeChoice } from './edges.ts';
import type { GameTotals } from './totals.ts';

/** SQL of the aggregator RTP reports (SPEC §2): the game rollups of the aggregator surface, plus its actions at the edges. */

/** One RTP row: a player in one currency over a window. */
export interface RtpRow extends GameTotals {
  user_id: string;
  currency: string;
}

export interface RtpTotals extends GameTotals {
  total_users: bigint;
  total_rows: bigint;
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
export function readRtp(db: Queryable, q: RtpQuery): Promise<{ rows: RtpRow[]; totals: RtpTotals }> {
  return customPlanned(db, (tx) => queryRtp(tx, q));
}

async function queryRtp(tx: TransactionSql, q: RtpQuery): Promise<{ rows: RtpRow[]; totals: RtpTotals }> {
  const bounds = await windowBounds(tx, q.from, q.to, false);
  const result = await tx`
    with ${windowCtes(tx, { from: q.from, to: q.to, complement: q.complement, bounds })}, hits as (
      select h.player as user_id, h.currency, h.actions, h.bet_count, h.bets_minor, h.wins_minor, h.rolled_back_bets_minor, h.rolled_back_wins_minor
      from hour_rows h
      where h.surface = 'aggregator'
        and (${q.user_id}::text is null or h.player = ${q.user_id}) and (${q.currency}::text is null or h.currency = ${q.currency})
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
      select user_id, currency, sum(actions)::bigint as actions, sum(bet_count)::bigint as bet_count, sum(bets_minor)::bigint as bets_minor,
             sum(wins_minor)::bigint as wins_minor, sum(rolled_back_bets_minor)::bigint as rolled_back_bets_minor,
             sum(rolled_back_wins_minor)::bigint as rolled_back_wins_minor
      from hits group by user_id, currency
      having sum(actions) > 0
    ), page as (
      select * from per_user order by user_id, currency limit ${q.limit} offset ${q.offset}
    ), totals as (
      select count(distinct user_id)::bigint as total_users, count(*)::bigint as total_rows,
             coalesce(sum(actions), 0)::bigint as t_actions, coalesce(sum(bet_count), 0)::bigint as t_bet_count,
             coalesce(sum(bets_minor), 0)::bigint as t_bets, coalesce(sum(wins_minor), 0)::bigint as t_wins,
             coalesce(sum(rolled_back_bets_minor), 0)::bigint as t_rolled_back_bets,
             coalesce(sum(rolled_back_wins_minor), 0)::bigint as t_rolled_back_wins
      from per_user
    )
    select p.*, totals.*
    from totals left join page p on true
    order by p.user_id, p.currency`;
  return splitRtpResult(result as unknown as RtpResultRow[]);
}

interface RtpResultRow extends Partial<RtpRow> {
  total_users: bigint;
  total_rows: bigint;
  t_actions: bigint;
  t_bet_count: bigint;
  t_bets: bigint;
  t_wins: bigint;
  t_rolled_back_bets: bigint;
  t_rolled_back_wins: bigint;
}

function splitRtpResult(result: RtpResultRow[]): { rows: RtpRow[]; totals: RtpTotals } {
  assert(result.length > 0, 'the RTP query returns at least the totals row');
  const first = result[0];
  const totals: RtpTotals = {
    total_users: first.total_users,
    total_rows: first.total_rows,
    actions: first.t_actions,
    bet_count: first.t_bet_count,
    bets_minor: first.t_bets,
    wins_minor: first.t_wins,
    rolled_back_bets_minor: first.t_rolled_back_bets,
    rolled_back_wins_minor: first.t_rolled_back_wins,
  };
  const rows = result
    .filter((r) => r.user_id !== null && r.user_id !== undefined)
    .map((r) => ({
      user_id: r.user_id!,
      currency: r.currency!,
      actions: r.actions!,
      bet_count: r.bet_count!,
      bets_minor: r.bets_minor!,
      wins_minor: r.wins_minor!,
      rolled_back_bets_minor: r.rolled_back_bets_minor!,
      rolled_back_wins_minor: r.rolled_back_wins_minor!,
    }));
  return { rows, totals };
}

/** Currencies in which the aggregator ever processed a bet or win for the player (primary-key prefix scan, and the events not folded yet). */
export async function currenciesOfUser(db: Queryable, user_id: string): Promise<string[]> {
  const rows = await db<{ currency: string }[]>`
    select currency from game_rollups where player = ${user_id} and surface = 'aggregator'
    union
    select currency from game_rollups_pending_rows where player = ${user_id} and surface = 'aggregator'
    order by currency`;
  return rows.map((r) => r.currency);
}
