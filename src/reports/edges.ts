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

export interface ReportWindowSql {
  /** ISO-8601 text, passed to PostgreSQL as is (microsecond precision kept). */
  from: string;
  to: string;
  complement: EdgeChoice;
  /** Answer the window's whole UTC days from a daily rollup (`day_range`) instead of their hours. */
  whole_days: boolean;
}

/**
 * The one way every report cuts its window `[from, to)` (the RTP reports of §2 and the game reports of
 * §6): CTEs to follow a `with`, computed in SQL so the microseconds of from/to are kept.
 *  - `bounds(f, t, bucket, hf, ht)`: the window and its whole hours `[hf, ht)`;
 *  - `partial_hours(p, p_end, a, b, complement)`: each hour the window cuts, `[a, b)` the part inside;
 *  - `hour_ranges(lo, hi)`: the hours read from game_rollups — the whole hours outside `day_range`, and
 *    each partial hour read as its rollup minus the rest;
 *  - `day_range(lo, hi)`: at most one row, dates `[lo, hi)` of whole UTC days read from a daily rollup
 *    (only with `whole_days`, when the whole hours hold a whole day);
 *  - `scans(lo, hi, sign)`: the stretches of actions read at the edges — the part inside (+1) of a
 *    partial hour read directly, or the parts outside (−1) of one read as its complement.
 */
export function windowCtes(sql: TransactionSql, w: ReportWindowSql): SqlFragment {
  return sql`
    given as (
      select ${w.from}::timestamptz as f, ${w.to}::timestamptz as t, ${ROLLUP_BUCKET_MS / 1000}::numeric as s,
             ${ROLLUP_DAY_MS / 1000}::numeric as ds
    ), bounds as (
      select f, t, make_interval(secs => s) as bucket,
             to_timestamp(ceil(extract(epoch from f) / s) * s) as hf,
             to_timestamp(floor(extract(epoch from t) / s) * s) as ht,
             to_timestamp(ceil(extract(epoch from f) / ds) * ds) as day_f,
             to_timestamp(floor(extract(epoch from t) / ds) * ds) as day_t
      from given
    ), days as (
      -- [df, dt): the whole days, between hf and ht; none: df = dt = ht.
      select case when whole then day_f else ht end as df, case when whole then day_t else ht end as dt
      from bounds, lateral (select ${w.whole_days}::boolean and day_f < day_t as whole) x
    ), partial_hours as (
      select hf - bucket as p, hf as p_end, f as a, least(hf, t) as b, ${w.complement.first}::boolean as complement from bounds where f < hf
      union all
      select ht, ht + bucket, ht, t, ${w.complement.last}::boolean from bounds where ht < t and ht >= hf
    ), hour_ranges as (
      select hf as lo, df as hi from bounds, days where hf < df
      union all
      select dt, ht from bounds, days where dt < ht
      union all
      select p, p_end from partial_hours where complement
    ), day_range as (
      select timezone('UTC', df)::date as lo, timezone('UTC', dt)::date as hi from days where df < dt
    ), scans as (
      select a as lo, b as hi, 1 as sign from partial_hours where not complement
      union all
      select p, a, -1 from partial_hours where complement
      union all
      select b, p_end, -1 from partial_hours where complement
    )`;
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
  if ('begin' in db) return (await (db as Sql).begin(run)) as T;
  return run(db as TransactionSql);
}
