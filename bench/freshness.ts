import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '../src/db/free-port.ts';
import { createSql, type Sql } from '../src/db/sql.ts';
import { REPO_ROOT, spawnNode, type Child } from '../src/platform/child-process.ts';
import type { Logger } from '../src/platform/logger.ts';
import { openBenchDatabase, spawnCroupier, throttledLines } from './target.ts';

/**
 * `croupier bench --workload freshness`: how old the ingested data get (SPEC §7: "less than 2 minutes
 * old") with the upstream at a given rate, measured with time accelerated.
 *
 * Two children, each reached only over HTTP: the mock upstream (`croupier start --role
 * transactions-mock`, its own process) producing `rate` transactions per accelerated minute, and
 * `croupier start --role api,worker` pulling from it. Acceleration ×k: the mock's TRANSACTIONS_MOCK_RATE_SCALE
 * = k (rate × k items a real minute, createdAt on the clock), both budgets 5 per 60/k s, the late window
 * 60/k s. Everything else (the puller's 1 s walk-end delay and whole-second walk ends, its 250 ms budget
 * margin, the 1 s job tick) runs in real time, so it weighs k times more than it would: the figures are
 * pessimistic.
 *
 * The lag is sampled from GET /v1/transactions/status (now − checkpoint) over `minutes` accelerated
 * minutes from the end of the first walk. At the end, once the worker has caught up past a cut T + the
 * late window, the ledger's items up to T are compared, per user and to the cent, with the mock's own
 * truth (GET /_mock/truth?at=T), and the read model with the items.
 */

export interface FreshnessOptions {
  /** Transactions per accelerated minute (the mock allows 1..5000). */
  rate_per_min: number;
  late_share: number;
  /** How late a late item may be, in accelerated seconds (a multiple of `scale`); 0 = nothing late. */
  late_max_s: number;
  /** Time acceleration: one real second stands for this many (a divisor of 60). */
  scale: number;
  /** Accelerated minutes measured. */
  minutes: number;
  users: number;
  seed: number;
  database_url: string | null;
  admin_api_key: string;
}

export interface FreshnessReport {
  run_id: string;
  started_at: string;
  finished_at: string;
  options: Omit<FreshnessOptions, 'admin_api_key'>;
  database: string;
  /** What both sides were given, in real units. */
  real: { budget: string; late_max_s: number; mock_rate_per_real_min: number; measured_s: number };
  /** Accelerated seconds from the worker's start to the end of its first walk. */
  first_walk_s: number | null;
  /** Accelerated seconds, over the measured window. */
  lag: { max_s: number; p50_s: number; p95_s: number; samples: number };
  bound_s: number;
  bound_held: boolean;
  /** [accelerated seconds since the window opened, lag in accelerated seconds], one per sample. */
  series: [number, number][];
  requests: { sent: number; throttled: number; throttled_share: number; errors: number; last_error: string | null };
  mock: { requests_total: number; served_total: number; throttled_total: number } | null;
  items_total: number;
  /** The exact comparison at the cut: null when the worker did not catch up in time. */
  truth: {
    at: string;
    items: number;
    users: number;
    equal: boolean;
    mismatches: string[];
    read_model_equal: boolean;
  } | null;
  failures: string[];
}

interface Io {
  logger: Logger;
  progress?: (line: string) => void;
  signal?: AbortSignal;
}

export const FRESHNESS_BOUND_S = 120;
/** Requests of the upstream's budget per window (SPEC §7: 5 per minute). */
const BUDGET_REQUESTS = 5;
const SAMPLE_INTERVAL_MS = 250;
/** The share of throttled requests allowed (issue 14: "throttled fewer than 2 % of requests"). */
const THROTTLED_SHARE_MAX = 0.02;
const MISMATCHES_KEPT = 20;

