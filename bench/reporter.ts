import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createSql, type Sql } from '../src/db/sql.ts';
import type { Child } from '../src/platform/child-process.ts';
import type { Logger } from '../src/platform/logger.ts';
import { startTransactionsMock } from '../src/upstream/index.ts';
import { LatencyHistogram, type LatencySummary } from './histogram.ts';
import { Rng } from './load.ts';
import { parseMetrics } from './metrics.ts';
import { machineCpuTicks, processCpuSeconds } from './processes.ts';
import { RawHttpConnection, type RawHttpHandler } from './raw-http.ts';
import { openBenchDatabase, spawnCeiling, spawnCroupier } from './target.ts';

/**
 * `croupier bench --workload reporter`: GET load on the SPEC §7 reporter's cached answers against the
 * bare HTTP ceiling measured in the same run.
 *
 * 1. Fill: the mock upstream (in this process) holds a backlog of about 3 transactions per user; a
 *    `croupier start --role worker` child ingests it through the real puller (a generous budget: the
 *    fill is not what is measured), then stops.
 * 2. A `croupier start --role api` child serves the reporter; the ceiling child (bench/ceiling-server.ts)
 *    answers the same GETs with a fixed body of the same size. Every user's URL and the first payouts
 *    pages are read once (the cache is warm, the ETags known).
 * 3. Four phases, interleaved so a change of the machine's load hits both sides alike: ceiling and
 *    Croupier with plain GETs (200 with a body), then with If-None-Match (304, no body). Nine requests in
 *    ten are a user's report (uniform over every user), one in ten a payouts page.
 * 4. Proof that no request queried the database: the SQL statements the database executed during each
 *    window (pg_stat_statements, when the cluster preloads it — the embedded one does) and the reporter
 *    cache's misses (its /metrics counter), before and after.
 */

export interface ReporterBenchOptions {
  users: number;
  connections: number;
  /** Each phase is measured this many times, the ceiling and Croupier taking turns (ABBA). */
  rounds: number;
  duration_s: number;
  warmup_s: number;
  timeout_ms: number;
  seed: number;
  database_url: string | null;
  /** Run the measured server with node --cpu-prof, writing its profile here (both of its phases and the warm-up). */
  server_cpu_prof_dir: string | null;
}

export interface ReporterPhase {
  label: string;
  target: 'ceiling' | 'croupier';
  conditional: boolean;
  /** Summed over the rounds (the figures below are over all of them). */
  window_s: number;
  /** requests/s of each round, in order: their spread shows how steady the machine was. */
  rounds_requests_per_s: number[];
  requests: number;
  requests_per_s: number;
  latency: LatencySummary;
  /** Answers other than the expected status, and network errors, over the whole phase. */
  errors: Record<string, number>;
  errors_total: number;
  server_cpu_percent_of_core: number | null;
  machine_busy_percent: number | null;
  /** SQL statements the database executed during the window (every connection): null when not observable. */
  db_statements: number | null;
  /** The reporter cache's fills during the window (its /metrics counter); null for the ceiling. */
  cache_misses: number | null;
  cache_hits: number | null;
}

export interface ReporterBenchReport {
  run_id: string;
  started_at: string;
  finished_at: string;
  options: ReporterBenchOptions;
  database: string;
  fill: { items: number; users: number; users_with_payouts: number; seconds: number; worker_requests: number };
  urls: { users: number; payouts_pages: number };
  phases: ReporterPhase[];
  /** Croupier's requests/s over the ceiling's, per variant. */
  ratios: { plain: number | null; conditional: number | null };
  targets: { ratio_min: number; p99_max_ms: number; met: boolean; lines: string[] };
  failures: string[];
}

interface Io {
  logger: Logger;
  progress?: (line: string) => void;
  signal?: AbortSignal;
}

