import { Agent, request } from 'undici';
import { hmacSha256Hex } from '../platform/hmac.ts';
import { assert } from '../platform/assert.ts';
import { mapLimited } from '../platform/map-limited.ts';
import { amountFromJson } from '../platform/money.ts';
import { findGame } from './games.ts';
import { LAUNCH_CONCURRENCY, SIMULATE_REQUEST_TIMEOUT_MS } from './limits.ts';
import { hash32 } from './rng.ts';
import type { BulkSummary } from './summary.ts';

/**
 * The load behind `croupier simulate`: players launched through the casino's operator API, then rounds
 * played through the provider's /provider/simulate, whose money moves by the casino callbacks. Only
 * HTTP: it works the same against a server in this process or a remote one.
 */
export interface SimulationOptions {
  /** The casino (operator API). */
  url: string;
  /** The provider (/provider/simulate); usually the same server. */
  provider_url: string;
  admin_api_key: string;
  provider_secret: string;
  players: number;
  /** Total rounds, spread evenly across the players. */
  rounds: number;
  games: string[];
  seed: number;
  /** Rounds in flight at once across all players. */
  concurrency: number;
  drop_rate: number;
  chunk_rounds: number;
  currency: string;
  /** Gives each player money before the run (the ledger in-process, the wallet API remotely). */
  fund(user_ids: string[]): Promise<void>;
  on_progress?(rounds_done: number, rounds_total: number): void;
}

export interface PlayerResult {
  user_id: string;
  game_id: string;
  rounds_planned: number;
  rounds_done: number;
  initial_balance?: bigint;
  final_balance?: bigint;
  expected_delta_minor: bigint;
  unresolved: number;
  /** Why this player's balance cannot be checked (a failed request). */
  failure?: string;
}

export interface GameTotals {
  game_id: string;
  name: string;
  configured_rtp_bp: number;
  settled: number;
  bet_minor: bigint;
  win_minor: bigint;
  /** Statistics for the RTP interval (floating point by nature), not money. */
  sum_bet_squared: number;
  sum_win_squared: number;
  sum_bet_win: number;
  refused: number;
  rolled_back: number;
  unresolved: number;
  retries: number;
  dropped: number;
  rollbacks: number;
}

export interface SimulationResult {
  players: PlayerResult[];
  games: GameTotals[];
  rounds_played: number;
  elapsed_ms: number;
}

interface Player extends PlayerResult {
  session_token: string;
  seed: number;
}

class Http {
  private readonly agent: Agent;
  constructor(private readonly options: SimulationOptions) {
    this.agent = new Agent({
      connections: options.concurrency + LAUNCH_CONCURRENCY,
      headersTimeout: SIMULATE_REQUEST_TIMEOUT_MS,
      bodyTimeout: SIMULATE_REQUEST_TIMEOUT_MS,
    });
  }

