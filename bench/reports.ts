import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import { adminSql, createSql, type Sql } from '../src/db/sql.ts';
import { hmacSha256Hex } from '../src/platform/hmac.ts';
import type { Logger } from '../src/platform/logger.ts';
import { mapLimited } from '../src/platform/map-limited.ts';
import { LatencyHistogram } from './histogram.ts';
import { AGGREGATOR_PATH, post } from './http.ts';
import {
  FUND_MINOR,
  REPORT_TIMEOUT_MS,
  REPORTS_CASINO_PERCENT,
  REPORTS_CASINO_PLAYERS_PER_SLICE,
  REPORTS_FILL_CONCURRENCY,
  REPORTS_GAMES,
  REPORTS_PRE_ROLLBACK_PERCENT,
  REPORTS_PROVIDERS,
  REPORTS_ROLLBACK_PERCENT,
  REPORTS_SPREAD_HOURS,
} from './limits.ts';
import { authorizationFor, Rng } from './load.ts';
import { fundThroughLedger, openBenchDatabase, spawnCroupier } from './target.ts';

/**
 * `croupier bench --workload reports`: fills a fresh database through the product's own write path
 * (signed aggregator requests, signed casino callbacks, rollbacks and pre-rollbacks) with N actions
 * spread over 30 days, then times every report shape of SPEC §6.
 *
 * Spreading: the actions are sent in REPORTS_SPREAD_HOURS slices; after each slice everything written
 * since the fill began is moved back by whole hours, in the action tables and in game_rollups alike
 * (rollup rows merged into their target hour), so slice k lands in hour k of the 30 days. Whole-hour
 * moves keep every action in its rollup bucket, and a rollback only ever names an action of its own
 * slice, so the rollups stay exactly what the hot path would have written at that time. An injectable
 * clock would have needed a test-only time source inside the ledger writer of the production server;
 * moving rows needs nothing in the product. Ledger transfers keep their real time (they are immutable,
 * and the game reports do not read them).
 */

export interface ReportsBenchOptions {
  prefill_actions: number;
  players: number;
  samples: number;
  seed: number;
  database_url: string | null;
  /** With database_url: leave the filled database in place (its name is printed), to study plans with EXPLAIN. */
  keep_database: boolean;
  aggregator_secret: string;
  casino_secret: string;
  admin_api_key: string;
}

export interface ShapeResult {
  endpoint: 'games' | 'ngr';
  group_by: string;
  window: 'hour' | 'day' | '30 days';
  aligned: boolean;
  samples: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  /** pagination.total of the last sample. */
  rows: number;
}

export interface ReportsBenchReport {
  run_id: string;
  started_at: string;
  finished_at: string;
  options: Omit<ReportsBenchOptions, 'aggregator_secret' | 'casino_secret' | 'admin_api_key'>;
  database: string;
  fill: {
    actions: number;
    aggregator_requests: number;
    casino_callbacks: number;
    rollbacks: number;
    seconds: number;
    spread_from: string;
    spread_to: string;
  };
  /** Rows per table: both action tables and every rollup table. */
  table_rows: Record<string, number>;
  shapes: ShapeResult[];
  failures: string[];
}

interface Io {
  logger: Logger;
  progress?: (line: string) => void;
  signal?: AbortSignal;
}

const HOUR_MS = 3_600_000;
/** A connection without the pool's statement deadline: the bench's own big statements take longer than a request may. */
type AdminSql = ReturnType<typeof adminSql>;

