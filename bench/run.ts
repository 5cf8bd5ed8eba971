import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import { createSql } from '../src/db/sql.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import type { Logger } from '../src/platform/logger.ts';
import { checkBenchBonuses, grantBenchBonuses, type BonusCheck, type BonusSetup } from './bonus.ts';
import { checkConsistency, PlayerBook, type ConsistencyResult } from './consistency.ts';
import { AGGREGATOR_PATH, fundOverHttp, get, readBalances, replayUnknown, type ReplaySummary } from './http.ts';
import { FUND_MINOR, PREFILL_DURATION_MAX_S, PREFILL_ROUNDS_PER_REQUEST, SIDE_CONCURRENCY } from './limits.ts';
import { Rng, RoundSource, runPhase, type PhaseResult, type UnknownRequest } from './load.ts';
import { parseMetrics, windowMetrics, type Samples, type ServerWindowMetrics } from './metrics.ts';
import {
  machineCpuTicks,
  machineDescription,
  processCpuSeconds,
  processTreeCpuSeconds,
  RssSampler,
} from './processes.ts';
import type { Child } from '../src/platform/child-process.ts';
import {
  fundThroughLedger,
  migrateBenchDatabase,
  openBenchDatabase,
  spawnCeiling,
  spawnCroupier,
  type BenchDatabase,
} from './target.ts';

/** Everything `croupier bench` was asked to do (validated by the command). */
export interface BenchOptions {
  workload: 'W1' | 'W2';
  players: number;
  connections: number;
  duration_s: number;
  warmup_s: number;
  requests_max: number | null;
  timeout_ms: number;
  /** Target an already running server instead of starting one. */
  url: string | null;
  ceiling: boolean;
  prefill_actions: number;
  /** With a prefill: measure the empty database first, to report the decay. */
  baseline: boolean;
  seed: number;
  /** null: an embedded PostgreSQL in a temporary directory. */
  database_url: string | null;
  aggregator_secret: string;
  admin_api_key: string;
  server_cpu_prof_dir: string | null;
  verify_ledger: boolean;
  /** Share of measured requests sent poisoned (a NUL in an action id, refused 400 at the door), 0..POISON_SHARE_MAX. */
  poison_share: number;
  /** Players start with a bonus instead of cash, so every stake is paid from an active bonus (bench/bonus.ts). */
  bonus: boolean;
  /**
   * With `bonus`: measure the plain workload too, on the same server and database, in this many rounds of
   * plain, bonus, bonus, plain (0: the bonus workload alone). See BenchReport.comparison.
   */
  plain_rounds: number;
}

export interface BenchIo {
  logger: Logger;
  /** Progress lines (stderr); omitted: silent. */
  progress?: (line: string) => void;
  signal?: AbortSignal;
}

export interface PhaseReport extends Omit<PhaseResult, 'histogram' | 'unknown'> {
  unknown_outcomes: number;
  /** The latency histogram's non-empty buckets: [highest equivalent value in µs, count]. */
  latency_buckets: [number, number][];
  /** CPU of each party during the measured window, in % of one core; null when not observable. */
  server_cpu_percent_of_core: number | null;
  database_cpu_percent_of_core: number | null;
  machine_busy_percent: number | null;
  /** The server's view of the window (/metrics); null for the ceiling or when unavailable. */
  server_metrics: ServerWindowMetrics | null;
}

export interface BenchReport {
  run_id: string;
  started_at: string;
  finished_at: string;
  options: BenchOptions;
  machine: ReturnType<typeof machineDescription>;
  target: string;
  database: string | null;
  players: number;
  ceiling: (PhaseReport & { max_rss_bytes: number | null }) | null;
  baseline: PhaseReport | null;
  prefill: {
    actions_requested: number;
    actions_acknowledged: number;
    requests: number;
    seconds: number;
    actions_per_s: number;
    complete: boolean;
    errors_total: number;
  } | null;
  croupier: PhaseReport | null;
  ceiling_ratio: number | null;
  decay: {
    baseline_requests_per_s: number;
    prefilled_requests_per_s: number;
    change_percent: number;
    target_percent: number;
    within_target: boolean;
  } | null;
  server_max_rss_bytes: number | null;
  /** With --server-cpu-prof: where the profile goes and which part of it is the measured window. */
  server_profile: { dir: string; skip_ms: number; span_ms: number } | null;
  replay: ReplaySummary | null;
  consistency: ConsistencyResult | null;
  /** --bonus: the grants made before the load, and what became of them after it. */
  bonus: { setup: BonusSetup; check: BonusCheck | null } | null;
  /** --bonus --rounds N: the bonus and the plain workload taking turns on one server (`croupier` is the first bonus phase). */
  comparison: Comparison | null;
  ledger_verified: boolean | null;
  errors_total: number;
  interrupted: boolean;
  /** The server child exited by itself during the run. */
  server_exited: boolean;
  /** One line per reason the run is not a pass; empty: exit 0. */
  failures: string[];
}