  async post(
    path: string,
    payload: unknown,
    headers: Record<string, string>,
    base = this.options.url,
  ): Promise<{ status: number; body: any }> {
    const body = JSON.stringify(payload);
    const response = await request(new URL(path, base), {
      method: 'POST',
      dispatcher: this.agent,
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
    const text = await response.body.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { code: 'NOT_JSON', message: text.slice(0, 200) };
    }
    return { status: response.statusCode, body: parsed };
  }

  operator(path: string, payload: unknown) {
    return this.post(path, payload, { authorization: `Bearer ${this.options.admin_api_key}` });
  }

  provider(path: string, payload: unknown) {
    return this.post(
      path,
      payload,
      { 'x-provider-signature': hmacSha256Hex(this.options.provider_secret, JSON.stringify(payload)) },
      this.options.provider_url,
    );
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

function plan(options: SimulationOptions): Player[] {
  const run_id = `${Date.now().toString(36)}${hash32(options.seed, process.pid).toString(36)}`;
  return Array.from({ length: options.players }, (_, i) => ({
    user_id: `sim-${run_id}-${i + 1}`,
    game_id: options.games[i % options.games.length],
    rounds_planned: Math.floor(options.rounds / options.players) + (i < options.rounds % options.players ? 1 : 0),
    rounds_done: 0,
    expected_delta_minor: 0n,
    unresolved: 0,
    session_token: '',
    seed: hash32(options.seed, i),
  }));
}

function emptyTotals(game_id: string): GameTotals {
  const game = findGame(game_id);
  assert(game, `unknown game ${game_id}`);
  return {
    game_id,
    name: game.name,
    configured_rtp_bp: game.rtp_bp,
    settled: 0,
    bet_minor: 0n,
    win_minor: 0n,
    sum_bet_squared: 0,
    sum_win_squared: 0,
    sum_bet_win: 0,
    refused: 0,
    rolled_back: 0,
    unresolved: 0,
    retries: 0,
    dropped: 0,
    rollbacks: 0,
  };
}

function add(totals: GameTotals, s: BulkSummary): void {
  totals.settled += s.settled;
  totals.bet_minor += BigInt(s.betMinor);
  totals.win_minor += BigInt(s.winMinor);
  totals.sum_bet_squared += s.sumBetSquared;
  totals.sum_win_squared += s.sumWinSquared;
  totals.sum_bet_win += s.sumBetWin;
  totals.refused += s.refused;
  totals.rolled_back += s.rolledBack;
  totals.unresolved += s.unresolved;
  totals.retries += s.retries;
  totals.dropped += s.dropped;
  totals.rollbacks += s.rollbacks;
}

export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  assert(
    options.players > 0 && options.rounds > 0 && options.concurrency > 0 && options.chunk_rounds > 0,
    'simulation sizes must be positive',
  );
  const http = new Http(options);
  try {
    const players = plan(options).filter((p) => p.rounds_planned > 0);
    await options.fund(players.map((p) => p.user_id));
    await mapLimited(players, LAUNCH_CONCURRENCY, async (player) => {
      const r = await http.operator('/casino/launchGame', {
        userId: player.user_id,
        gameId: player.game_id,
        currency: options.currency,
      });
      if (r.status !== 200)
        throw new Error(`launchGame for ${player.user_id} answered ${r.status} ${r.body?.code}: ${r.body?.message}`);
      player.session_token = r.body.sessionToken;
    });
    const totals = new Map(options.games.map((g) => [g, emptyTotals(g)]));
    const started = performance.now();
    const rounds_played = await play(http, options, players, totals);
    return { players, games: [...totals.values()], rounds_played, elapsed_ms: performance.now() - started };
  } finally {
    await http.close();
  }
}

/** Each player's rounds go in order, one chunk at a time; many players play at once. */
async function play(
  http: Http,
  options: SimulationOptions,
  players: Player[],
  totals: Map<string, GameTotals>,
): Promise<number> {
  const total = players.reduce((sum, p) => sum + p.rounds_planned, 0);
  const workers = Math.min(options.concurrency, players.length);
  const per_request = Math.max(1, Math.floor(options.concurrency / workers));
  const queue = [...players];
  let done = 0;
  const worker = async () => {
    for (let player = queue.shift(); player; player = queue.shift()) {
      const rounds = Math.min(options.chunk_rounds, player.rounds_planned - player.rounds_done);
      const r = await http
        .provider('/provider/simulate', {
          sessionToken: player.session_token,
          rounds,
          seed: player.seed,
          firstRound: player.rounds_done,
          concurrency: Math.min(per_request, rounds),
          dropRate: options.drop_rate,
        })
        .catch((error: Error) => ({ status: 0, body: { code: 'NO_ANSWER', message: error.message } }));
      if (r.status !== 200) {
        player.failure = `/provider/simulate answered ${r.status} ${r.body?.code}: ${r.body?.message}`;
        continue;
      }
      const summary = r.body.summary as BulkSummary;
      player.initial_balance ??= wireAmount(r.body.initialBalance);
      player.final_balance = wireAmount(r.body.finalBalance);
      player.rounds_done += rounds;
      player.expected_delta_minor += BigInt(summary.balanceDeltaMinor);
      player.unresolved += summary.unresolved;
      add(totals.get(player.game_id)!, summary);
      done += rounds;
      options.on_progress?.(done, total);
      if (player.rounds_done < player.rounds_planned) queue.push(player);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return done;
}

/** Measured RTP = Σwin / Σbet with a 95 % interval (ratio estimator, delta method). */
export function rtpInterval(
  t: GameTotals,
): { measured: number; low: number; high: number; contains_configured: boolean } | undefined {
  if (t.settled < 2 || t.bet_minor === 0n) return undefined;
  const n = t.settled;
  // Statistics from here on: doubles are fine for an estimate and its interval.
  const ratio = Number(t.win_minor) / Number(t.bet_minor);
  const residual_sum = Math.max(0, t.sum_win_squared - 2 * ratio * t.sum_bet_win + ratio * ratio * t.sum_bet_squared);
  const mean_bet = Number(t.bet_minor) / n;
  const standard_error = Math.sqrt(residual_sum / (n * (n - 1))) / mean_bet;
  const low = ratio - 1.96 * standard_error;
  const high = ratio + 1.96 * standard_error;
  const configured = t.configured_rtp_bp / 10_000;
  return { measured: ratio, low, high, contains_configured: configured >= low && configured <= high };
}

/** A balance the provider reported (a JSON integer), or undefined when it reported none. */
function wireAmount(value: unknown): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  const amount = amountFromJson(value);
  if (amount === undefined)
    throw new Error(`the provider reported a balance that is not an integer: ${JSON.stringify(value)}`);
  return amount;
}

/** A player's balance moved exactly as the provider's record says (only checkable when nothing is unresolved). */
export function balanceMatches(p: PlayerResult): boolean | undefined {
  if (p.failure || p.unresolved > 0 || p.initial_balance === undefined || p.final_balance === undefined)
    return undefined;
  return p.final_balance - p.initial_balance === p.expected_delta_minor;
}