export async function runFreshnessBench(options: FreshnessOptions, io: Io): Promise<FreshnessReport> {
  const run_id = randomBytes(3).toString('hex');
  const say = (line: string) => io.progress?.(line);
  const started_at = new Date().toISOString();
  const k = options.scale;
  const budget = `${BUDGET_REQUESTS}/${60 / k}s`;
  const late_real_s = options.late_max_s / k;
  const measured_ms = (options.minutes * 60_000) / k;
  const failures: string[] = [];

  say('starting the database…');
  const database = await openBenchDatabase(options.database_url, io.logger);
  const sql = createSql(database.url, 2);
  const children: Child[] = [];
  try {
    const stream_start_ms = Math.ceil(Date.now() / 1000) * 1000;
    const mock_port = await freePort();
    say(
      `starting the mock upstream (its own process): ${options.rate_per_min} a minute × ${k}, ${options.late_share * 100} % late up to ${late_real_s} s, budget ${budget}…`,
    );
    const mock = await spawnNode({
      name: 'transactions mock',
      args: [path.join(REPO_ROOT, 'bin/croupier.js'), 'start', '--role', 'transactions-mock'],
      env: {
        ...process.env,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        TRANSACTIONS_MOCK_PORT: String(mock_port),
        TRANSACTIONS_MOCK_HOST: '127.0.0.1',
        TRANSACTIONS_MOCK_SEED: String(options.seed),
        TRANSACTIONS_MOCK_RATE_PER_MIN: String(options.rate_per_min),
        TRANSACTIONS_MOCK_RATE_SCALE: String(k),
        TRANSACTIONS_MOCK_LATE_SHARE: String(options.late_share),
        TRANSACTIONS_LATE_MAX_S: String(late_real_s),
        TRANSACTIONS_MOCK_BUDGET: budget,
        TRANSACTIONS_MOCK_USERS: String(options.users),
        TRANSACTIONS_MOCK_START: new Date(stream_start_ms).toISOString(),
        TRANSACTIONS_MOCK_SPEED: '1',
      },
      port: mock_port,
      ready_path: '/health',
      on_line: throttledLines((l) => say(`[mock] ${l}`)),
    });
    children.push(mock);
    say('starting croupier --role api,worker, pointed at the mock…');
    const worker_spawned_ms = Date.now();
    const worker = await spawnCroupier({
      database_url: database.url,
      aggregator_secret: 'bench',
      cpu_prof_dir: null,
      roles: 'api,worker',
      env: {
        TRANSACTIONS_API_URL: mock.url,
        TRANSACTIONS_API_BUDGET: budget,
        TRANSACTIONS_LATE_MAX_S: String(late_real_s),
        TRANSACTIONS_START: new Date(stream_start_ms).toISOString(),
      },
      on_line: (l) => say(`[worker] ${l}`),
    });
    children.push(worker);

    const status = async () => {
      const response = await fetch(`${worker.url}/v1/transactions/status`, {
        headers: { authorization: `Bearer ${options.admin_api_key}` },
        signal: AbortSignal.timeout(5_000),
      });
      if (response.status !== 200) throw new Error(`status answered ${response.status}`);
      return (await response.json()) as {
        checkpoint: string | null;
        items_total: number;
        requests_total: number;
        throttled_total: number;
        errors_total: number;
        last_error: string | null;
      };
    };

    // The first walk: until it ends there is no checkpoint.
    let first_walk_s: number | null = null;
    const first_deadline = Date.now() + 60_000;
    while (!io.signal?.aborted) {
      const s = await status();
      if (s.checkpoint) {
        first_walk_s = Math.round(((Date.now() - worker_spawned_ms) * k) / 1000);
        break;
      }
      if (Date.now() > first_deadline) throw new Error('the first walk did not end within 60 s');
      await sleep(SAMPLE_INTERVAL_MS);
    }
    say(`first walk done after ${first_walk_s} s (accelerated); measuring ${options.minutes} accelerated minutes…`);

    const series: [number, number][] = [];
    const opened_ms = performance.now();
    let next_note_ms = opened_ms + 10_000;
    while (!io.signal?.aborted && performance.now() - opened_ms < measured_ms) {
      const s = await status();
      const lag_s = s.checkpoint ? ((Date.now() - Date.parse(s.checkpoint)) * k) / 1000 : Infinity;
      const at_s = ((performance.now() - opened_ms) * k) / 1000;
      series.push([Math.round(at_s * 10) / 10, Math.round(lag_s * 10) / 10]);
      if (performance.now() >= next_note_ms) {
        next_note_ms += 10_000;
        const max = Math.max(...series.map(([, l]) => l));
        say(
          `  ${(at_s / 60).toFixed(1)} min: lag ${lag_s.toFixed(0)} s, highest ${max.toFixed(0)} s, ${s.items_total} items`,
        );
      }
      await sleep(SAMPLE_INTERVAL_MS);
    }
    const lags = series.map(([, l]) => l).sort((a, b) => a - b);
    const pct = (p: number) =>
      lags.length === 0 ? 0 : lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))];
    const lag = { max_s: lags[lags.length - 1] ?? 0, p50_s: pct(50), p95_s: pct(95), samples: lags.length };
    const bound_held = lags.length > 0 && lag.max_s < FRESHNESS_BOUND_S;
    if (!bound_held) failures.push(`the lag reached ${lag.max_s} s, not under ${FRESHNESS_BOUND_S} s`);

    const truth = io.signal?.aborted ? null : await compareWithTruth(sql, mock.url, late_real_s, budget, say);
    if (truth === null) failures.push('the worker did not catch up in time for the exact comparison');
    else if (!truth.equal || !truth.read_model_equal)
      failures.push(`the ledger differs from the mock's truth: ${truth.mismatches.slice(0, 3).join('; ')}`);

    const end = await status();
    const mock_stats = await fetch(`${mock.url}/_mock/stats`)
      .then((r) => r.json() as Promise<FreshnessReport['mock']>)
      .catch(() => null);
    const throttled_share = end.requests_total > 0 ? end.throttled_total / end.requests_total : 0;
    if (throttled_share >= THROTTLED_SHARE_MAX)
      failures.push(`${(throttled_share * 100).toFixed(1)} % of requests were throttled`);
    if (io.signal?.aborted) failures.push('the run was interrupted');
    const { admin_api_key: _key, ...shown } = options;
    return {
      run_id,
      started_at,
      finished_at: new Date().toISOString(),
      options: shown,
      database: database.description,
      real: {
        budget,
        late_max_s: late_real_s,
        mock_rate_per_real_min: options.rate_per_min * k,
        measured_s: Math.round(measured_ms / 100) / 10,
      },
      first_walk_s,
      lag,
      bound_s: FRESHNESS_BOUND_S,
      bound_held,
      series,
      requests: {
        sent: end.requests_total,
        throttled: end.throttled_total,
        throttled_share: Math.round(throttled_share * 10_000) / 10_000,
        errors: end.errors_total,
        last_error: end.last_error,
      },
      mock: mock_stats
        ? {
            requests_total: mock_stats.requests_total,
            served_total: mock_stats.served_total,
            throttled_total: mock_stats.throttled_total,
          }
        : null,
      items_total: end.items_total,
      truth,
      failures,
    };
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => {});
    await sql.end({ timeout: 5 });
    await database.release();
  }
}

