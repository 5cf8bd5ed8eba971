import { checkWindow } from './window.ts';
import type { AppContext } from '../ledger/context.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import { totalToJson } from '../platform/money.ts';
import { chooseEdges, type EdgeChoice } from './edges.ts';
import { REPORTS_ERRORS } from './errors.ts';
import { currenciesOfUser, readRtp, type RtpRow, type RtpTotals } from './rtp-store.ts';
import { GameTotals, ratio } from './totals.ts';

/**
 * RTP reports of the aggregator surface (SPEC §2), answered from the game rollups of that surface;
 * the partial hours at the window's edges each read the shorter side (edges.ts).
 */

export interface RtpWindow {
  from: string;
  to: string;
  currency?: string;
}

/** Sums and counts: numbers, or bigints (exact digits on the wire) beyond 2^53 − 1. */
type Total = number | bigint;

export type RtpRowJson = { user_id: string; currency: string } & ReturnType<typeof GameTotals.toRtpJson>;

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

export async function rtpList(
  ctx: AppContext,
  window: RtpWindow,
  page: number,
  limit: number,
): Promise<Outcome<RtpListJson>> {
  const invalid = await checkWindow(ctx, window);
  if (invalid) return invalid;
  const { rows, totals } = await readRtp(ctx.sql, {
    from: window.from,
    to: window.to,
    user_id: null,
    currency: window.currency ?? null,
    limit,
    offset: (page - 1) * limit,
    complement: edgesOf(window),
  });
  const total = Number(totals.total_rows);
  return succeed({
    data: rows.map(rowJson),
    global_stats: globalJson(totals),
    pagination: { page, limit, total, total_pages: Math.ceil(total / limit) },
  });
}

/**
 * One player's row. A player with one currency needs none named; with several, `currency` picks one.
 * Refused when the aggregator never processed a bet or win of the player (in that currency, if named);
 * a known player without activity in the window gets a row of zeros.
 */
export async function rtpOfUser(ctx: AppContext, user_id: string, window: RtpWindow): Promise<Outcome<RtpRowJson>> {
  const invalid = await checkWindow(ctx, window);
  if (invalid) return invalid;
  const known = await currenciesOfUser(ctx.sql, user_id);
  const currency = window.currency ?? (known.length === 1 ? known[0] : undefined);
  if (known.length === 0 || (window.currency !== undefined && !known.includes(window.currency))) {
    return refuse(
      REPORTS_ERRORS.AGGREGATOR_USER_NOT_FOUND,
      `The aggregator has processed no bet or win for user ${user_id}${window.currency ? ` in ${window.currency}` : ''}.`,
    );
  }
  if (currency === undefined)
    return refuse(
      PLATFORM_ERRORS.VALIDATION_ERROR,
      `currency is required: user ${user_id} plays in ${known.join(', ')}`,
    );
  const { rows } = await readRtp(ctx.sql, {
    from: window.from,
    to: window.to,
    user_id,
    currency,
    limit: 1,
    offset: 0,
    complement: edgesOf(window),
  });
  return succeed(rowJson(rows[0] ?? { user_id, currency, ...GameTotals.zero() }));
}

function edgesOf(window: RtpWindow): EdgeChoice {
  return chooseEdges(Date.parse(window.from), Date.parse(window.to), Date.now());
}

function rowJson(row: RtpRow): RtpRowJson {
  return { user_id: row.user_id, currency: row.currency, ...GameTotals.toRtpJson(row) };
}

function globalJson(totals: RtpTotals): RtpListJson['global_stats'] {
  const t = GameTotals.toRtpJson(totals);
  return {
    total_users: totalToJson(totals.total_users),
    total_rounds: t.rounds,
    total_bet: t.total_bet,
    total_win: t.total_win,
    total_rollback_bet: t.total_rollback_bet,
    total_rollback_win: t.total_rollback_win,
    total_rtp: t.rtp,
  };
}

export { ratio };