/**
 * The bonus workload against the plain one, measured in one run on one server and database: the players
 * with a bonus and as many funded with cash take turns (plain, bonus, bonus, plain, per round), so a drift
 * of the machine's speed during the run weighs on both alike — between separate runs it differs by up to
 * a quarter here. The ratio is of the means.
 */
export interface Comparison {
  rounds: number;
  phases: { workload: 'plain' | 'bonus'; requests_per_s: number; errors_total: number }[];
  plain_requests_per_s: number;
  bonus_requests_per_s: number;
  ratio: number;
}

/** The decay target: after the prefill, throughput stays within this share of the empty-database figure. */
export const DECAY_TARGET_PERCENT = 15;

interface Target {
  url: string;
  server: Child | null;
  database: BenchDatabase | null;
}

/** Runs a whole benchmark and returns its report; every child and database it started is gone when it returns. */
export async function runBench(options: BenchOptions, io: BenchIo): Promise<BenchReport> {
  const run_id = randomBytes(3).toString('hex');
  const player_ids = Array.from({ length: options.players }, (_, i) => `bench-${run_id}-${i}`);
  const report = emptyReport(options, run_id);
  const say = (line: string) => io.progress?.(line);

  if (options.ceiling) report.ceiling = await measureCeiling(options, io, player_ids, run_id);
  if (io.signal?.aborted) return finish(report, true);

  const book = new PlayerBook(player_ids, FUND_MINOR);
  // --bonus --rounds: as many players again, funded with cash, for the plain phases.
  const plain_ids = options.bonus && options.plain_rounds > 0 ? player_ids.map((_, i) => `bench-${run_id}-c${i}`) : [];
  const plain_book = plain_ids.length > 0 ? new PlayerBook(plain_ids, FUND_MINOR) : null;
  const target = await openTarget(options, io, player_ids, report, plain_ids);
  // The side paths (replays, balance reads) only; the load phases open their own connections.
  const pool = new Pool(target.url, { connections: SIDE_CONCURRENCY, pipelining: 1, keepAliveTimeout: 60_000 });
  const rss = target.server ? new RssSampler(target.server.pid) : null;
  const unknown: UnknownRequest[] = [];
  const plain_unknown: UnknownRequest[] = [];
  // Phases stop on Ctrl-C, and when the server child dies (no point hammering a closed port).
  const halt = new AbortController();
  io.signal?.addEventListener('abort', () => halt.abort(), { once: true });
  let stopping = false;
  target.server?.process.once('exit', () => {
    if (stopping) return;
    report.server_exited = true;
    halt.abort();
  });
  const phase_io: BenchIo = { ...io, signal: halt.signal };
  try {
    const rng = new Rng(options.seed);
    // The prefill (many rounds per request) is never poisoned; measured phases are, at --poison-share.
    const phase = (label: string, tag: string, rounds: number, ids = player_ids) =>
      new RoundSource(
        ids,
        `${run_id}.${tag}.`,
        options.aggregator_secret,
        rng,
        rounds,
        'USD',
        rounds === 1 ? options.poison_share : 0,
      );
    if (options.prefill_actions > 0 && options.baseline) {
      const result = await measure('croupier (empty db)', options, phase_io, target, book, phase('baseline', 'a', 1));
      unknown.push(...result.unknown);
      report.baseline = result.report;
    }
    if (options.prefill_actions > 0 && !halt.signal.aborted) {
      say(`prefilling ${options.prefill_actions} actions (not measured)…`);
      const result = await prefill(
        options,
        phase_io,
        target.url,
        book,
        phase('prefill', 'p', PREFILL_ROUNDS_PER_REQUEST),
      );
      unknown.push(...result.unknown);
      report.prefill = result.report;
    }
    if (plain_book && !halt.signal.aborted) {
      const compared = await compare(options, phase_io, target, (workload, k) =>
        workload === 'bonus'
          ? { book, source: phase('measure', `m${k}`, 1) }
          : { book: plain_book, source: phase('plain', `c${k}`, 1, plain_ids) },
      );
      unknown.push(...compared.unknown.bonus);
      plain_unknown.push(...compared.unknown.plain);
      report.croupier = compared.first_bonus;
      report.comparison = compared.comparison;
    } else if (!halt.signal.aborted) {
      const result = await measure('croupier', options, phase_io, target, book, phase('measure', 'm', 1));
      unknown.push(...result.unknown);
      report.croupier = result.report;
      if (options.server_cpu_prof_dir && target.server) {
        report.server_profile = {
          dir: options.server_cpu_prof_dir,
          skip_ms: Math.round(result.window.start_ms - target.server.spawned_at_ms),
          span_ms: Math.round(result.window.end_ms - result.window.start_ms),
        };
      }
    }
    report.server_max_rss_bytes = rss?.stop() ?? null;
    if (!halt.signal.aborted) await checkBalances(options, io, pool, book, unknown, report);
    if (plain_book && report.consistency && !halt.signal.aborted) {
      const bonus_consistency = report.consistency;
      const bonus_replay = report.replay;
      await checkBalances(options, io, pool, plain_book, plain_unknown, report);
      report.consistency = mergedConsistency(bonus_consistency, report.consistency!);
      report.replay = bonus_replay && report.replay ? addedReplays(bonus_replay, report.replay) : report.replay;
    }
    if (report.bonus && !halt.signal.aborted) {
      io.progress?.(`checking the bonus of ${book.size} players (active, no cash, wagered = stakes)…`);
      report.bonus.check = await checkBenchBonuses(
        pool,
        options.admin_api_key,
        book,
        report.bonus.setup,
        options.timeout_ms,
      );
    }
    if (options.verify_ledger && target.database && !halt.signal.aborted)
      report.ledger_verified = await verify(target.database.url, say);
  } finally {
    stopping = true;
    rss?.stop();
    await pool.destroy().catch(() => {});
    await target.server?.stop();
    await target.database?.release();
  }
  return finish(report, io.signal?.aborted ?? false);
}