export async function runReportsBench(options: ReportsBenchOptions, io: Io): Promise<ReportsBenchReport> {
  const run_id = randomBytes(3).toString('hex');
  const players = Array.from({ length: options.players }, (_, i) => `rb-${run_id}-${i}`);
  const say = (line: string) => io.progress?.(line);
  const started_at = new Date().toISOString();
  say('starting the database…');
  const database = await openBenchDatabase(options.database_url, io.logger);
  const sql = createSql(database.url, 2);
  try {
    say(`funding ${players.length} players through the ledger…`);
    await fundThroughLedger(database.url, io.logger, players, FUND_MINOR);
    const server = await spawnCroupier({
      database_url: database.url,
      aggregator_secret: options.aggregator_secret,
      cpu_prof_dir: null,
      on_line: (l) => say(`[server] ${l}`),
    });
    const pool = new Pool(server.url, {
      connections: REPORTS_FILL_CONCURRENCY,
      pipelining: 1,
      keepAliveTimeout: 60_000,
    });
    try {
      const filler = new Filler(options, players, pool, sql, run_id, new Rng(options.seed));
      const fill = await filler.run(say, io.signal);
      say('rewriting the action tables in time order, folding the day rollups, vacuum analyze…');
      const admin = adminSql(database.url);
      const failures: string[] = [];
      let table_rows: ReportsBenchReport['table_rows'];
      try {
        await maintain(admin);
        await checkTotals(pool, admin, options.admin_api_key, fill, failures);
        table_rows = await countRows(admin);
      } finally {
        await admin.end({ timeout: 5 });
      }
      say(failures.length === 0 ? 'the 30-day totals equal a direct sum over both action tables' : failures[0]);
      const shapes = io.signal?.aborted
        ? []
        : await timeShapes(pool, options, Date.parse(fill.spread_from), new Rng(options.seed + 1), failures, say);
      const { aggregator_secret: _a, casino_secret: _c, admin_api_key: _k, ...shown } = options;
      return {
        run_id,
        started_at,
        finished_at: new Date().toISOString(),
        options: shown,
        database: database.description,
        fill,
        table_rows,
        shapes,
        failures,
      };
    } finally {
      await pool.destroy().catch(() => {});
      await server.stop();
    }
  } finally {
    await sql.end({ timeout: 5 });
    if (options.keep_database && options.database_url) say(`kept the filled database: ${database.url}`);
    else await database.release();
  }
}

/**
 * Production appends action rows in created_at order, which is what keeps their BRIN ranges narrow. The
 * moves scattered row versions over the heap (measured at 1M actions: an edge scan rechecked 331,640 rows
 * of 13,958 lossy blocks to find 616), so the tables are rewritten in time order before timing, then
 * vacuumed and analyzed.
 */
async function maintain(admin: AdminSql): Promise<void> {
  for (const table of ['aggregator_actions', 'seamless_transactions']) {
    await admin.begin(async (tx) => {
      await tx.unsafe(`create temporary table moved on commit drop as select * from ${table} order by created_at`);
      await tx.unsafe(`truncate ${table}`);
      await tx.unsafe(`insert into ${table} select * from moved order by created_at`);
    });
  }
  // Every day that is over folded into its day rows (migration 045), as the reports worker job does two
  // hours after a day ends; the fill is done, nothing writes meanwhile, so no margin is needed.
  await admin`select game_rollups_fold(now(), null)`;
  const tables = [...(await rollupTables(admin)), 'aggregator_actions', 'seamless_transactions'];
  await admin.unsafe(`vacuum analyze ${tables.join(', ')}`);
  // The rewrite dirtied gigabytes at 10M actions: written now, not by the checkpointer while the first
  // shapes are timed (at 10M, hour-aligned shapes timed right after the rewrite took p50 ~16 ms, the same
  // shapes on the same database later 4–6 ms). Needs the right to checkpoint (the embedded database's
  // superuser has it); without it the run goes on.
  await admin.unsafe('checkpoint').catch(() => {});
}

/** Rows of the action tables and of every rollup table. */
async function countRows(admin: AdminSql): Promise<ReportsBenchReport['table_rows']> {
  const counts: ReportsBenchReport['table_rows'] = {};
  for (const table of ['aggregator_actions', 'seamless_transactions', ...(await rollupTables(admin))]) {
    const [r] = await admin.unsafe(`select count(*)::int as n from ${table}`);
    counts[table] = r.n as number;
  }
  return counts;
}

/** Every rollup table the reports read: the hourly one and what later migrations derive from it. */
async function rollupTables(admin: AdminSql): Promise<string[]> {
  const rows = await admin<{ name: string }[]>`
    select tablename as name from pg_tables where schemaname = current_schema() and tablename like 'game\_rollups%' order by 1`;
  return rows.map((r) => r.name);
}

/**
 * The moves must leave the rollups exactly what the hot path writes: the 30-day report's totals (all
 * rollups, no edge) against a direct sum of the live bets and wins of both action tables.
 */
