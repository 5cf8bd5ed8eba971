import type { Queryable, Sql, TransactionSql } from '../db/sql.ts';
import { assert } from '../platform/assert.ts';
import type { EdgeChoice } from './edges.ts';
import { CASINO_PROVIDER, ROLLUP_BUCKET_MS } from './limits.ts';

/** SQL of the game reports (SPEC §6): the game rollups of both surfaces, plus both surfaces' actions at the edges. */

export type GroupField = 'day' | 'provider' | 'game' | 'player';

/** The sums of one report row: integers, a ratio is taken once at the end. */
export interface GameSums {
  bet_count: bigint;
  win_count: bigint;
  bets_minor: bigint;
  wins_minor: bigint;
  bonus_bets_minor: bigint;
  bonus_wins_minor: bigint;
  /** Bonus money that became cash (NGR only; 0 on the games report). */
  bonus_converted_minor: bigint;
}

export interface GameRow extends GameSums {
  day: string | null;
  provider: string | null;
  game: string | null;
  player: string | null;
  currency: string;
}

export interface GamesQuery {
  /** ISO-8601 text, passed to PostgreSQL as is (microsecond precision kept). */
  from: string;
  to: string;
  group_by: ReadonlySet<GroupField>;
  currency: string | null;
  provider: string | null;
  game: string | null;
  player: string | null;
  limit: number;
  offset: number;
  /** How each partial hour is read (edges.ts): false = its actions, true = its rollup minus the rest. */
  complement: EdgeChoice;
  /** Adds bonus conversions (NGR). */
  conversions: boolean;
}

export interface GamesResult {
  rows: GameRow[];
  totals: GameRow[];
  /** Rows of the grouping over the whole window (all pages). */
  total_rows: bigint;
}

/**
 * Grouped rows of one window, exact for any from/to, read as the aggregator RTP report is (rtp-store.ts):
 * whole hours from game_rollups, each partial hour either directly from the actions of both surfaces
 * (aggregator_actions, seamless_transactions: BRIN on created_at) or as the hour's rollup minus the
 * actions outside the window. A group is listed when a live bet or win (or a conversion) remains in it.
 * One statement returns the page, the per-currency totals and the row count (one snapshot).
 */