/** Targets of SPEC §7 / issue 14: at least this share of the ceiling, p99 at most this. */
export const REPORTER_RATIO_MIN = 0.5;
export const REPORTER_P99_MAX_MS = 20;
/** One request in this many is a payouts page; the others are users' reports. */
const PAYOUTS_EVERY = 10;
const PAYOUTS_LIMIT = 50;
const PAYOUTS_PAGES_MAX = 20;
/** Transactions per user in the backlog the worker ingests (so almost every user has a report). */
const ITEMS_PER_USER = 3;
/** The mock's peak rate: the backlog is this many minutes of it. */
const FILL_RATE_PER_MIN = 5_000;
const FILL_TIMEOUT_MS = 300_000;
const WARM_CONCURRENCY = 16;

export async function runReporterBench(options: ReporterBenchOptions, io: Io): Promise<ReporterBenchReport> {
  const run_id = randomBytes(3).toString('hex');
  const say = (line: string) => io.progress?.(line);
  const started_at = new Date().toISOString();
  say('starting the database (pg_stat_statements preloaded)…');
  const database = await openBenchDatabase(options.database_url, io.logger, {
    shared_preload_libraries: 'pg_stat_statements',
  });
  const sql = createSql(database.url, 2);
  const children: Child[] = [];
  try {
    const fill = await fillThroughWorker(options, database.url, sql, say);
    const statements = await statementCounter(sql);
    if (!statements.available) say('pg_stat_statements is not available: statements are not counted');
    say('starting the croupier server (--role api) and the ceiling server…');
    const server = await spawnCroupier({
      database_url: database.url,
      aggregator_secret: 'bench',
      cpu_prof_dir: options.server_cpu_prof_dir,
      roles: 'api',
      on_line: (l) => say(`[server] ${l}`),
    });
    children.push(server);
    const ceiling = await spawnCeiling('bench');
    children.push(ceiling);

    const user_ids = (await sql<{ user_id: string }[]>`select user_id from ingest_user_totals order by user_id`).map(
      (r) => r.user_id,
    );
    const payouts_pages = Math.min(PAYOUTS_PAGES_MAX, Math.max(1, Math.ceil(fill.users_with_payouts / PAYOUTS_LIMIT)));
    const paths = [
      ...user_ids.map((id) => `/reports/users/${encodeURIComponent(id)}`),
      ...Array.from({ length: payouts_pages }, (_, i) => `/reports/payouts?page=${i + 1}&limit=${PAYOUTS_LIMIT}`),
    ];
    say(`warming the reporter cache: ${paths.length} URLs read once, their ETags kept…`);
    const etags = await warm(server.url, paths, options.timeout_ms);
    const ceiling_etags = await warm(ceiling.url, [paths[0], paths[paths.length - 1]], options.timeout_ms);

    const rng = new Rng(options.seed);
    const windows = new Map<string, Window[]>();
    for (let round = 0; round < options.rounds; round++) {
      for (const conditional of [false, true]) {
        // ABBA: the ceiling first in even rounds, Croupier first in odd ones, so a drift of the
        // machine's load weighs on both alike.
        const order = round % 2 === 0 ? (['ceiling', 'croupier'] as const) : (['croupier', 'ceiling'] as const);
        for (const target of order) {
          if (io.signal?.aborted) break;
          const child = target === 'ceiling' ? ceiling : server;
          const requests = buildRequests(child.url, paths, user_ids.length, conditional, (p) =>
            target === 'croupier'
              ? etags.get(p)!
              : ceiling_etags.get(p.startsWith('/reports/payouts') ? paths[paths.length - 1] : paths[0])!,
          );
          const label = `${target} ${conditional ? 'If-None-Match (304)' : 'plain GET (200)'}`;
          const w = await measure(
            `${label}, round ${round + 1}`,
            conditional,
            child,
            requests,
            options,
            rng,
            statements,
            io,
            target === 'croupier',
          );
          windows.set(label, [...(windows.get(label) ?? []), w]);
        }
      }
    }
    const phases: ReporterPhase[] = [...windows].map(([label, ws]) =>
      phaseOf(label, label.startsWith('ceiling') ? 'ceiling' : 'croupier', label.includes('304'), ws),
    );
    const ratio = (conditional: boolean) => {
      const c = phases.find((p) => p.target === 'ceiling' && p.conditional === conditional);
      const k = phases.find((p) => p.target === 'croupier' && p.conditional === conditional);
      return c && k && c.requests_per_s > 0 ? Math.round((k.requests_per_s / c.requests_per_s) * 1000) / 1000 : null;
    };
    const ratios = { plain: ratio(false), conditional: ratio(true) };
    const failures = phases.filter((p) => p.errors_total > 0).map((p) => `${p.label}: ${p.errors_total} errors`);
    if (io.signal?.aborted) failures.push('the run was interrupted');
    return {
      run_id,
      started_at,
      finished_at: new Date().toISOString(),
      options,
      database: database.description,
      fill,
      urls: { users: user_ids.length, payouts_pages },
      phases,
      ratios,
      targets: targetsOf(phases, ratios),
      failures,
    };
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => {});
    await sql.end({ timeout: 5 });
    await database.release();
  }
}