async function checkTotals(
  pool: Pool,
  sql: AdminSql,
  admin_api_key: string,
  fill: ReportsBenchReport['fill'],
  failures: string[],
): Promise<void> {
  const [direct] = await sql`
    select coalesce(sum(bets), 0)::text as bets, coalesce(sum(wins), 0)::text as wins, coalesce(sum(bet_count), 0)::text as bet_count from (
      select sum(amount_minor) filter (where action = 'bet' and not rolled_back) as bets, sum(amount_minor) filter (where action = 'win' and not rolled_back) as wins,
             count(*) filter (where action = 'bet' and not rolled_back) as bet_count
      from aggregator_actions where created_at >= ${fill.spread_from} and created_at < ${fill.spread_to}
      union all
      select sum(amount_minor) filter (where kind = 'debit' and rolled_back_by is null), sum(amount_minor) filter (where kind = 'credit'),
             count(*) filter (where kind = 'debit' and rolled_back_by is null)
      from seamless_transactions where created_at >= ${fill.spread_from} and created_at < ${fill.spread_to}) s`;
  const query = new URLSearchParams({ from: fill.spread_from, to: fill.spread_to });
  const reply = await pool.request({
    path: `/v1/reports/games?${query}`,
    method: 'GET',
    headers: { authorization: `Bearer ${admin_api_key}` },
    headersTimeout: REPORT_TIMEOUT_MS,
    bodyTimeout: REPORT_TIMEOUT_MS,
  });
  const text = await reply.body.text();
  // Compared as digits: the sums may pass 2^53 − 1. One currency (USD): one totals row.
  const totals = text.slice(text.indexOf('"totals":'));
  const digits = (field: string) => totals.match(new RegExp(`"${field}":(-?\\d+)`))?.[1];
  const got = { bets: digits('bets'), wins: digits('wins'), bet_count: digits('bet_count') };
  const want = { bets: direct.bets, wins: direct.wins, bet_count: direct.bet_count };
  if (JSON.stringify(got) !== JSON.stringify(want))
    failures.push(`30-day totals ${JSON.stringify(got)} differ from the actions' ${JSON.stringify(want)}`);
}

/** The wire game of aggregator game n: 50 games over 5 providers. */
function wireGame(n: number): string {
  return `prov${n % REPORTS_PROVIDERS}:game${n}`;
}

class Filler {
  private next_id = 0;
  private counts = { actions: 0, aggregator_requests: 0, casino_callbacks: 0, rollbacks: 0 };

  constructor(
    private readonly options: ReportsBenchOptions,
    private readonly players: string[],
    private readonly pool: Pool,
    private readonly sql: Sql,
    private readonly run_id: string,
    private readonly rng: Rng,
  ) {}

  private id(tag: string): string {
    this.next_id += 1;
    return `${this.run_id}.${tag}.${this.next_id}`;
  }

  async run(say: (line: string) => void, signal?: AbortSignal): Promise<ReportsBenchReport['fill']> {
    const started_ms = Date.now();
    // Everything written from this hour on is moved back after each slice; moved data lies before it.
    const fill_hour_ms = Math.floor(started_ms / HOUR_MS) * HOUR_MS;
    const spread_from_ms = fill_hour_ms - REPORTS_SPREAD_HOURS * HOUR_MS;
    const per_slice = Math.ceil(this.options.prefill_actions / REPORTS_SPREAD_HOURS);
    for (let slice = 0; slice < REPORTS_SPREAD_HOURS && this.counts.actions < this.options.prefill_actions; slice++) {
      if (signal?.aborted) break;
      const slice_start_hour_ms = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
      await this.slice(Math.min(per_slice, this.options.prefill_actions - this.counts.actions));
      await moveBack(this.sql, fill_hour_ms, (slice_start_hour_ms - (spread_from_ms + slice * HOUR_MS)) / HOUR_MS);
      if (slice % 24 === 23)
        say(
          `filled ${slice + 1} of ${REPORTS_SPREAD_HOURS} hours: ${this.counts.actions} actions, ${Math.round((Date.now() - started_ms) / 1000)} s`,
        );
    }
    return {
      ...this.counts,
      seconds: (Date.now() - started_ms) / 1000,
      spread_from: new Date(spread_from_ms).toISOString(),
      spread_to: new Date(fill_hour_ms).toISOString(),
    };
  }

