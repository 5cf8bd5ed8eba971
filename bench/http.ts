import { randomUUID } from 'node:crypto';
import type { Pool } from 'undici';
import type { PlayerBook } from './consistency.ts';
import { authorizationFor, type UnknownRequest } from './load.ts';
import { BENCH_GAME, SIDE_CONCURRENCY } from './limits.ts';
import { mapLimited } from '../src/platform/map-limited.ts';

/** Requests outside the measured hot path: replays, balances, funding over HTTP. Plain and readable. */

export const AGGREGATOR_PATH = '/aggregator/takehome/process';

export interface Reply {
  status: number;
  text: string;
}

export async function post(
  pool: Pool,
  path: string,
  body: string,
  headers: Record<string, string>,
  timeout_ms: number,
): Promise<Reply> {
  const response = await pool.request({
    path,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    headersTimeout: timeout_ms,
    bodyTimeout: timeout_ms,
  });
  return { status: response.statusCode, text: await response.body.text() };
}

/** A GET; with `api_key`, as an operator (`Authorization: Bearer`). */
export async function get(pool: Pool, path: string, timeout_ms: number, api_key?: string): Promise<Reply> {
  const response = await pool.request({
    path,
    method: 'GET',
    headers: api_key === undefined ? undefined : { authorization: `Bearer ${api_key}` },
    headersTimeout: timeout_ms,
    bodyTimeout: timeout_ms,
  });
  return { status: response.statusCode, text: await response.body.text() };
}

export interface ReplaySummary {
  replayed: number;
  /** 200 on replay: applied exactly once (before or now). */
  applied: number;
  /** 4xx on replay: not applied. */
  refused: number;
  /** Still no definite answer: its player is UNRESOLVED. */
  unresolved: number;
}

/** Replays every request whose outcome is unknown, once, with the same bytes (SPEC §2 idempotency). */
export async function replayUnknown(
  pool: Pool,
  path: string,
  unknown: UnknownRequest[],
  book: PlayerBook,
  timeout_ms: number,
): Promise<ReplaySummary> {
  const summary: ReplaySummary = { replayed: unknown.length, applied: 0, refused: 0, unresolved: 0 };
  await mapLimited(unknown, SIDE_CONCURRENCY, async (request) => {
    let status = 0;
    try {
      status = (await post(pool, path, request.body, { authorization: request.authorization }, timeout_ms)).status;
    } catch {
      status = 0;
    }
    if (status === 200) {
      summary.applied += 1;
      book.acknowledge(request.player, request.net_minor, request.staked_minor);
    } else if (status >= 400 && status < 500) {
      summary.refused += 1;
    } else {
      summary.unresolved += 1;
      book.markUnresolved(request.player);
    }
  });
  return summary;
}

export function balanceBody(player_id: string, currency = 'USD'): string {
  return `{"user_id":${JSON.stringify(player_id)},"currency":"${currency}","game":"${BENCH_GAME}","game_id":"bench-balance","finished":true}`;
}

/** Every player's balance through a signed request without actions (`200 { balance }`); null when unreadable. */
export async function readBalances(
  pool: Pool,
  path: string,
  secret: string,
  player_ids: string[],
  timeout_ms: number,
): Promise<(bigint | null)[]> {
  return mapLimited(player_ids, SIDE_CONCURRENCY, async (id) => {
    const body = balanceBody(id);
    try {
      const reply = await post(pool, path, body, { authorization: authorizationFor(secret, body) }, timeout_ms);
      if (reply.status !== 200) return null;
      const balance = (JSON.parse(reply.text) as { balance?: unknown }).balance;
      return typeof balance === 'number' && Number.isSafeInteger(balance) ? BigInt(balance) : null;
    } catch {
      return null;
    }
  });
}

export class FundingUnavailable extends Error {}

/**
 * Funding a server we did not start (--url): the operator wallet API's top-up (SPEC §4), one
 * request per player, each with its own Idempotency-Key. Refuses clearly when the endpoint is absent.
 */
export async function fundOverHttp(
  pool: Pool,
  admin_api_key: string,
  player_ids: string[],
  amount_minor: bigint,
  timeout_ms: number,
): Promise<void> {
  const amount = Number(amount_minor);
  if (!Number.isSafeInteger(amount)) throw new Error(`funding amount ${amount_minor} is not a safe JSON integer`);
  const body = JSON.stringify({ asset: 'USD', amount, description: 'croupier bench funding' });
  await mapLimited(player_ids, SIDE_CONCURRENCY, async (id) => {
    const reply = await post(
      pool,
      `/v1/wallets/${encodeURIComponent(id)}/topup`,
      body,
      { authorization: `Bearer ${admin_api_key}`, 'idempotency-key': randomUUID() },
      timeout_ms,
    );
    if (reply.status === 404) {
      throw new FundingUnavailable(
        'the server has no POST /v1/wallets/{id}/topup (operator wallet API, SPEC §4), so --url cannot fund ' +
          'the bench players; run `croupier bench` without --url (it starts its own server and funds through the ledger)',
      );
    }
    if (reply.status === 401)
      throw new FundingUnavailable(
        'the server refused ADMIN_API_KEY (401) on the top-up endpoint; set ADMIN_API_KEY to its operator key',
      );
    if (reply.status !== 200 && reply.status !== 201)
      throw new Error(`funding ${id} failed: HTTP ${reply.status} ${reply.text.slice(0, 200)}`);
  });
}
