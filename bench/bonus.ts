import { randomUUID } from 'node:crypto';
import type { Pool } from 'undici';
import { mapLimited } from '../src/platform/map-limited.ts';
import type { PlayerBook } from './consistency.ts';
import { get, post } from './http.ts';
import {
  BONUS_CHECK_MISMATCHES_KEPT_MAX,
  BONUS_EXPIRES_S,
  BONUS_WAGERING_MULTIPLIER,
  BENCH_GAME,
  SIDE_CONCURRENCY,
} from './limits.ts';

/**
 * `croupier bench --bonus`: every player's stakes are paid from an active bonus (SPEC §5). Before the
 * load, the bench game is registered as a slot (100 % contribution by default, so every bet also moves
 * the grant's wagering in its batch) and each player gets one grant instead of cash: the funding amount,
 * at the highest multiplier (×100), expiring in a day — a requirement of 100 × the funding is never met
 * by a run, so no grant converts or expires mid-run and every stake stays a bonus stake. After the run
 * each player's wallet and grants are read back: the grant still active, no cash at all (every stake and
 * win stayed bonus money), and — when slots count 100 % — wagered exactly equal to the acknowledged stakes
 * (each bet counted once, in its own transaction).
 */

export interface BonusSetup {
  amount_minor: bigint;
  wagering_multiplier: number;
  expires_at: string;
  game: string;
  /** The contribution of the bench game's category on the server (slots). */
  contribution_percent: number;
}

export interface BonusCheck {
  players_checked: number;
  /** Grants still active at the end. */
  active: number;
  /** Players holding any cash at the end (a stake or a win that was not bonus money). */
  with_cash: number;
  wagered_minor: bigint;
  staked_minor: bigint;
  /** Wagered = acknowledged stakes per player (null: not checkable, the contribution is not 100 %). */
  wagered_matches: boolean | null;
  /** The first few players that broke a rule, with what was found. */
  problems: string[];
}

function operatorHeaders(admin_api_key: string, idempotent: boolean): Record<string, string> {
  return {
    authorization: `Bearer ${admin_api_key}`,
    ...(idempotent ? { 'idempotency-key': randomUUID() } : {}),
  };
}

async function put(pool: Pool, path: string, body: unknown, headers: Record<string, string>, timeout_ms: number) {
  const response = await pool.request({
    path,
    method: 'PUT',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
    headersTimeout: timeout_ms,
    bodyTimeout: timeout_ms,
  });
  return { status: response.statusCode, text: await response.body.text() };
}

/** Registers the bench game as a slot and grants each player its bonus (all through the operator API). */
export async function grantBenchBonuses(
  pool: Pool,
  admin_api_key: string,
  player_ids: string[],
  amount_minor: bigint,
  timeout_ms: number,
): Promise<BonusSetup> {
  const amount = Number(amount_minor);
  if (!Number.isSafeInteger(amount)) throw new Error(`bonus amount ${amount_minor} is not a safe JSON integer`);
  const [provider, game] = BENCH_GAME.split(':');
  const registered = await put(
    pool,
    `/v1/games/${provider}/${game}`,
    { category: 'slots', name: 'croupier bench slot' },
    operatorHeaders(admin_api_key, false),
    timeout_ms,
  );
  if (registered.status === 404)
    throw new Error('the server has no PUT /v1/games/{provider}/{game} (SPEC §5 game catalog): --bonus needs it');
  if (registered.status === 401) throw new Error('the server refused ADMIN_API_KEY (401) on PUT /v1/games');
  if (registered.status !== 200)
    throw new Error(`registering ${BENCH_GAME} answered ${registered.status}: ${registered.text.slice(0, 200)}`);
  const contributions = await get(pool, '/v1/bonus/contributions', timeout_ms, admin_api_key);
  if (contributions.status !== 200)
    throw new Error(
      `GET /v1/bonus/contributions answered ${contributions.status}: ${contributions.text.slice(0, 200)}`,
    );
  const expires_at = new Date(Date.now() + BONUS_EXPIRES_S * 1000).toISOString();
  const body = JSON.stringify({
    asset: 'USD',
    amount,
    wagering_multiplier: BONUS_WAGERING_MULTIPLIER,
    expires_at,
    reason: 'croupier bench --bonus',
  });
  await mapLimited(player_ids, SIDE_CONCURRENCY, async (id) => {
    const reply = await post(
      pool,
      `/v1/players/${encodeURIComponent(id)}/bonuses`,
      body,
      operatorHeaders(admin_api_key, true),
      timeout_ms,
    );
    if (reply.status !== 201)
      throw new Error(`granting ${id} its bench bonus answered ${reply.status}: ${reply.text.slice(0, 200)}`);
    const status = (JSON.parse(reply.text) as { status?: unknown }).status;
    if (status !== 'active') throw new Error(`the bench bonus of ${id} is ${String(status)}, not active`);
  });
  return {
    amount_minor,
    wagering_multiplier: BONUS_WAGERING_MULTIPLIER,
    expires_at,
    game: BENCH_GAME,
    contribution_percent: Number((JSON.parse(contributions.text) as { slots: number }).slots),
  };
}

/** After the run: every grant still active, no player with cash, wagered = acknowledged stakes (at 100 %). */
export async function checkBenchBonuses(
  pool: Pool,
  admin_api_key: string,
  book: PlayerBook,
  setup: BonusSetup,
  timeout_ms: number,
): Promise<BonusCheck> {
  const check: BonusCheck = {
    players_checked: 0,
    active: 0,
    with_cash: 0,
    wagered_minor: 0n,
    staked_minor: 0n,
    wagered_matches: setup.contribution_percent === 100 ? true : null,
    problems: [],
  };
  const problem = (text: string) => {
    if (check.problems.length < BONUS_CHECK_MISMATCHES_KEPT_MAX) check.problems.push(text);
  };
  await mapLimited(book.ids, SIDE_CONCURRENCY, async (id, i) => {
    const path = encodeURIComponent(id);
    const [wallet, grants] = await Promise.all([
      get(pool, `/v1/wallets/${path}`, timeout_ms, admin_api_key),
      get(pool, `/v1/players/${path}/bonuses`, timeout_ms, admin_api_key),
    ]);
    if (wallet.status !== 200 || grants.status !== 200) {
      problem(`${id}: reading the wallet and grants answered ${wallet.status} / ${grants.status}`);
      if (check.wagered_matches) check.wagered_matches = false;
      return;
    }
    check.players_checked += 1;
    const cash = (JSON.parse(wallet.text) as { balances: Record<string, number> }).balances.USD ?? 0;
    const [grant] = (JSON.parse(grants.text) as { data: { status: string; wagered: number }[] }).data;
    if (cash !== 0) {
      check.with_cash += 1;
      problem(`${id}: holds ${cash} cash; every stake and win should have been bonus money`);
    }
    if (grant?.status === 'active') check.active += 1;
    else problem(`${id}: its bonus is ${grant?.status ?? 'missing'}, not active`);
    const wagered = BigInt(grant?.wagered ?? 0);
    const staked = book.staked(i);
    check.wagered_minor += wagered;
    check.staked_minor += staked;
    // An unresolved player's stakes are not known exactly: the consistency check already names it.
    if (check.wagered_matches !== null && !book.unresolved.has(i) && wagered !== staked) {
      check.wagered_matches = false;
      problem(`${id}: wagered ${wagered}, but the acknowledged stakes are ${staked}`);
    }
  });
  return check;
}