  private async slice(actions: number): Promise<void> {
    const casino_actions = Math.floor((actions * REPORTS_CASINO_PERCENT) / 100);
    const aggregator_requests: string[] = [];
    for (let left = actions - casino_actions; left > 0;) {
      const body = this.aggregatorBody(Math.min(left, 100));
      aggregator_requests.push(body.text);
      left -= body.actions;
    }
    const casino_rounds = await this.casinoRounds(casino_actions);
    const jobs: (() => Promise<void>)[] = [
      ...aggregator_requests.map(
        (text) => () =>
          this.send(AGGREGATOR_PATH, text, { authorization: authorizationFor(this.options.aggregator_secret, text) }),
      ),
      ...casino_rounds.map((calls) => async () => {
        for (const [path, text] of calls)
          await this.send(path, text, { 'x-casino-signature': hmacSha256Hex(this.options.casino_secret, text) });
      }),
    ];
    await mapLimited(jobs, REPORTS_FILL_CONCURRENCY, (job) => job());
    this.counts.aggregator_requests += aggregator_requests.length;
  }

  private async send(path: string, text: string, headers: Record<string, string>): Promise<void> {
    const reply = await post(this.pool, path, text, headers, REPORT_TIMEOUT_MS);
    if (reply.status !== 200) throw new Error(`${path} answered ${reply.status}: ${reply.text.slice(0, 200)}`);
  }

  /** One request of up to `actions_max` actions: bet + win rounds of one player and game, some rolled back. */
  private aggregatorBody(actions_max: number): { text: string; actions: number } {
    const player = this.players[this.rng.below(this.players.length)];
    const actions: object[] = [];
    while (actions.length + 3 <= Math.max(actions_max, 3)) {
      const bet = { action: 'bet', action_id: this.id('b'), amount: 1 + this.rng.below(1000) };
      const roll = this.rng.below(100);
      if (roll < REPORTS_PRE_ROLLBACK_PERCENT) {
        actions.push({ action: 'rollback', action_id: this.id('r'), original_action_id: bet.action_id }, bet);
      } else if (roll < REPORTS_PRE_ROLLBACK_PERCENT + REPORTS_ROLLBACK_PERCENT) {
        actions.push(bet, { action: 'rollback', action_id: this.id('r'), original_action_id: bet.action_id });
      } else {
        actions.push(bet, { action: 'win', action_id: this.id('w'), amount: this.rng.below(2 * bet.amount + 1) });
        continue;
      }
      this.counts.rollbacks += 1;
    }
    this.counts.actions += actions.length;
    const game = wireGame(this.rng.below(REPORTS_GAMES));
    const text = JSON.stringify({
      user_id: player,
      currency: 'USD',
      game,
      game_id: this.id('g'),
      finished: true,
      actions,
    });
    return { text, actions: actions.length };
  }

  /** Fresh sessions for a few players, then debit + credit (or debit + rollback) rounds: [path, body] per call. */
  private async casinoRounds(actions: number): Promise<[string, string][][]> {
    if (actions < 2) return [];
    const sessions = await Promise.all(
      Array.from({ length: REPORTS_CASINO_PLAYERS_PER_SLICE }, async () => {
        const user = this.players[this.rng.below(this.players.length)];
        const launch = JSON.stringify({ userId: user, gameId: String(1 + this.rng.below(2)), currency: 'USD' });
        const reply = await post(
          this.pool,
          '/casino/launchGame',
          launch,
          { authorization: `Bearer ${this.options.admin_api_key}` },
          REPORT_TIMEOUT_MS,
        );
        if (reply.status !== 200) throw new Error(`launchGame answered ${reply.status}: ${reply.text.slice(0, 200)}`);
        return { sessionToken: JSON.parse(reply.text).sessionToken as string, userId: user, currency: 'USD' };
      }),
    );
    const rounds: [string, string][][] = [];
    for (let i = 0; i + 2 <= actions; i += 2) {
      const session = sessions[this.rng.below(sessions.length)];
      const roundId = this.id('round');
      const debit = { ...session, externalTransactionId: this.id('d'), roundId, amount: 1 + this.rng.below(1000) };
      const second =
        this.rng.below(100) < REPORTS_ROLLBACK_PERCENT
          ? ([
              '/casino/rollback',
              { ...session, externalTransactionId: this.id('r'), originalTransactionId: debit.externalTransactionId },
            ] as const)
          : ([
              '/casino/credit',
              {
                ...session,
                externalTransactionId: this.id('c'),
                roundId,
                amount: this.rng.below(2 * debit.amount + 1),
              },
            ] as const);
      if (second[0] === '/casino/rollback') this.counts.rollbacks += 1;
      rounds.push([
        ['/casino/debit', JSON.stringify(debit)],
        [second[0], JSON.stringify(second[1])],
      ]);
    }
    this.counts.casino_callbacks += rounds.length * 2;
    this.counts.actions += rounds.length * 2;
    return rounds;
  }
}

