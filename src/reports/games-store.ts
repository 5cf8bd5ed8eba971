import type { Queryable, SqlFragment, TransactionSql } from '../db/sql.ts';
import { assert } from '../platform/assert.ts';
import {
  customPlanned,
  dayRange,
  hasWholeDays,
  windowBounds,
  windowCtes,
  type EdgeChoice,
  type WindowBounds,
} from './edges.ts';
import { CASINO_PROVIDER } from './limits.ts';

/**
 * SQL of the game reports (SPEC §6): whole UTC days from a daily rollup (migration 045), the other whole
 * hours from game_rollups, and both surfaces' actions at the edges.
 */

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
  /** Where whole days come from; planGames() when absent (tests force each valid plan). */
  plan?: GamesPlan;
}

export interface GamesResult {
  rows: GameRow[];
  totals: GameRow[];
  /** Rows of the grouping over the whole window (all pages). */
  total_rows: bigint;
}

/** The daily rollups of migration 045, each with the group fields it keeps (besides currency). */
export const DAY_SOURCES = {
  game_rollups_daily: ['day', 'provider', 'game', 'player'],
  game_rollups_daily_games: ['day', 'provider', 'game'],
  game_rollups_daily_players: ['day', 'player'],
} as const satisfies Record<string, readonly GroupField[]>;
export type DaySource = keyof typeof DAY_SOURCES;

/**
 * How a query reads the window's whole UTC days that are folded (migration 045; the others are read from
 * hours like the partial days).
 *  - days: the daily rollup that answers them (the smallest that keeps every field the grouping and the
 *    filters need), or null: hour rows only (a player's filter: their hour rows are a primary-key prefix).
 *  - paged: the grouping is the daily rollup's own key, so each of its rows is one report row of its day:
 *    the folded days' part of the page is read in primary-key order with LIMIT, their row count and totals
 *    from game_rollups_daily_games (a few rows per day), never aggregating their rows; only the hours are
 *    grouped, and the two are merged in row order.
 */
export interface GamesPlan {
  days: DaySource | null;
  paged: boolean;
}

type Filters = Pick<GamesQuery, 'group_by' | 'provider' | 'game' | 'player' | 'conversions'>;

/** The fields a row shows: game groups by (provider, game), so it shows the provider too. */
function shownFields(group_by: ReadonlySet<GroupField>): Set<GroupField> {
  const shown = new Set(group_by);
  if (shown.has('game')) shown.add('provider');
  return shown;
}

/** Every plan that answers the query exactly (tests compare them all with a brute force). */
export function validPlans(q: Filters): GamesPlan[] {
  const plans: GamesPlan[] = [{ days: null, paged: false }];
  if (q.player !== null) return plans;
  const shown = shownFields(q.group_by);
  const needed = new Set(shown);
  if (q.provider !== null) needed.add('provider');
  if (q.game !== null) needed.add('game');
  for (const [days, fields] of Object.entries(DAY_SOURCES) as [DaySource, readonly GroupField[]][]) {
    if (![...needed].every((f) => f === 'day' || fields.includes(f))) continue;
    plans.push({ days, paged: false });
    if (!q.conversions && shown.has('day') && shown.size === fields.length && fields.every((f) => shown.has(f)))
      plans.push({ days, paged: true });
  }
  return plans;
}

/** The cheapest valid plan: the smallest daily rollup, paged when it can be. */
export function planGames(q: Filters): GamesPlan {
  const plans = validPlans(q);
  const smallest = (['game_rollups_daily_games', 'game_rollups_daily_players', 'game_rollups_daily'] as const).find(
    (days) => plans.some((p) => p.days === days),
  );
  if (smallest === undefined) return plans[0];
  return plans.find((p) => p.days === smallest && p.paged) ?? { days: smallest, paged: false };
}

/**
 * Grouped rows of one window, exact for any from/to: folded whole UTC days from a daily rollup (planGames),
 * the other whole hours from game_rollups, and each partial hour either directly from the actions of both
 * surfaces (aggregator_actions, seamless_transactions: BRIN on created_at) or as the hour's rollup minus
 * the actions outside the window (windowCtes). A group is listed when a live bet or win (or a conversion)
 * remains in it. One statement returns the page, the per-currency totals and the row count (one snapshot).
 */
