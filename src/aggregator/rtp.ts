import type { AppContext } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import { totalToJson } from '../platform/money.ts';
import { chooseEdges, type EdgeChoice } from './edges.ts';
import { currenciesOfUser, readRtp } from './store.ts';
import type { RtpRow, RtpTotals } from './types.ts';

/**
 * RTP reports of the aggregator surface (SPEC §2, §6), answered from the hourly rollups; the partial
 * hours at the window's edges each read the shorter side (edges.ts).
 */

export interface RtpWindow {
  from: string;
  to: string;
  currency?: string;
}

/** Sums and counts: numbers, or bigints (exact digits on the wire) beyond 2^53 − 1. */
type Total = number | bigint;

export interface RtpRowJson {
  user_id: string;
  currency: string;
  rounds: Total;
  total_bet: Total;
  total_win: Total;
  total_rollback_bet: Total;
  total_rollback_win: Total;
  rtp: number | null;
}

export interface RtpListJson {
  data: RtpRowJson[];
  global_stats: {
    total_users: Total;
    total_rounds: Total;
    total_bet: Total;
    total_win: Total;
    total_rollback_bet: Total;
    total_rollback_win: Total;
    total_rtp: number | null;
  };
  pagination: { page: number; limit: number; total: number; total_pages: number };
}

const RATIO_SCALE = 10n ** 15n;

/** wins / bets from integers, divided once at the end; null when nothing was bet. */
export function ratio(numerator: bigint, denominator: bigint): number | null {
  if (denominator === 0n) return null;
  const safe = BigInt(Number.MAX_SAFE_INTEGER);
  if (numerator <= safe && denominator <= safe) return Number(numerator) / Number(denominator);
  // Beyond 2^53 a double cannot hold the operands; 15 significant digits of the quotient still can.
  return Number((numerator * RATIO_SCALE) / denominator) / Number(RATIO_SCALE);
}

export async function rtpList(ctx: AppContext, window: RtpWindow, page: number, limit: number): Promise<RtpListJson> {
  await checkWindow(ctx, window);
  const { rows, totals } = await readRtp(ctx.sql, {
    from: window.from, to: window.to, user_id: null, currency: window.currency ?? null, limit, offset: (page - 1) * limit,
    complement: edgesOf(window),
  });
  const total = Number(totals.total_rows);
  return {
    data: rows.map(rowJson),
    global_stats: globalJson(totals),
    pagination: { page, limit, total, total_pages: Math.ceil(total / limit) },
  };
}

/**
 * One player's row. A player with one currency needs none named; with several, `currency` picks one.
 * 404 when the aggregator never processed a bet or win of the player (in that currency, if named);
 * a known player without activity in the window gets a row of zeros.
 */
export async function rtpOfUser(ctx: AppContext, user_id: string, window: RtpWindow): Promise<RtpRowJson> {
  await checkWindow(ctx, window);
  const known = await currenciesOfUser(ctx.sql, user_id);
  const currency = window.currency ?? (known.length === 1 ? known[0] : undefined);
  if (known.length === 0 || (window.currency !== undefined && !known.includes(window.currency))) {
    throw new AppError('AGGREGATOR_USER_NOT_FOUND', `The aggregator has processed no bet or win for user ${user_id}${window.currency ? ` in ${window.currency}` : ''}.`);
  }
  if (currency === undefined) {
    throw new AppError('VALIDATION_ERROR', `currency is required: user ${user_id} plays in ${known.join(', ')}`);
  }
  const { rows } = await readRtp(ctx.sql, { from: window.from, to: window.to, user_id, currency, limit: 1, offset: 0, complement: edgesOf(window) });
  return rowJson(rows[0] ?? emptyRow(user_id, currency));
}

function edgesOf(window: RtpWindow): EdgeChoice {
  return chooseEdges(Date.parse(window.from), Date.parse(window.to), Date.now());
}

async function checkWindow(ctx: AppContext, window: RtpWindow): Promise<void> {
  for (const name of ['from', 'to'] as const) {
    if (Number.isNaN(Date.parse(window[name]))) throw new AppError('VALIDATION_ERROR', `${name} must be an ISO-8601 date-time with a time zone`);
  }
  if (Date.parse(window.from) > Date.parse(window.to)) throw new AppError('VALIDATION_ERROR', 'to must not be before from');
  if (window.currency !== undefined && !(await ctx.ledger.assetExists(window.currency))) {
    throw new AppError('UNKNOWN_ASSET', `currency ${window.currency} is not a known currency.`);
  }
}

function emptyRow(user_id: string, currency: string): RtpRow {
  return { user_id, currency, rounds: 0n, total_bet_minor: 0n, total_win_minor: 0n, total_rollback_bet_minor: 0n, total_rollback_win_minor: 0n };
}

function rowJson(row: RtpRow): RtpRowJson {
  return {
    user_id: row.user_id,
    currency: row.currency,
    rounds: totalToJson(row.rounds),
    total_bet: totalToJson(row.total_bet_minor),
    total_win: totalToJson(row.total_win_minor),
    total_rollback_bet: totalToJson(row.total_rollback_bet_minor),
    total_rollback_win: totalToJson(row.total_rollback_win_minor),
    rtp: ratio(row.total_win_minor, row.total_bet_minor),
  };
}

function globalJson(totals: RtpTotals): RtpListJson['global_stats'] {
  return {
    total_users: totalToJson(totals.total_users),
    total_rounds: totalToJson(totals.total_rounds),
    total_bet: totalToJson(totals.total_bet_minor),
    total_win: totalToJson(totals.total_win_minor),
    total_rollback_bet: totalToJson(totals.total_rollback_bet_minor),
    total_rollback_win: totalToJson(totals.total_rollback_win_minor),
    total_rtp: ratio(totals.total_win_minor, totals.total_bet_minor),
  };
}