/**
 * Moves everything written since `since_ms` back by `hours` whole hours: the actions of both surfaces,
 * and their rollup rows merged into the rows of their new hour (a slice that crossed an hour boundary
 * meets the next slice's first hour there).
 */
async function moveBack(sql: Sql, since_ms: number, hours: number): Promise<void> {
  const since = new Date(since_ms);
  await sql.begin(async (tx) => {
    // The slice's rollup events still pending (migration 046) join their hour rows first: only hour rows move.
    await tx`select game_rollups_fold_pending(true)`;
    await tx`update aggregator_actions set created_at = created_at - make_interval(hours => ${hours}) where created_at >= ${since}`;
    await tx`update seamless_transactions set created_at = created_at - make_interval(hours => ${hours}) where created_at >= ${since}`;
    await tx`
      insert into game_rollups as r (player, currency, hour_start, surface, provider, game, actions, bet_count, win_count, bets_minor, wins_minor,
        rolled_back_bets_minor, rolled_back_wins_minor, bonus_bets_minor, bonus_wins_minor)
      select player, currency, hour_start - make_interval(hours => ${hours}), surface, provider, game, actions, bet_count, win_count, bets_minor,
             wins_minor, rolled_back_bets_minor, rolled_back_wins_minor, bonus_bets_minor, bonus_wins_minor
      from game_rollups where hour_start >= ${since}
      on conflict (player, currency, hour_start, surface, provider, game) do update set
        actions = r.actions + excluded.actions, bet_count = r.bet_count + excluded.bet_count, win_count = r.win_count + excluded.win_count,
        bets_minor = r.bets_minor + excluded.bets_minor, wins_minor = r.wins_minor + excluded.wins_minor,
        rolled_back_bets_minor = r.rolled_back_bets_minor + excluded.rolled_back_bets_minor,
        rolled_back_wins_minor = r.rolled_back_wins_minor + excluded.rolled_back_wins_minor,
        bonus_bets_minor = r.bonus_bets_minor + excluded.bonus_bets_minor, bonus_wins_minor = r.bonus_wins_minor + excluded.bonus_wins_minor`;
    await tx`delete from game_rollups where hour_start >= ${since}`;
  });
}

const SHAPES: { endpoint: 'games' | 'ngr'; group_by: string }[] = [
  { endpoint: 'games', group_by: '' },
  { endpoint: 'games', group_by: 'day' },
  { endpoint: 'games', group_by: 'provider' },
  { endpoint: 'games', group_by: 'game' },
  { endpoint: 'games', group_by: 'player' },
  { endpoint: 'games', group_by: 'day,provider,game,player' },
  { endpoint: 'ngr', group_by: 'day' },
  { endpoint: 'ngr', group_by: 'player' },
];

const WINDOWS = [
  { name: 'hour', hours: 1 },
  { name: 'day', hours: 24 },
  { name: '30 days', hours: REPORTS_SPREAD_HOURS },
] as const;

/** An unaligned window is the aligned one moved back by 42 min 46.5 s: both ends cut an hour, away from its middle. */
const UNALIGNED_SHIFT_MS = -(42 * 60_000 + 46_500);