export function readGames(db: Queryable, q: GamesQuery): Promise<GamesResult> {
  return customPlanned(db, (tx) => queryGames(tx, q, q.plan ?? planGames(q)));
}

async function queryGames(tx: TransactionSql, q: GamesQuery, plan: GamesPlan): Promise<GamesResult> {
  assert(
    validPlans(q).some((p) => p.days === plan.days && p.paged === plan.paged),
    'the plan answers the query exactly',
  );
  const bounds = await windowBounds(tx, q.from, q.to, plan.days !== null);
  const window = windowCtes(tx, { from: q.from, to: q.to, complement: q.complement, bounds });
  // Without a whole day in the window every plan reads hours only.
  const days = hasWholeDays(bounds) ? plan.days : null;
  const shown = shownFields(q.group_by);
  const grouped = tx`
    grouped as (
      select case when ${shown.has('day')}::boolean then day end as day,
             case when ${shown.has('provider')}::boolean then provider end as provider,
             case when ${shown.has('game')}::boolean then game end as game,
             case when ${shown.has('player')}::boolean then player end as player,
             currency,
             sum(bet_count)::bigint as bet_count, sum(win_count)::bigint as win_count,
             sum(bets_minor)::bigint as bets_minor, sum(wins_minor)::bigint as wins_minor,
             sum(bonus_bets_minor)::bigint as bonus_bets_minor, sum(bonus_wins_minor)::bigint as bonus_wins_minor,
             sum(converted)::bigint as bonus_converted_minor
      from hits group by 1, 2, 3, 4, 5
      having sum(bet_count) + sum(win_count) > 0 or sum(converted) <> 0
    )`;
  const paged = days !== null && plan.paged ? days : null;
  const whole = days !== null && !plan.paged ? days : null;
  const result = await tx<ResultRow[]>`
    with ${window}, hits as (
      ${whole === null ? tx`` : tx`${wholeDayHits(tx, q, whole, shown, bounds)} union all`}
      ${partialHits(tx, q)}
    ), ${grouped}, ${paged === null ? tx`ordered as (select * from grouped)` : pagedWholeDays(tx, q, paged, bounds)}, page as (
      select row_number() over (order by day, provider, game, player, currency) as ord, *
      from ordered order by day, provider, game, player, currency limit ${q.limit} offset ${q.offset}
    ), totals as (
      select row_number() over (order by currency) as ord, currency,
             sum(bet_count)::bigint as bet_count, sum(win_count)::bigint as win_count,
             sum(bets_minor)::bigint as bets_minor, sum(wins_minor)::bigint as wins_minor,
             sum(bonus_bets_minor)::bigint as bonus_bets_minor, sum(bonus_wins_minor)::bigint as bonus_wins_minor,
             sum(bonus_converted_minor)::bigint as bonus_converted_minor
      from (
        select currency, bet_count, win_count, bets_minor, wins_minor, bonus_bets_minor, bonus_wins_minor, bonus_converted_minor
        from grouped
        ${
          paged === null
            ? tx``
            : tx`union all
        select d.currency, d.bet_count, d.win_count, d.bets_minor, d.wins_minor, d.bonus_bets_minor, d.bonus_wins_minor, 0
        from game_rollups_daily_games d
        where ${inWholeDays(tx, q, 'game_rollups_daily_games', bounds)} and d.bet_count + d.win_count > 0`
        }
      ) t
      group by currency
    ), counted as (
      select (select count(*) from grouped) + ${paged === null ? tx`0` : tx`coalesce((${wholeDayGroups(tx, q, paged, bounds)}), 0)`} as n
    )
    select 'page' as part, ord, to_char(day::timestamp, 'YYYY-MM-DD') as day, provider, game, player, currency, bet_count, win_count,
           bets_minor, wins_minor, bonus_bets_minor, bonus_wins_minor, bonus_converted_minor
    from page
    union all
    select 'total', ord, null, null, null, null, currency, bet_count, win_count, bets_minor, wins_minor, bonus_bets_minor,
           bonus_wins_minor, bonus_converted_minor
    from totals
    union all
    select 'count', 0, null, null, null, null, '', n::bigint, 0, 0, 0, 0, 0, 0 from counted
    order by part, ord`;
  return splitGamesResult(result);
}