function emptyReport(options: BenchOptions, run_id: string): BenchReport {
  return {
    run_id,
    started_at: new Date().toISOString(),
    finished_at: '',
    options,
    machine: machineDescription(),
    target: '',
    database: null,
    players: options.players,
    ceiling: null,
    baseline: null,
    prefill: null,
    croupier: null,
    ceiling_ratio: null,
    decay: null,
    server_max_rss_bytes: null,
    server_profile: null,
    replay: null,
    consistency: null,
    bonus: null,
    comparison: null,
    ledger_verified: null,
    errors_total: 0,
    interrupted: false,
    server_exited: false,
    failures: [],
  };
}

async function openTarget(
  options: BenchOptions,
  io: BenchIo,
  player_ids: string[],
  report: BenchReport,
  /** Players funded with cash beside the bonus players (--bonus --rounds). */
  plain_ids: string[] = [],
): Promise<Target> {
  const say = (line: string) => io.progress?.(line);
  // Funded with cash: every player, or with --bonus only the plain phases' players (if any).
  const cash_ids = options.bonus ? plain_ids : player_ids;
  if (options.url) {
    const url = options.url.replace(/\/+$/, '');
    const ready = await fetch(`${url}/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (ready !== 200)
      throw new Error(`${url}/ready did not answer 200 (got ${ready || 'no answer'}); is the server running?`);
    const pool = new Pool(url, { connections: 16 });
    try {
      if (options.bonus) {
        say(`granting ${player_ids.length} players a bonus through POST /v1/players/{id}/bonuses…`);
        const setup = await grantBenchBonuses(pool, options.admin_api_key, player_ids, FUND_MINOR, options.timeout_ms);
        report.bonus = { setup, check: null };
      }
      if (cash_ids.length > 0) {
        say(`funding ${cash_ids.length} players through POST /v1/wallets/{id}/topup…`);
        await fundOverHttp(pool, options.admin_api_key, cash_ids, FUND_MINOR, options.timeout_ms);
      }
    } finally {
      await pool.destroy();
    }
    report.target = `${url} (already running; its memory and CPU are not observed)`;
    return { url, server: null, database: null };
  }
  say('starting the database…');
  const database = await openBenchDatabase(options.database_url, io.logger);
  try {
    if (cash_ids.length > 0) {
      say(`funding ${cash_ids.length} players through the ledger…`);
      await fundThroughLedger(database.url, io.logger, cash_ids, FUND_MINOR);
    } else await migrateBenchDatabase(database.url);
    say('starting the croupier server (child process)…');
    const server = await spawnCroupier({
      database_url: database.url,
      aggregator_secret: options.aggregator_secret,
      cpu_prof_dir: options.server_cpu_prof_dir,
      on_line: (line) => io.progress?.(`[server] ${line}`),
    });
    if (options.bonus) {
      say(`granting ${player_ids.length} players a bonus through POST /v1/players/{id}/bonuses…`);
      const pool = new Pool(server.url, { connections: 16 });
      try {
        const setup = await grantBenchBonuses(pool, options.admin_api_key, player_ids, FUND_MINOR, options.timeout_ms);
        report.bonus = { setup, check: null };
      } catch (error) {
        await server.stop();
        throw error;
      } finally {
        await pool.destroy();
      }
    }
    report.database = database.description;
    report.target = `croupier server pid ${server.pid} at ${server.url}`;
    return { url: server.url, server, database };
  } catch (error) {
    await database.release();
    throw error;
  }
}

async function measureCeiling(
  options: BenchOptions,
  io: BenchIo,
  player_ids: string[],
  run_id: string,
): Promise<BenchReport['ceiling']> {
  io.progress?.('starting the ceiling server (bare Fastify + HMAC check)…');
  const child = await spawnCeiling(options.aggregator_secret);
  const rss = new RssSampler(child.pid);
  try {
    const book = new PlayerBook(player_ids, 0n);
    const source = new RoundSource(player_ids, `${run_id}.c.`, options.aggregator_secret, new Rng(options.seed), 1);
    const result = await measure(
      'ceiling',
      options,
      io,
      { url: child.url, server: child, database: null },
      book,
      source,
      false,
    );
    return { ...result.report, max_rss_bytes: rss.stop() };
  } finally {
    rss.stop();
    await child.stop();
  }
}

/**
 * --bonus --rounds N: the plain and the bonus workload take turns on the same server, N rounds of plain,
 * bonus, bonus, plain (ABBA: a steady drift of the machine's speed falls on both alike). Each phase has
 * its own warm-up and measured window.
 */
async function compare(
  options: BenchOptions,
  io: BenchIo,
  target: Target,
  load: (workload: 'plain' | 'bonus', k: number) => { book: PlayerBook; source: RoundSource },
): Promise<{
  comparison: Comparison;
  first_bonus: PhaseReport | null;
  unknown: Record<'plain' | 'bonus', UnknownRequest[]>;
}> {
  const phases: Comparison['phases'] = [];
  const unknown: Record<'plain' | 'bonus', UnknownRequest[]> = { plain: [], bonus: [] };
  let first_bonus: PhaseReport | null = null;
  let k = 0;
  for (let round = 1; round <= options.plain_rounds && !io.signal?.aborted; round++) {
    for (const workload of ['plain', 'bonus', 'bonus', 'plain'] as const) {
      if (io.signal?.aborted) break;
      const { book, source } = load(workload, k++);
      const label = `${workload} ${round}`;
      const result = await measure(label, options, io, target, book, source);
      unknown[workload].push(...result.unknown);
      if (workload === 'bonus') first_bonus ??= result.report;
      phases.push({ workload, requests_per_s: result.report.requests_per_s, errors_total: result.report.errors_total });
    }
  }
  const mean = (workload: 'plain' | 'bonus') => {
    const of = phases.filter((p) => p.workload === workload);
    return of.length === 0 ? 0 : of.reduce((sum, p) => sum + p.requests_per_s, 0) / of.length;
  };
  const plain = mean('plain');
  const bonus = mean('bonus');
  return {
    first_bonus,
    unknown,
    comparison: {
      rounds: options.plain_rounds,
      phases,
      plain_requests_per_s: round1(plain),
      bonus_requests_per_s: round1(bonus),
      ratio: plain > 0 ? Math.round((bonus / plain) * 1000) / 1000 : 0,
    },
  };
}

function addedReplays(a: ReplaySummary, b: ReplaySummary): ReplaySummary {
  return {
    replayed: a.replayed + b.replayed,
    applied: a.applied + b.applied,
    refused: a.refused + b.refused,
    unresolved: a.unresolved + b.unresolved,
  };
}

/** Consistency verdicts from best to worst. */
const CONSISTENCY_RANK: ConsistencyResult['status'][] = ['CONSISTENT', 'UNRESOLVED', 'INCONSISTENT'];

/** One verdict over two sets of players: the worse status, every mismatch and unresolved player. */
function mergedConsistency(a: ConsistencyResult, b: ConsistencyResult): ConsistencyResult {
  const rank = (r: ConsistencyResult) => CONSISTENCY_RANK.indexOf(r.status);
  return {
    status: rank(a) >= rank(b) ? a.status : b.status,
    players_checked: a.players_checked + b.players_checked,
    mismatches: [...a.mismatches, ...b.mismatches],
    unresolved_players: [...a.unresolved_players, ...b.unresolved_players],
  };
}

interface Sample {
  server_cpu_s: number | null;
  database_cpu_s: number | null;
  machine: { busy: number; total: number } | null;
  at_ms: number;
  metrics: Promise<Samples | null> | null;
}

async function scrape(url: string): Promise<Samples | null> {
  try {
    const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
    return response.status === 200 ? parseMetrics(await response.text()) : null;
  } catch {
    return null;
  }
}

/** One measured phase, with the server's and the database's CPU and the server's metrics over its window. */
async function measure(
  label: string,
  options: BenchOptions,
  io: BenchIo,
  target: Target,
  book: PlayerBook,
  source: RoundSource,
  with_metrics = true,
): Promise<{ report: PhaseReport; unknown: UnknownRequest[]; window: { start_ms: number; end_ms: number } }> {
  const take = (): Sample => ({
    server_cpu_s: target.server ? processCpuSeconds(target.server.pid) : null,
    database_cpu_s: target.database?.postmaster_pid ? processTreeCpuSeconds(target.database.postmaster_pid) : null,
    machine: machineCpuTicks(),
    at_ms: performance.now(),
    metrics: with_metrics ? scrape(target.url) : null,
  });
  const edges: Partial<Record<'start' | 'end', Sample>> = {};
  const result = await runPhase({
    label,
    url: target.url,
    path: AGGREGATOR_PATH,
    source,
    book,
    connections: options.connections,
    warmup_s: options.warmup_s,
    duration_s: options.duration_s,
    requests_max: options.requests_max,
    timeout_ms: options.timeout_ms,
    progress: io.progress,
    signal: io.signal,
    on_window: (edge) => (edges[edge] = take()),
  });
  const { start, end } = edges as Record<'start' | 'end', Sample>;
  const seconds = (end.at_ms - start.at_ms) / 1000;
  // A process tree that lost members (backends of a dead server) can shrink: no figure then.
  const percent = (a: number | null, b: number | null) =>
    a === null || b === null || seconds <= 0 || b < a ? null : round1((100 * (b - a)) / seconds);
  const [before, after] = await Promise.all([start.metrics, end.metrics]);
  const { histogram, unknown, ...rest } = result;
  return {
    unknown,
    window: { start_ms: start.at_ms, end_ms: end.at_ms },
    report: {
      ...rest,
      requests_per_s: round1(rest.requests_per_s),
      actions_per_s: round1(rest.actions_per_s),
      generator_cpu_percent_of_core: round1(rest.generator_cpu_percent_of_core),
      unknown_outcomes: unknown.length,
      latency_buckets: histogram.buckets(),
      server_cpu_percent_of_core: percent(start.server_cpu_s, end.server_cpu_s),
      database_cpu_percent_of_core: percent(start.database_cpu_s, end.database_cpu_s),
      machine_busy_percent:
        start.machine && end.machine && end.machine.total > start.machine.total
          ? round1((100 * (end.machine.busy - start.machine.busy)) / (end.machine.total - start.machine.total))
          : null,
      server_metrics: before && after ? windowMetrics(before, after) : null,
    },
  };
}

async function prefill(options: BenchOptions, io: BenchIo, url: string, book: PlayerBook, source: RoundSource) {
  const actions_per_request = 2 * PREFILL_ROUNDS_PER_REQUEST;
  const requests = Math.ceil(options.prefill_actions / actions_per_request);
  const result = await runPhase({
    label: 'prefill',
    url,
    path: AGGREGATOR_PATH,
    source,
    book,
    connections: options.connections,
    warmup_s: 0,
    duration_s: PREFILL_DURATION_MAX_S,
    requests_max: requests,
    timeout_ms: options.timeout_ms,
    progress: io.progress,
    signal: io.signal,
    measured: false,
  });
  return {
    unknown: result.unknown,
    report: {
      actions_requested: options.prefill_actions,
      actions_acknowledged: result.actions,
      requests: result.requests,
      seconds: round1(result.window_s),
      actions_per_s: round1(result.actions_per_s),
      complete: result.stop_reason === 'requests',
      errors_total: result.errors_total,
    },
  };
}

async function checkBalances(
  options: BenchOptions,
  io: BenchIo,
  pool: Pool,
  book: PlayerBook,
  unknown: UnknownRequest[],
  report: BenchReport,
) {
  if (unknown.length > 0) io.progress?.(`replaying ${unknown.length} request(s) whose outcome is unknown…`);
  report.replay = await replayUnknown(pool, AGGREGATOR_PATH, unknown, book, options.timeout_ms);
  io.progress?.(`reading the balance of ${book.size} players…`);
  const balances = await readBalances(pool, AGGREGATOR_PATH, options.aggregator_secret, book.ids, options.timeout_ms);
  report.consistency = checkConsistency(book, balances);
}

async function verify(database_url: string, say: (line: string) => void): Promise<boolean> {
  const sql = createSql(database_url, 2);
  try {
    const result = await verifyLedger(sql, (step) => say(`verify: ${step}`));
    return result.passed;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function finish(report: BenchReport, interrupted: boolean): BenchReport {
  report.finished_at = new Date().toISOString();
  report.interrupted = interrupted;
  const phases = [report.ceiling, report.baseline, report.croupier].filter((p): p is PhaseReport => p !== null);
  // With a comparison, `croupier` is one of its phases: every phase counts once.
  const measured = report.comparison
    ? [report.ceiling, report.baseline].reduce((n, p) => n + (p?.errors_total ?? 0), 0) +
      report.comparison.phases.reduce((n, p) => n + p.errors_total, 0)
    : phases.reduce((n, p) => n + p.errors_total, 0);
  report.errors_total = measured + (report.prefill?.errors_total ?? 0);
  if (report.ceiling && report.croupier && report.ceiling.requests_per_s > 0) {
    report.ceiling_ratio = Math.round((report.croupier.requests_per_s / report.ceiling.requests_per_s) * 1000) / 1000;
  }
  if (report.baseline && report.croupier && report.baseline.requests_per_s > 0) {
    const change = (report.croupier.requests_per_s / report.baseline.requests_per_s - 1) * 100;
    report.decay = {
      baseline_requests_per_s: report.baseline.requests_per_s,
      prefilled_requests_per_s: report.croupier.requests_per_s,
      change_percent: round1(change),
      target_percent: DECAY_TARGET_PERCENT,
      within_target: change >= -DECAY_TARGET_PERCENT,
    };
  }
  report.failures = failuresOf(report);
  return report;
}

function failuresOf(report: BenchReport): string[] {
  const failures: string[] = [];
  if (report.interrupted) failures.push('the run was interrupted');
  if (report.server_exited) failures.push('the server exited during the run (see its last log lines above)');
  if (report.errors_total > 0) failures.push(`${report.errors_total} request(s) failed`);
  if (report.prefill && !report.prefill.complete)
    failures.push(`the prefill did not finish within ${PREFILL_DURATION_MAX_S} s`);
  if (report.consistency && report.consistency.status !== 'CONSISTENT')
    failures.push(`consistency check: ${report.consistency.status}`);
  if (!report.consistency && !report.interrupted && !report.server_exited)
    failures.push('the consistency check did not run');
  if (report.ledger_verified === false) failures.push('croupier verify found ledger discrepancies');
  const bonus = report.bonus?.check;
  if (report.bonus && !bonus && !report.interrupted && !report.server_exited)
    failures.push('the bonus check did not run');
  if (bonus && bonus.active < report.players)
    failures.push(`${report.players - bonus.active} bonus grant(s) not active at the end`);
  if (bonus && bonus.with_cash > 0) failures.push(`${bonus.with_cash} bonus player(s) hold cash at the end`);
  if (bonus && bonus.wagered_matches === false) failures.push('bonus wagering differs from the acknowledged stakes');
  if (report.croupier && report.croupier.requests === 0 && !report.interrupted)
    failures.push('no request was acknowledged in the measured window');
  return failures;
}