export function readGames(db: Queryable, q: GamesQuery): Promise<GamesResult> {
  return customPlanned(db, (tx) => queryGames(tx, q));
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

async function queryGames(db: TransactionSql, q: GamesQuery): Promise<GamesResult> {
  const g = {
    day: q.group_by.has('day'),
    provider: q.group_by.has('provider') || q.group_by.has('game'),
    game: q.group_by.has('game'),
    player: q.group_by.has('player'),
  };
  const result = await db<ResultRow[]>`
    with given as (
      select ${q.from}::timestamptz as f, ${q.to}::timestamptz as t, ${ROLLUP_BUCKET_MS / 1000}::numeric as s
    ), bounds as (
      select f, t, make_interval(secs => s) as bucket,
             to_timestamp(ceil(extract(epoch from f) / s) * s) as hf,
             to_timestamp(floor(extract(epoch from t) / s) * s) as ht
      from given
    ), partial_hours as (
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
    ), aggregator_scan as (
      select a.created_at as ts, a.user_id as player, a.currency, s.sign, a.action, a.rolled_back, a.amount_minor, a.bonus_minor,
             case when a.game is null or position(':' in a.game) = 0 then 'default' else split_part(a.game, ':', 1) end as provider,
             case when a.game is null then '' when position(':' in a.game) = 0 then a.game else substr(a.game, position(':' in a.game) + 1) end as game
      from scans s join aggregator_actions a on a.created_at >= s.lo and a.created_at < s.hi
      where a.action <> 'rollback'
        and (${q.player}::text is null or a.user_id = ${q.player}) and (${q.currency}::text is null or a.currency = ${q.currency})
    ), hits as (
      select h.hour_start as ts, h.provider, h.game, h.player, h.currency, h.bet_count, h.win_count, h.bets_minor, h.wins_minor,
             h.bonus_bets_minor, h.bonus_wins_minor, 0::bigint as converted
      from rollup_ranges r join game_rollups h on h.hour_start >= r.lo and h.hour_start < r.hi
      where (${q.player}::text is null or h.player = ${q.player}) and (${q.currency}::text is null or h.currency = ${q.currency})
        and (${q.provider}::text is null or h.provider = ${q.provider}) and (${q.game}::text is null or h.game = ${q.game})
      union all
      select ts, provider, game, player, currency,
             sign * (action = 'bet' and not rolled_back)::int, sign * (action = 'win' and not rolled_back)::int,
             sign * case when action = 'bet' and not rolled_back then amount_minor else 0 end,
             sign * case when action = 'win' and not rolled_back then amount_minor else 0 end,
             sign * case when action = 'bet' and not rolled_back then bonus_minor else 0 end,
             sign * case when action = 'win' and not rolled_back then bonus_minor else 0 end, 0
      from aggregator_scan
      where (${q.provider}::text is null or provider = ${q.provider}) and (${q.game}::text is null or game = ${q.game})
      union all
      -- Casino callbacks: debits are bets (rolled back when rolled_back_by is set), credits are wins (never rolled back).
      select c.created_at, ${CASINO_PROVIDER}, coalesce(c.game_id, ''), c.user_id, c.currency,
             s.sign * (c.kind = 'debit' and c.rolled_back_by is null)::int, s.sign * (c.kind = 'credit')::int,
             s.sign * case when c.kind = 'debit' and c.rolled_back_by is null then c.amount_minor else 0 end,
             s.sign * case when c.kind = 'credit' then c.amount_minor else 0 end,
             s.sign * case when c.kind = 'debit' and c.rolled_back_by is null then c.bonus_minor else 0 end,
             s.sign * case when c.kind = 'credit' then c.bonus_minor else 0 end, 0
      from scans s join seamless_transactions c on c.created_at >= s.lo and c.created_at < s.hi
      where c.kind in ('debit', 'credit')
        and (${q.player}::text is null or c.user_id = ${q.player}) and (${q.currency}::text is null or c.currency = ${q.currency})
        and (${q.provider}::text is null or ${CASINO_PROVIDER} = ${q.provider}) and (${q.game}::text is null or coalesce(c.game_id, '') = ${q.game})
      union all
      -- Bonus money that became cash: conversions into a player's cash account (partial index on created_at).
      select x.created_at, null, null, a.owner, x.asset, 0, 0, 0, 0, 0, 0, x.amount_minor
      from transfers x join accounts a on a.id = x.to_account_id, given
      where ${q.conversions}::boolean and x.kind = 'bonus_convert' and x.created_at >= given.f and x.created_at < given.t
        and a.kind = 'player' and a.purpose = 'cash'
        and (${q.player}::text is null or a.owner = ${q.player}) and (${q.currency}::text is null or x.asset = ${q.currency})
    ), grouped as (
      select case when ${g.day}::boolean then to_char(ts at time zone 'UTC', 'YYYY-MM-DD') end as day,
             case when ${g.provider}::boolean then provider end as provider,
             case when ${g.game}::boolean then game end as game,
             case when ${g.player}::boolean then player end as player,
             currency,
             sum(bet_count)::bigint as bet_count, sum(win_count)::bigint as win_count,
             sum(bets_minor)::bigint as bets_minor, sum(wins_minor)::bigint as wins_minor,
             sum(bonus_bets_minor)::bigint as bonus_bets_minor, sum(bonus_wins_minor)::bigint as bonus_wins_minor,
             sum(converted)::bigint as bonus_converted_minor
      from hits group by 1, 2, 3, 4, 5
      having sum(bet_count) + sum(win_count) > 0 or sum(converted) <> 0
    ), page as (
      select row_number() over (order by day, provider, game, player, currency) as ord, *
      from grouped order by day, provider, game, player, currency limit ${q.limit} offset ${q.offset}
    ), totals as (
      select row_number() over (order by currency) as ord, null::text as day, null::text as provider, null::text as game, null::text as player, currency,
             sum(bet_count)::bigint, sum(win_count)::bigint, sum(bets_minor)::bigint, sum(wins_minor)::bigint,
             sum(bonus_bets_minor)::bigint, sum(bonus_wins_minor)::bigint, sum(bonus_converted_minor)::bigint
      from grouped group by currency
    )
    select 'page' as part, * from page
    union all
    select 'total', * from totals
    union all
    select 'count', 0, null, null, null, null, '', count(*)::bigint, 0, 0, 0, 0, 0, 0 from grouped
    order by part, ord`;
  return splitGamesResult(result);
}

interface ResultRow extends GameRow {
  part: 'page' | 'total' | 'count';
  ord: bigint;
}

function splitGamesResult(result: ResultRow[]): GamesResult {
  const count = result.filter((r) => r.part === 'count');
  assert(count.length === 1, 'the games query returns one count row');
  const strip = ({ part: _part, ord: _ord, ...row }: ResultRow): GameRow => row;
  return {
    rows: result.filter((r) => r.part === 'page').map(strip),
    totals: result.filter((r) => r.part === 'total').map(strip),
    total_rows: count[0].bet_count,
  };
}