/**
 * A paged plan's folded days: only the first offset + limit report rows of them, read in the daily
 * rollup's primary-key order (its rows are report rows), merged with the hours' grouped rows.
 */
function pagedWholeDays(tx: TransactionSql, q: GamesQuery, days: DaySource, bounds: WindowBounds): SqlFragment {
  return tx`
    whole_page as (
      select d.day, ${dayColumns(tx, days)}, d.currency, d.bet_count, d.win_count, d.bets_minor, d.wins_minor,
             d.bonus_bets_minor, d.bonus_wins_minor, 0::bigint as bonus_converted_minor
      from ${tx(days)} d
      where ${inWholeDays(tx, q, days, bounds)} and d.bet_count + d.win_count > 0
      order by ${dayOrder(tx, days)} limit ${q.offset + q.limit}
    ), ordered as (
      select * from grouped
      union all
      select * from whole_page
    )`;
}

/** provider, game, player of a daily rollup's row: null where the rollup does not keep the field. */
function dayColumns(tx: TransactionSql, days: DaySource): SqlFragment {
  const kept = DAY_SOURCES[days] as readonly GroupField[];
  return tx`${kept.includes('provider') ? tx`d.provider` : tx`null::text`} as provider,
    ${kept.includes('game') ? tx`d.game` : tx`null::text`} as game,
    ${kept.includes('player') ? tx`d.player` : tx`null::text`} as player`;
}

/** The primary-key order of a daily rollup, which is the report's row order. */
function dayOrder(tx: TransactionSql, days: DaySource): SqlFragment {
  if (days === 'game_rollups_daily') return tx`d.day, d.provider, d.game, d.player, d.currency`;
  if (days === 'game_rollups_daily_games') return tx`d.day, d.provider, d.game, d.currency`;
  return tx`d.day, d.player, d.currency`;
}

/** Rows `d` of a daily rollup in the window's whole days, through the filters it can apply (the plan saw to the rest). */
function inWholeDays(tx: TransactionSql, q: GamesQuery, days: DaySource, bounds: WindowBounds): SqlFragment {
  const kept = DAY_SOURCES[days] as readonly GroupField[];
  return tx`${dayRange(tx, bounds)}
    and (${q.currency}::text is null or d.currency = ${q.currency})
    ${kept.includes('provider') ? tx`and (${q.provider}::text is null or d.provider = ${q.provider})` : tx``}
    ${kept.includes('game') ? tx`and (${q.game}::text is null or d.game = ${q.game})` : tx``}`;
}

/**
 * The whole days' contributions, already summed per shown field (30 day rows of a player become one):
 * fewer rows to group with the partial days.
 */
function wholeDayHits(
  tx: TransactionSql,
  q: GamesQuery,
  days: DaySource,
  shown: ReadonlySet<GroupField>,
  bounds: WindowBounds,
): SqlFragment {
  const kept = DAY_SOURCES[days] as readonly GroupField[];
  const field = (f: 'provider' | 'game' | 'player') =>
    shown.has(f) && kept.includes(f) ? tx`d.${tx(f)}` : tx`null::text`;
  return tx`
    select case when ${shown.has('day')}::boolean then d.day end as day, ${field('provider')} as provider,
           ${field('game')} as game, ${field('player')} as player, d.currency,
           sum(d.bet_count)::bigint as bet_count, sum(d.win_count)::bigint as win_count,
           sum(d.bets_minor)::bigint as bets_minor, sum(d.wins_minor)::bigint as wins_minor,
           sum(d.bonus_bets_minor)::bigint as bonus_bets_minor, sum(d.bonus_wins_minor)::bigint as bonus_wins_minor,
           0::bigint as converted
    from ${tx(days)} d where ${inWholeDays(tx, q, days, bounds)}
    group by 1, 2, 3, 4, 5`;
}

