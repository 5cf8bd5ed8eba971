import type { Queryable, Sql, SqlFragment, TransactionSql } from '../db/sql.ts';
import { ROLLUP_BUCKET_MS, ROLLUP_DAY_MS } from './limits.ts';

/**
 * How a report reads the (at most two) partial hours a window cuts: `first` is the hour holding
 * `from` (the only one when from and to share an hour), `last` the hour holding `to`. false = scan the
 * wanted part's actions; true = the hour's rollup minus the actions of the parts outside the window.
 */
export interface EdgeChoice {
  first: boolean;
  last: boolean;
}

/**
 * The cheaper way for each partial hour, by the length of time its scan covers; time after `now_ms`
 * holds no actions yet and costs nothing. A window ending now subtracts an empty future instead of
 * reading the current hour; a cut at hh:50 reads ten minutes instead of fifty. Milliseconds are enough
 * here: both ways are exact (the SQL keeps the microseconds), this only picks the shorter scan.
 */
export function chooseEdges(from_ms: number, to_ms: number, now_ms: number): EdgeChoice {
  const hf = Math.ceil(from_ms / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
  const ht = Math.floor(to_ms / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
  const cheaper = (hour_ms: number, a: number, b: number) => {
    const past = (lo: number, hi: number) => Math.max(0, Math.min(hi, now_ms) - lo);
    return past(hour_ms, a) + past(b, hour_ms + ROLLUP_BUCKET_MS) < past(a, b);
  };
  return {
    first: from_ms < hf && cheaper(hf - ROLLUP_BUCKET_MS, from_ms, Math.min(hf, to_ms)),
    last: ht < to_ms && ht >= hf && cheaper(ht, ht, to_ms),
  };
}

/**
 * A window's whole hours `[hf, ht)` (epoch seconds, exact in a double), split into the whole UTC days read
 * from the daily rollups and the hour ranges read from game_rollups.
 */
export interface WindowBounds {
  hf: number;
  ht: number;
  /** Whole UTC days of `[hf, ht)` whose day rows are folded (`YYYY-MM-DD` as PostgreSQL writes them). */
  days: string[];
  /** `[lo, hi)` in epoch seconds: the whole hours outside `days`. */
  hours: [number, number][];
}

/**
 * PostgreSQL computes the bounds (the microseconds of from/to are kept, and from/to are read exactly as
 * the report statement reads them) and lists the folded days among the whole days (with `whole_days`;
 * migration 045) — but not a day with events not folded into its hour rows yet (migration 046: a late
 * rollback of an old action, for about a second), which is read from its hours, one round trip before the report statement, in the same snapshot (customPlanned). The
 * report statement gets them as constants: its custom plan sees how many days and hours each rollup range
 * holds (unknown bounds made the planner assume a few rows and walk 28,000 day rows through an index,
 * page by page, at 10 million actions: 13 ms instead of 3.5 for the sequential scan it chooses once it
 * sees them).
 */
export async function windowBounds(
  tx: TransactionSql,
  from: string,
  to: string,
  whole_days: boolean,
): Promise<WindowBounds> {
  const [b] = await tx<{ hf: string; ht: string; days: string[]; starts: string[] }[]>`
    with w as (
      select to_timestamp(ceil(extract(epoch from f) / s) * s) as hf, to_timestamp(floor(extract(epoch from t) / s) * s) as ht
      from (select ${from}::timestamptz as f, ${to}::timestamptz as t, ${ROLLUP_BUCKET_MS / 1000}::numeric as s) g
    ), pending_days as (
      select distinct timezone('UTC', hour_start)::date as day from game_rollups_pending_rows where ${whole_days}::boolean
    ), folded as (
      select f.day from game_rollups_folded_days f, w
      where ${whole_days}::boolean and f.day::timestamp at time zone 'UTC' >= w.hf and (f.day + 1)::timestamp at time zone 'UTC' <= w.ht
        and f.day not in (select day from pending_days)
    )
    select extract(epoch from hf)::text as hf, extract(epoch from ht)::text as ht,
           array(select day::text from folded order by day) as days,
           array(select extract(epoch from day::timestamp at time zone 'UTC')::text from folded order by day) as starts
    from w`;
  const [hf, ht] = [Number(b.hf), Number(b.ht)];
  const hours: [number, number][] = [];
  let cursor = hf;
  for (const start of b.starts.map(Number)) {
    if (cursor < start) hours.push([cursor, start]);
    cursor = start + ROLLUP_DAY_MS / 1000;
  }
  if (cursor < ht) hours.push([cursor, ht]);
  return { hf, ht, days: b.days, hours };
}

export interface ReportWindowSql {
  /** ISO-8601 text, passed to PostgreSQL as is (microsecond precision kept). */
  from: string;
  to: string;
  complement: EdgeChoice;
  bounds: WindowBounds;
}

/**
 * The one way every report cuts its window `[from, to)` (the RTP reports of §2 and the game reports of
 * §6): CTEs to follow a `with`, on the bounds of windowBounds().
 *  - `given(f, t, bucket, hf, ht)`: the window and its whole hours `[hf, ht)`;
 *  - `partial_hours(p, p_end, a, b, complement)`: each hour the window cuts, `[a, b)` the part inside;
 *  - `hour_ranges(lo, hi)`: the hours read from game_rollups — the whole hours outside the folded days
 *    (dayRange()), and each partial hour read as its rollup minus the rest;
 *  - `hour_rows`: the game_rollups rows of those hours and the events not folded into them yet
 *    (migration 046; several rows may share a key, readers sum them);
 *  - `scans(lo, hi, sign)`: the stretches of actions read at the edges — the part inside (+1) of a
 *    partial hour read directly, or the parts outside (−1) of one read as its complement.
 */
export function windowCtes(sql: TransactionSql, w: ReportWindowSql): SqlFragment {
  const { hf, ht, hours } = w.bounds;
  return sql`
    given as (
      select ${w.from}::timestamptz as f, ${w.to}::timestamptz as t, make_interval(secs => ${ROLLUP_BUCKET_MS / 1000}) as bucket,
             to_timestamp(${hf}::float8) as hf, to_timestamp(${ht}::float8) as ht
    ), partial_hours as (
      select hf - bucket as p, hf as p_end, f as a, least(hf, t) as b, ${w.complement.first}::boolean as complement from given where f < hf
      union all
      select ht, ht + bucket, ht, t, ${w.complement.last}::boolean from given where ht < t and ht >= hf
    ), hour_ranges as (
      select to_timestamp(lo) as lo, to_timestamp(hi) as hi
      from unnest(${hours.map(([lo]) => lo)}::float8[], ${hours.map(([, hi]) => hi)}::float8[]) as r(lo, hi)
      union all
      select p, p_end from partial_hours where complement
    ), hour_rows as (
      select h.player, h.currency, h.hour_start, h.surface, h.provider, h.game, h.actions, h.bet_count, h.bets_minor,
             h.wins_minor, h.rolled_back_bets_minor, h.rolled_back_wins_minor, h.win_count, h.bonus_bets_minor, h.bonus_wins_minor
      from hour_ranges r join game_rollups h on h.hour_start >= r.lo and h.hour_start < r.hi
      union all
      select e.player, e.currency, e.hour_start, e.surface, e.provider, e.game, e.actions, e.bet_count, e.bets_minor,
             e.wins_minor, e.rolled_back_bets_minor, e.rolled_back_wins_minor, e.win_count, e.bonus_bets_minor, e.bonus_wins_minor
      from hour_ranges r join game_rollups_pending_rows e on e.hour_start >= r.lo and e.hour_start < r.hi
    ), scans as (
      select a as lo, b as hi, 1 as sign from partial_hours where not complement
      union all
      select p, a, -1 from partial_hours where complement
      union all
      select b, p_end, -1 from partial_hours where complement
    )`;
}

/** Rows `d` of a daily rollup on the window's folded whole days (constants to the planner). */
export function dayRange(sql: TransactionSql, bounds: WindowBounds): SqlFragment {
  return sql`d.day = any(${bounds.days}::date[])`;
}

/** The window has whole UTC days read from a daily rollup. */
export function hasWholeDays(bounds: WindowBounds): boolean {
  return bounds.days.length > 0;
}

/**
 * Runs a report statement planned for its own parameters. A prepared statement switches to a generic
 * plan after five executions, and for these statements it is a bad one: the planner cannot see which
 * edge scans are empty or which filters are null (measured at 1,000,000 actions: an hour-aligned report
 * 3–15 ms for the first five executions, 780–1,100 ms from the sixth on). Only these reads pay for
 * planning each time; the hot path's prepared statements keep their plans.
 */
export async function customPlanned<T>(db: Queryable, read: (tx: TransactionSql) => Promise<T>): Promise<T> {
  const run = async (tx: TransactionSql) => {
    await tx`set local plan_cache_mode = force_custom_plan`;
    return read(tx);
  };
  // One snapshot for every statement of a report (windowBounds reads which days are folded first).
  if ('begin' in db) return (await (db as Sql).begin('isolation level repeatable read read only', run)) as T;
  return run(db as TransactionSql);
}