/**
 * Waits until the checkpoint is past T + the late window (mid-walk too: a page's checkpoint past
 * T + late was read by a walk whose end, and so whose start, is later still, so every item created by
 * T was visible when its position was read), then compares the ingested items up to T with the mock's
 * truth at T, per user, exactly.
 */
async function compareWithTruth(
  sql: Sql,
  mock_url: string,
  late_real_s: number,
  budget: string,
  say: (line: string) => void,
): Promise<FreshnessReport['truth']> {
  const cut = new Date(Math.floor((Date.now() - 2_000) / 1000) * 1000);
  const window_s = Number(budget.split('/')[1].replace('s', ''));
  const deadline = Date.now() + (late_real_s + 4 * window_s + 30) * 1000;
  say(`waiting for the checkpoint to pass ${cut.toISOString()} + ${late_real_s} s for the exact comparison…`);
  for (;;) {
    const [state] = await sql`select checkpoint from ingest_state`;
    if (state.checkpoint && state.checkpoint.getTime() > cut.getTime() + (late_real_s + 1) * 1000) break;
    if (Date.now() > deadline) return null;
    await sleep(SAMPLE_INTERVAL_MS);
  }
  const response = await fetch(`${mock_url}/_mock/truth?at=${encodeURIComponent(cut.toISOString())}`);
  if (response.status !== 200) throw new Error(`/_mock/truth answered ${response.status}`);
  // Sums are exact integer digits; read them as text, never as doubles.
  const text = await response.text();
  const quoted = text.replace(/"(earned|spent|payout|items|items_total)":(\d+)/g, '"$1":"$2"');
  const truth = JSON.parse(quoted) as {
    items_total: string;
    users: { userId: string; earned: string; spent: string; payout: string; items: string }[];
  };
  const rows = await sql<{ user_id: string; earned: string; spent: string; payout: string; items: string }[]>`
    select user_id,
           coalesce(sum(amount_minor) filter (where type = 'earned'), 0)::text as earned,
           coalesce(sum(amount_minor) filter (where type = 'spent'), 0)::text as spent,
           coalesce(sum(amount_minor) filter (where type = 'payout'), 0)::text as payout,
           count(*)::text as items
    from ingest_items where created_at <= ${cut} group by user_id order by user_id`;
  const mismatches: string[] = [];
  const ours = new Map(rows.map((r) => [r.user_id, r]));
  for (const t of truth.users) {
    const o = ours.get(t.userId);
    const want = `${t.earned}/${t.spent}/${t.payout}/${t.items}`;
    const got = o ? `${o.earned}/${o.spent}/${o.payout}/${o.items}` : 'nothing';
    if (want !== got && mismatches.length < MISMATCHES_KEPT)
      mismatches.push(`${t.userId}: upstream ${want}, ledger ${got}`);
    ours.delete(t.userId);
  }
  for (const id of ours.keys()) if (mismatches.length < MISMATCHES_KEPT) mismatches.push(`${id}: in the ledger only`);
  const items = rows.reduce((n, r) => n + BigInt(r.items), 0n);
  if (items.toString() !== truth.items_total && mismatches.length < MISMATCHES_KEPT)
    mismatches.push(`items: upstream ${truth.items_total}, ledger ${items}`);
  // The read model (what the reporter serves) against every item ingested, and the ledger's SCR balances.
  const [model] = await sql<{ differing: number }[]>`
    select count(*)::int as differing from (
      select user_id,
             coalesce(sum(amount_minor) filter (where type = 'earned'), 0) as e,
             coalesce(sum(amount_minor) filter (where type = 'spent'), 0) as s,
             coalesce(sum(amount_minor) filter (where type = 'payout'), 0) as p
      from ingest_items group by user_id) i
    full join ingest_user_totals t using (user_id)
    left join accounts a on a.kind = 'player' and a.owner = user_id and a.purpose = 'cash' and a.asset = 'SCR'
    where t.user_id is null or i.user_id is null or i.e <> t.earned_minor or i.s <> t.spent_minor
       or i.p <> t.payout_minor + t.paid_out_minor or a.balance_minor is distinct from i.e - i.s - i.p`;
  return {
    at: cut.toISOString(),
    items: Number(items),
    users: truth.users.length,
    equal: mismatches.length === 0,
    mismatches,
    read_model_equal: model.differing === 0,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The figures as text. */
export function formatFreshnessBench(report: FreshnessReport): string {
  const o = report.options;
  const r = report.real;
  const late =
    o.late_share > 0 && o.late_max_s > 0
      ? `${(o.late_share * 100).toFixed(1)} % late up to ${o.late_max_s} s`
      : 'no late items';
  const lines = [
    `croupier bench --workload freshness (run ${report.run_id}, ${report.database})`,
    `upstream: ${o.rate_per_min} transactions a minute, ${late}, ${o.users} users; time ×${o.scale} (real: budget ${r.budget}, late window ${r.late_max_s} s, ${r.mock_rate_per_real_min} a real minute)`,
    `first walk finished ${report.first_walk_s ?? 'n/a'} s (accelerated) after the worker started`,
    `lag over ${o.minutes} accelerated minutes (${r.measured_s} s real, ${report.lag.samples} samples): highest ${report.lag.max_s.toFixed(0)} s, p50 ${report.lag.p50_s.toFixed(0)} s, p95 ${report.lag.p95_s.toFixed(0)} s — bound ${report.bound_s} s ${report.bound_held ? 'held' : 'NOT HELD'}`,
    `requests: ${report.requests.sent} sent, ${report.requests.throttled} throttled (${(report.requests.throttled_share * 100).toFixed(1)} %), ${report.requests.errors} failed; last error: ${report.requests.last_error ?? 'none'}`,
    report.mock
      ? `mock: ${report.mock.requests_total} requests, ${report.mock.served_total} served, ${report.mock.throttled_total} throttled`
      : 'mock: stats not available',
    `items ingested: ${report.items_total}`,
    report.truth
      ? `exact match at ${report.truth.at}: ${report.truth.items} items over ${report.truth.users} users — ${report.truth.equal ? 'equal to the mock’s truth, to the cent' : 'DIFFERENT'}; read model and ledger balances ${report.truth.read_model_equal ? 'agree with the items' : 'DIFFER'}`
      : 'exact match: not checked (the worker did not catch up in time)',
  ];
  if (report.truth && report.truth.mismatches.length > 0) lines.push(...report.truth.mismatches.map((m) => `  ${m}`));
  if (report.failures.length > 0) lines.push('', `FAILURES (${report.failures.length}):`, ...report.failures);
  return lines.join('\n');
}