/** Report rows the whole days hold (paged plans): the finest grouping's rows are counted in its day's game rows. */
function wholeDayGroups(tx: TransactionSql, q: GamesQuery, days: DaySource, bounds: WindowBounds): SqlFragment {
  if (days === 'game_rollups_daily')
    return tx`select sum(d.groups) from game_rollups_daily_games d where ${inWholeDays(tx, q, 'game_rollups_daily_games', bounds)}`;
  return tx`select count(*) from ${tx(days)} d where ${inWholeDays(tx, q, days, bounds)} and d.bet_count + d.win_count > 0`;
}

/**
 * Signed contributions `(day, provider, game, player, currency, counts, sums, converted)` of everything
 * but the whole days: the other whole hours and the complemented partial hours from game_rollups (and the
 * events not folded into it yet, of every whole hour), the
 * edges' actions of both surfaces, and bonus conversions (NGR) over the whole window.
 */
function partialHits(tx: TransactionSql, q: GamesQuery): SqlFragment {
  return tx`
    select timezone('UTC', h.hour_start)::date as day, h.provider, h.game, h.player, h.currency, h.bet_count, h.win_count,
           h.bets_minor, h.wins_minor, h.bonus_bets_minor, h.bonus_wins_minor, 0::bigint as converted
    from hour_rows h
    where (${q.player}::text is null or h.player = ${q.player}) and (${q.currency}::text is null or h.currency = ${q.currency})
      and (${q.provider}::text is null or h.provider = ${q.provider}) and (${q.game}::text is null or h.game = ${q.game})
    union all
    -- Aggregator actions: the wire game is "provider:game" (no colon: the default provider). The bonus
    -- part of a live bet or win counts as the rollups count it.
    select timezone('UTC', ts)::date, provider, game, player, currency,
           sign * (action = 'bet' and not rolled_back)::int, sign * (action = 'win' and not rolled_back)::int,
           sign * case when action = 'bet' and not rolled_back then amount_minor else 0 end,
           sign * case when action = 'win' and not rolled_back then amount_minor else 0 end,
           sign * case when action = 'bet' and not rolled_back then bonus_minor else 0 end,
           sign * case when action = 'win' and not rolled_back then bonus_minor else 0 end, 0
    from (
      select a.created_at as ts, a.user_id as player, a.currency, s.sign, a.action, a.rolled_back, a.amount_minor, a.bonus_minor,
             case when a.game is null or position(':' in a.game) = 0 then 'default' else split_part(a.game, ':', 1) end as provider,
             case when a.game is null then '' when position(':' in a.game) = 0 then a.game else substr(a.game, position(':' in a.game) + 1) end as game
      from scans s join aggregator_actions a on a.created_at >= s.lo and a.created_at < s.hi
      where a.action <> 'rollback'
        and (${q.player}::text is null or a.user_id = ${q.player}) and (${q.currency}::text is null or a.currency = ${q.currency})
    ) a
    where (${q.provider}::text is null or provider = ${q.provider}) and (${q.game}::text is null or game = ${q.game})
    union all
    -- Casino callbacks: debits are bets (rolled back when rolled_back_by is set), credits are wins (never rolled back).
    select timezone('UTC', c.created_at)::date, ${CASINO_PROVIDER}, coalesce(c.game_id, ''), c.user_id, c.currency,
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
    select timezone('UTC', x.created_at)::date, null, null, a.owner, x.asset, 0, 0, 0, 0, 0, 0, x.amount_minor
    from transfers x join accounts a on a.id = x.to_account_id, given
    where ${q.conversions}::boolean and x.kind = 'bonus_convert' and x.created_at >= given.f and x.created_at < given.t
      and a.kind = 'player' and a.purpose = 'cash'
      and (${q.player}::text is null or a.owner = ${q.player}) and (${q.currency}::text is null or x.asset = ${q.currency})`;
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