/** The mock's backlog ingested by a worker child through the real puller; returns what was filled. */
async function fillThroughWorker(
  options: ReporterBenchOptions,
  database_url: string,
  sql: Sql,
  say: (line: string) => void,
): Promise<ReporterBenchReport['fill']> {
  const items = options.users * ITEMS_PER_USER;
  const now = Date.now();
  // Whole seconds: the stream's createdAt and the puller's walk ends both fall on them.
  const start_ms = Math.floor((now - Math.ceil((items * 60_000) / FILL_RATE_PER_MIN)) / 1000) * 1000;
  const mock = await startTransactionsMock({
    seed: options.seed,
    rate_per_min: FILL_RATE_PER_MIN,
    users: options.users,
    late_share: 0,
    late_max_s: 0,
    budget: '1000/1s',
    start_ms,
  });
  const started = performance.now();
  say(`filling: the worker ingests a backlog of about ${items} transactions over ${options.users} users…`);
  let worker: Child | undefined;
  try {
    worker = await spawnCroupier({
      database_url,
      aggregator_secret: 'bench',
      cpu_prof_dir: null,
      roles: 'worker',
      env: {
        TRANSACTIONS_API_URL: mock.url,
        TRANSACTIONS_API_BUDGET: '1000/1s',
        TRANSACTIONS_LATE_MAX_S: '0',
        TRANSACTIONS_START: new Date(start_ms).toISOString(),
      },
      on_line: (l) => say(`[worker] ${l}`),
    });
    const until = new Date(now);
    const deadline = Date.now() + FILL_TIMEOUT_MS;
    for (;;) {
      const [state] = await sql`select checkpoint, walk_end, items_total from ingest_state`;
      if (state.checkpoint && state.checkpoint >= until && state.walk_end === null) break;
      if (Date.now() > deadline) throw new Error(`the worker did not catch up within ${FILL_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await worker?.stop();
    await mock.stop();
  }
  const [row] = await sql`
    select (select items_total from ingest_state)::int as items, (select requests_total from ingest_state)::int as requests,
           count(*)::int as users, (count(*) filter (where payout_minor > 0))::int as users_with_payouts
    from ingest_user_totals`;
  await sql`vacuum analyze ingest_user_totals`;
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  say(`filled: ${row.items} transactions, ${row.users} users (${row.users_with_payouts} with payouts) in ${seconds} s`);
  return {
    items: row.items,
    users: row.users,
    users_with_payouts: row.users_with_payouts,
    seconds,
    worker_requests: row.requests,
  };
}

/** Statements executed by the database so far (pg_stat_statements, all of this database's connections). */
async function statementCounter(sql: Sql): Promise<{ available: boolean; read(): Promise<number | null> }> {
  try {
    await sql`create extension if not exists pg_stat_statements`;
    await sql`select count(*) from pg_stat_statements`;
  } catch {
    return { available: false, read: async () => null };
  }
  return {
    available: true,
    // Our own reads of the view are left out, so a window in which nothing else ran counts 0.
    read: async () => {
      const [r] = await sql`
        select coalesce(sum(calls), 0)::bigint as calls from pg_stat_statements s
        join pg_database d on d.oid = s.dbid
        where d.datname = current_database() and s.query not like '%pg_stat_statements%'`;
      return Number(r.calls);
    },
  };
}

/** GETs every path once (a few at a time); returns each path's ETag. */
async function warm(url: string, paths: string[], timeout_ms: number): Promise<Map<string, string>> {
  const etags = new Map<string, string>();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(WARM_CONCURRENCY, paths.length) }, async () => {
      while (next < paths.length) {
        const p = paths[next++];
        const response = await fetch(`${url}${p}`, { signal: AbortSignal.timeout(timeout_ms) });
        await response.arrayBuffer();
        const etag = response.headers.get('etag');
        if (response.status !== 200 || !etag) throw new Error(`GET ${p} answered ${response.status} without an ETag`);
        etags.set(p, etag);
      }
    }),
  );
  return etags;
}

interface Prebuilt {
  users: Buffer[];
  payouts: Buffer[];
}

/** Every request of a phase, as the exact bytes sent again and again. */
function buildRequests(
  url: string,
  paths: string[],
  user_count: number,
  conditional: boolean,
  etag: (path: string) => string,
): Prebuilt {
  const host = new URL(url).host;
  const bytes = (p: string) =>
    Buffer.from(`GET ${p} HTTP/1.1\r\nHost: ${host}\r\n${conditional ? `If-None-Match: ${etag(p)}\r\n` : ''}\r\n`);
  return { users: paths.slice(0, user_count).map(bytes), payouts: paths.slice(user_count).map(bytes) };
}

class Slot implements RawHttpHandler {
  started_ms = 0;
  readonly connection: RawHttpConnection;
  constructor(
    url: string,
    timeout_ms: number,
    private readonly done: (slot: Slot, status: number, error: Error | null) => void,
  ) {
    this.connection = new RawHttpConnection({ url, path: '/', timeout_ms, handler: this });
  }
  onResponse(status: number): void {
    this.done(this, status, null);
  }
  onError(error: Error): void {
    this.done(this, 0, error);
  }
}

async function scrapeCache(url: string): Promise<{ hits: number; misses: number } | null> {
  try {
    const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
    const samples = parseMetrics(await response.text());
    const hits = samples.get('croupier_reporter_cache_hits_total') ?? 0;
    const misses = samples.get('croupier_reporter_cache_misses_total') ?? 0;
    return { hits, misses };
  } catch {
    return null;
  }
}

/** One closed-loop phase: `connections` keep-alive connections, one request in flight on each. */
/** One measured window: what a phase adds up. */
interface Window {
  seconds: number;
  requests: number;
  histogram: LatencyHistogram;
  errors: Map<string, number>;
  server_cpu_s: number | null;
  machine: { busy: number; total: number } | null;
  statements: number | null;
  cache: { hits: number; misses: number } | null;
}

/** One closed-loop window: `connections` keep-alive connections, one request in flight on each. */
async function measure(
  label: string,
  conditional: boolean,
  child: Child,
  requests: Prebuilt,
  options: ReporterBenchOptions,
  rng: Rng,
  statements: { read(): Promise<number | null> },
  io: Io,
  with_cache: boolean,
): Promise<Window> {
  const expected = conditional ? 304 : 200;
  const histogram = new LatencyHistogram();
  const errors = new Map<string, number>();
  let measuring = false;
  let stopping = false;
  let ok = 0;
  let in_flight = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const pick = () =>
    requests.payouts.length > 0 && rng.below(PAYOUTS_EVERY) === 0
      ? requests.payouts[rng.below(requests.payouts.length)]
      : requests.users[rng.below(requests.users.length)];
  const issue = (slot: Slot) => {
    if (stopping) {
      if (in_flight === 0) finish();
      return;
    }
    in_flight++;
    slot.started_ms = performance.now();
    slot.connection.sendRaw(pick());
  };
  const done = (slot: Slot, status: number, error: Error | null) => {
    in_flight--;
    if (error === null && status === expected) {
      if (measuring) {
        ok++;
        histogram.record((performance.now() - slot.started_ms) * 1000);
      }
    } else {
      const key = error ? `network ${(error as { code?: string }).code ?? error.name}` : `${status}`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
    if (error) setTimeout(() => issue(slot), 50);
    else issue(slot);
  };
  const slots = Array.from({ length: options.connections }, () => new Slot(child.url, options.timeout_ms, done));
  for (const slot of slots) issue(slot);
  await new Promise((r) => setTimeout(r, options.warmup_s * 1000));
  const before = {
    at_ms: performance.now(),
    cpu: processCpuSeconds(child.pid),
    machine: machineCpuTicks(),
    statements: await statements.read(),
    cache: with_cache ? await scrapeCache(child.url) : null,
  };
  measuring = true;
  ok = 0;
  await new Promise((r) => setTimeout(r, options.duration_s * 1000));
  measuring = false;
  const end_ms = performance.now();
  const cpu_end = processCpuSeconds(child.pid);
  const machine_end = machineCpuTicks();
  stopping = true;
  if (in_flight === 0) finish();
  await finished;
  for (const slot of slots) slot.connection.close();
  const after = {
    statements: await statements.read(),
    cache: with_cache ? await scrapeCache(child.url) : null,
  };
  const seconds = (end_ms - before.at_ms) / 1000;
  const w: Window = {
    seconds,
    requests: ok,
    histogram,
    errors,
    server_cpu_s: before.cpu === null || cpu_end === null ? null : cpu_end - before.cpu,
    machine:
      before.machine && machine_end
        ? { busy: machine_end.busy - before.machine.busy, total: machine_end.total - before.machine.total }
        : null,
    // Counted after the drain (a few ms more than the window): an upper bound.
    statements: before.statements === null || after.statements === null ? null : after.statements - before.statements,
    cache:
      before.cache && after.cache
        ? { hits: after.cache.hits - before.cache.hits, misses: after.cache.misses - before.cache.misses }
        : null,
  };
  io.progress?.(
    `${label}: ${(ok / seconds).toFixed(0)} req/s, p50 ${ms(histogram.percentile(50))}, p99 ${ms(histogram.percentile(99))}` +
      (w.statements === null ? '' : `, ${w.statements} SQL statements`) +
      (w.cache === null ? '' : `, ${w.cache.misses} cache fills`),
  );
  return w;
}

/** A phase: its windows of every round added up. */
function phaseOf(label: string, target: ReporterPhase['target'], conditional: boolean, ws: Window[]): ReporterPhase {
  const round1 = (v: number) => Math.round(v * 10) / 10;
  const sum = (pick: (w: Window) => number | null) =>
    ws.some((w) => pick(w) === null) ? null : ws.reduce((n, w) => n + (pick(w) as number), 0);
  const histogram = new LatencyHistogram();
  const errors = new Map<string, number>();
  for (const w of ws) {
    histogram.merge(w.histogram);
    for (const [k, v] of w.errors) errors.set(k, (errors.get(k) ?? 0) + v);
  }
  const seconds = sum((w) => w.seconds) ?? 0;
  const requests = sum((w) => w.requests) ?? 0;
  const cpu = sum((w) => w.server_cpu_s);
  const busy = sum((w) => w.machine?.busy ?? null);
  const total = sum((w) => w.machine?.total ?? null);
  return {
    label,
    target,
    conditional,
    window_s: round1(seconds),
    rounds_requests_per_s: ws.map((w) => round1(w.requests / w.seconds)),
    requests,
    requests_per_s: round1(requests / seconds),
    latency: histogram.summary(),
    errors: Object.fromEntries(errors),
    errors_total: [...errors.values()].reduce((a, b) => a + b, 0),
    server_cpu_percent_of_core: cpu === null || seconds === 0 ? null : round1((100 * cpu) / seconds),
    machine_busy_percent: busy === null || !total ? null : round1((100 * busy) / total),
    db_statements: sum((w) => w.statements),
    cache_misses: sum((w) => w.cache?.misses ?? null),
    cache_hits: sum((w) => w.cache?.hits ?? null),
  };
}

function ms(us: number): string {
  return `${(us / 1000).toFixed(2)} ms`;
}

function targetsOf(phases: ReporterPhase[], ratios: ReporterBenchReport['ratios']): ReporterBenchReport['targets'] {
  const lines: string[] = [];
  let met = true;
  for (const [variant, ratio] of [
    ['plain GET', ratios.plain],
    ['If-None-Match', ratios.conditional],
  ] as const) {
    const ok = ratio !== null && ratio >= REPORTER_RATIO_MIN;
    met &&= ok;
    lines.push(
      `${variant}: ${ratio ?? 'n/a'} of the ceiling (target ≥ ${REPORTER_RATIO_MIN}) ${ok ? 'met' : 'MISSED'}`,
    );
  }
  for (const p of phases.filter((x) => x.target === 'croupier')) {
    const p99_ms = p.latency.p99_us / 1000;
    const ok = p99_ms <= REPORTER_P99_MAX_MS;
    met &&= ok;
    lines.push(`${p.label}: p99 ${p99_ms.toFixed(2)} ms (target ≤ ${REPORTER_P99_MAX_MS} ms) ${ok ? 'met' : 'MISSED'}`);
    const none = p.cache_misses === 0;
    met &&= none;
    lines.push(
      `${p.label}: ${p.requests} requests, ${p.cache_misses ?? 'n/a'} cache fills, ${p.db_statements ?? 'n/a'} SQL statements ` +
        `on the database (${p.db_statements === null || p.requests === 0 ? 'n/a' : (p.db_statements / p.requests).toFixed(5)} per request) ${none ? 'met' : 'MISSED'}`,
    );
  }
  return { ratio_min: REPORTER_RATIO_MIN, p99_max_ms: REPORTER_P99_MAX_MS, met, lines };
}

/** The figures as text: one table, then the targets. */
export function formatReporterBench(report: ReporterBenchReport): string {
  const f = report.fill;
  const o = report.options;
  const head = ['', ...report.phases.map((p) => p.label)];
  const rows: [string, (p: ReporterPhase) => string][] = [
    ['requests/s', (p) => p.requests_per_s.toFixed(1)],
    ['  per round', (p) => p.rounds_requests_per_s.map((r) => r.toFixed(0)).join(' / ')],
    ['requests measured', (p) => String(p.requests)],
    ['latency p50', (p) => ms(p.latency.p50_us)],
    ['latency p99', (p) => ms(p.latency.p99_us)],
    ['latency max', (p) => ms(p.latency.max_us)],
    ['errors', (p) => String(p.errors_total)],
    ['server CPU', (p) => (p.server_cpu_percent_of_core === null ? 'n/a' : `${p.server_cpu_percent_of_core} %`)],
    ['machine busy', (p) => (p.machine_busy_percent === null ? 'n/a' : `${p.machine_busy_percent} %`)],
    ['cache fills', (p) => (p.cache_misses === null ? '—' : String(p.cache_misses))],
    ['SQL statements', (p) => (p.db_statements === null ? 'n/a' : String(p.db_statements))],
  ];
  const width = Math.max(...head.map((h) => h.length), 12) + 2;
  const lines = [
    `croupier bench --workload reporter (run ${report.run_id}, ${report.database})`,
    `fill: ${f.items} transactions over ${f.users} users (${f.users_with_payouts} with requested payouts), ingested by the worker in ${f.seconds} s (${f.worker_requests} upstream requests)`,
    `load: ${o.connections} connections, ${o.rounds} rounds (ceiling and Croupier taking turns) of ${o.warmup_s} s warm-up + ${o.duration_s} s per phase; ${report.urls.users} user URLs, ${report.urls.payouts_pages} payouts pages (1 request in ${PAYOUTS_EVERY})`,
    '',
    head.map((h, i) => (i === 0 ? h.padEnd(20) : h.padStart(width))).join(''),
    ...rows.map(([name, f]) => name.padEnd(20) + report.phases.map((p) => f(p).padStart(width)).join('')),
    '',
    `ratio to the ceiling: plain GET ${report.ratios.plain ?? 'n/a'}, If-None-Match ${report.ratios.conditional ?? 'n/a'}`,
    ...report.targets.lines.map((l) => `  ${l}`),
  ];
  if (report.failures.length > 0) lines.push('', `FAILURES (${report.failures.length}):`, ...report.failures);
  return lines.join('\n');
}
