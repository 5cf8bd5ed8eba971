import { checkWindow } from './window.ts';
import type { AppContext } from '../ledger/context.ts';
import { assert } from '../platform/assert.ts';
import { totalToJson } from '../platform/money.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { chooseEdges } from './edges.ts';
import { readGames, type GameRow, type GroupField } from './games-store.ts';
import { GROUP_FIELDS_MAX, RTP_DECIMALS } from './limits.ts';

/**
 * Game reports of every surface (SPEC §6): GGR per any grouping of day, provider, game and player,
 * and NGR (GGR minus bonus money that became cash) per day or player. Answered from the game rollups;
 * the partial hours at the window's edges each read the shorter side (edges.ts).
 */

export const GAMES_GROUP_FIELDS: readonly GroupField[] = ['day', 'provider', 'game', 'player'];
export const NGR_GROUP_FIELDS: readonly GroupField[] = ['day', 'player'];

export interface GamesParams {
  from: string;
  to: string;
  group_by?: string;
  currency?: string;
  provider?: string;
  game?: string;
  player?: string;
  page: number;
  limit: number;
}

type Total = number | bigint;

export interface GamesRowJson {
  day?: string;
  provider?: string;
  game?: string;
  player?: string;
  currency: string;
  bet_count: Total;
  bets: Total;
  wins: Total;
  bonus_bets: Total;
  bonus_wins: Total;
  ggr: Total;
  rtp: number | null;
  bonus_converted?: Total;
  ngr?: Total;
}

export interface GamesJson {
  data: GamesRowJson[];
  totals: GamesRowJson[];
  pagination: { page: number; limit: number; total: number; total_pages: number };
}

/** GET /v1/reports/games. */
export function gamesReport(ctx: AppContext, params: GamesParams): Promise<Outcome<GamesJson>> {
  return report(ctx, params, GAMES_GROUP_FIELDS, false);
}

/** GET /v1/reports/ngr: the games report per day and/or player, with bonus_converted and ngr. */
export function ngrReport(ctx: AppContext, params: GamesParams): Promise<Outcome<GamesJson>> {
  return report(ctx, { ...params, provider: undefined, game: undefined }, NGR_GROUP_FIELDS, true);
}

async function report(
  ctx: AppContext,
  params: GamesParams,
  allowed: readonly GroupField[],
  ngr: boolean,
): Promise<Outcome<GamesJson>> {
  const group_by = parseGroupBy(params.group_by, allowed);
  if (!group_by.ok) return group_by;
  const invalid = await checkWindow(ctx, params);
  if (invalid) return invalid;
  const result = await readGames(ctx.sql, {
    from: params.from,
    to: params.to,
    group_by: group_by.value,
    currency: params.currency ?? null,
    provider: params.provider ?? null,
    game: params.game ?? null,
    player: params.player ?? null,
    limit: params.limit,
    offset: (params.page - 1) * params.limit,
    complement: chooseEdges(Date.parse(params.from), Date.parse(params.to), Date.now()),
    conversions: ngr,
  });
  const total = Number(result.total_rows);
  return succeed({
    data: result.rows.map((r) => rowJson(r, group_by.value, ngr)),
    totals: result.totals.map((r) => rowJson(r, new Set(), ngr)),
    pagination: { page: params.page, limit: params.limit, total, total_pages: Math.ceil(total / params.limit) },
  });
}

/** "day,game" → {day, game}; empty → no grouping; anything else is refused, naming it. */
export function parseGroupBy(text: string | undefined, allowed: readonly GroupField[]): Outcome<Set<GroupField>> {
  const fields = new Set<GroupField>();
  const parts = (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  for (const part of parts) {
    if (!(allowed as readonly string[]).includes(part)) {
      return refuse(
        PLATFORM_ERRORS.VALIDATION_ERROR,
        `group_by: unknown field "${part}" (allowed: ${allowed.join(', ')}, comma-separated)`,
      );
    }
    fields.add(part as GroupField);
  }
  assert(fields.size <= GROUP_FIELDS_MAX, 'group_by has at most the four fields');
  return succeed(fields);
}

function rowJson(row: GameRow, group_by: ReadonlySet<GroupField>, ngr: boolean): GamesRowJson {
  const json: GamesRowJson = {
    ...(group_by.has('day') ? { day: row.day! } : {}),
    ...(group_by.has('provider') || group_by.has('game') ? { provider: row.provider! } : {}),
    ...(group_by.has('game') ? { game: row.game! } : {}),
    ...(group_by.has('player') ? { player: row.player! } : {}),
    currency: row.currency,
    bet_count: totalToJson(row.bet_count),
    bets: totalToJson(row.bets_minor),
    wins: totalToJson(row.wins_minor),
    bonus_bets: totalToJson(row.bonus_bets_minor),
    bonus_wins: totalToJson(row.bonus_wins_minor),
    ggr: totalToJson(row.bets_minor - row.wins_minor),
    rtp: rtpOf(row.wins_minor, row.bets_minor),
  };
  if (!ngr) return json;
  return {
    ...json,
    bonus_converted: totalToJson(row.bonus_converted_minor),
    ngr: totalToJson(row.bets_minor - row.wins_minor - row.bonus_converted_minor),
  };
}

const RTP_SCALE = 10n ** BigInt(RTP_DECIMALS);

/**
 * wins / bets rounded half-up to RTP_DECIMALS places, in integers: floor((2·wins·scale + bets) / (2·bets))
 * is the scaled quotient rounded half-up; the JSON number is the double nearest its decimal text.
 * null when nothing was bet.
 */
export function rtpOf(wins_minor: bigint, bets_minor: bigint): number | null {
  if (bets_minor === 0n) return null;
  assert(wins_minor >= 0n && bets_minor > 0n, 'report sums of live bets and wins are not negative');
  const scaled = (2n * wins_minor * RTP_SCALE + bets_minor) / (2n * bets_minor);
  return Number(`${scaled / RTP_SCALE}.${String(scaled % RTP_SCALE).padStart(RTP_DECIMALS, '0')}`);
}