async function timeShapes(
  pool: Pool,
  options: ReportsBenchOptions,
  spread_from_ms: number,
  rng: Rng,
  failures: string[],
  say: (line: string) => void,
): Promise<ShapeResult[]> {
  const results: ShapeResult[] = [];
  for (const window of WINDOWS) {
    for (const aligned of [true, false]) {
      for (const shape of SHAPES) {
        results.push(await timeShape(pool, options, shape, window, aligned, spread_from_ms, rng, failures));
        const last = results[results.length - 1];
        say(
          `${shape.endpoint} ${shape.group_by || '(none)'} ${window.name} ${aligned ? 'aligned' : 'unaligned'}: p50 ${last.p50_ms} ms, p99 ${last.p99_ms} ms`,
        );
      }
    }
  }
  return results;
}

async function timeShape(
  pool: Pool,
  options: ReportsBenchOptions,
  shape: (typeof SHAPES)[number],
  window: (typeof WINDOWS)[number],
  aligned: boolean,
  spread_from_ms: number,
  rng: Rng,
  failures: string[],
): Promise<ShapeResult> {
  const histogram = new LatencyHistogram();
  let rows = 0;
  for (let i = 0; i <= options.samples; i++) {
    // A random placement inside the 30 days (hours and days on their boundaries), so no answer is cached.
    const slots = REPORTS_SPREAD_HOURS / window.hours;
    const from_ms = spread_from_ms + rng.below(slots) * window.hours * HOUR_MS + (aligned ? 0 : UNALIGNED_SHIFT_MS);
    const query = new URLSearchParams({
      from: new Date(from_ms).toISOString(),
      to: new Date(from_ms + window.hours * HOUR_MS).toISOString(),
      limit: '100',
    });
    if (shape.group_by) query.set('group_by', shape.group_by);
    const started = process.hrtime.bigint();
    const response = await pool.request({
      path: `/v1/reports/${shape.endpoint}?${query}`,
      method: 'GET',
      headers: { authorization: `Bearer ${options.admin_api_key}` },
      headersTimeout: REPORT_TIMEOUT_MS,
      bodyTimeout: REPORT_TIMEOUT_MS,
    });
    const text = await response.body.text();
    const elapsed_us = Number((process.hrtime.bigint() - started) / 1000n);
    if (response.statusCode !== 200) {
      failures.push(`${shape.endpoint}?${query} answered ${response.statusCode}: ${text.slice(0, 200)}`);
      continue;
    }
    rows = JSON.parse(text).pagination.total;
    if (i > 0) histogram.record(elapsed_us); // the first request of a shape warms up, untimed
  }
  const ms = (us: number) => Math.round(us / 100) / 10;
  const empty = histogram.count === 0;
  return {
    endpoint: shape.endpoint,
    group_by: shape.group_by,
    window: window.name,
    aligned,
    samples: histogram.count,
    p50_ms: empty ? 0 : ms(histogram.percentile(50)),
    p99_ms: empty ? 0 : ms(histogram.percentile(99)),
    max_ms: ms(histogram.max_us),
    rows,
  };
}

/** The figures as a text table, one line per shape. */
export function formatReportsBench(report: ReportsBenchReport): string {
  const f = report.fill;
  const lines = [
    `croupier bench --workload reports (run ${report.run_id}, ${report.database})`,
    `fill: ${f.actions} actions (${f.aggregator_requests} aggregator requests, ${f.casino_callbacks} casino callbacks, ${f.rollbacks} rollbacks) in ${f.seconds.toFixed(0)} s, spread over ${f.spread_from} .. ${f.spread_to}`,
    `rows: ${Object.entries(report.table_rows)
      .map(([table, n]) => `${table} ${n}`)
      .join(', ')}`,
    '',
    '| endpoint | group_by | window | aligned | p50 ms | p99 ms | max ms | rows |',
    '|---|---|---|---|---:|---:|---:|---:|',
    ...report.shapes.map(
      (s) =>
        `| ${s.endpoint} | ${s.group_by || '(none)'} | ${s.window} | ${s.aligned ? 'yes' : 'no'} | ${s.p50_ms.toFixed(1)} | ${s.p99_ms.toFixed(1)} | ${s.max_ms.toFixed(1)} | ${s.rows} |`,
    ),
  ];
  if (report.failures.length > 0)
    lines.push('', `FAILURES (${report.failures.length}):`, ...report.failures.slice(0, 20));
  return lines.join('\n');
}
