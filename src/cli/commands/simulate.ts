import { randomUUID } from 'node:crypto';
import { createSql } from '../../db/sql.ts';
import { fundPlayer } from '../../ledger/seed.ts';
import { playerAccount } from '../../ledger/types.ts';
import { formatReport, verifyLedger, type VerifyReport } from '../../ledger/verify.ts';
import { freePort } from '../../db/free-port.ts';
import type { Config } from '../../platform/config.ts';
import type { Logger } from '../../platform/logger.ts';
import { startServer, type Server } from '../../app/runtime.ts';
import { startProviderThread } from '../../app/provider-thread-host.ts';
import { GAMES } from '../../provider/games.ts';
import { DROP_RATE_MAX, SIMULATE_CLI_CONCURRENCY_MAX, SIMULATE_ROUNDS_MAX } from '../../provider/limits.ts';
import {
  balanceMatches,
  rtpInterval,
  runSimulation,
  type SimulationOptions,
  type SimulationResult,
} from '../../provider/simulation.ts';
import type { Command, Values } from '../command.ts';
import { amountToJson } from '../../platform/money.ts';
import { configOrExit } from '../shared.ts';
import { numberOption } from '../options.ts';
import {
  bonusBalanceMatches,
  bonusJson,
  bonusLines,
  bonusTotals,
  grantBonuses,
  readBonuses,
  type BonusSettings,
  type BonusTotals,
  type PlayerBonus,
} from './simulate-bonus.ts';

/** Money each simulated player starts with (USD minor units). */
const SIMULATE_FUNDING_MINOR = 1_000_000n;
const PLAYERS_MAX = 100_000;
const ROUNDS_MAX = 100_000_000;
/** Progress redraws on a terminal (≤ 10 a second) and plain lines otherwise. */
const PROGRESS_TTY_INTERVAL_MS = 100;
const PROGRESS_LINE_INTERVAL_MS = 5_000;
const PROGRESS_BAR_WIDTH = 30;
/** --bonus: the grant each player starts with instead of cash (100.00 USD, wagering ×1, expiring in an hour). */
const BONUS_AMOUNT_DEFAULT_MINOR = 10_000;
const BONUS_MULTIPLIER_DEFAULT = 1;
const BONUS_EXPIRES_DEFAULT_S = 3_600;
const BONUS_EXPIRES_MAX_S = 365 * 86_400;

/** The run's shape is the simulation's own; the command adds where to run it and how to report. */
type Settings = Pick<
  SimulationOptions,
  'players' | 'rounds' | 'games' | 'seed' | 'concurrency' | 'drop_rate' | 'chunk_rounds'
> & {
  url?: string;
  json: boolean;
  one_thread: boolean;
  /** --bonus: players start with this grant instead of cash. */
  bonus: BonusSettings | null;
};

function parse(values: Values): Settings {
  const game = String(values.game ?? 'all');
  if (game !== 'all' && !GAMES.some((g) => g.game_id === game))
    throw new Error(`--game must be ${GAMES.map((g) => g.game_id).join(', ')} or all, got ${game}`);
  const drop_rate = numberOption(values, 'drop-rate', 0, 0, DROP_RATE_MAX, false);
  const url = values.url === undefined ? undefined : String(values.url);
  if (url !== undefined && !URL.canParse(url)) throw new Error(`--url must be a URL, got ${url}`);
  const bonus_options = ['bonus-amount', 'wagering', 'max-conversion', 'bonus-expires-s'].filter(
    (o) => values[o] !== undefined,
  );
  if (values.bonus !== true && bonus_options.length > 0)
    throw new Error(`--${bonus_options[0]} needs --bonus (players start with a bonus instead of cash)`);
  const bonus: BonusSettings | null =
    values.bonus === true
      ? {
          amount_minor: BigInt(
            numberOption(values, 'bonus-amount', BONUS_AMOUNT_DEFAULT_MINOR, 1, Number.MAX_SAFE_INTEGER),
          ),
          multiplier: numberOption(values, 'wagering', BONUS_MULTIPLIER_DEFAULT, 1, 100),
          max_conversion_minor:
            values['max-conversion'] === undefined
              ? null
              : BigInt(numberOption(values, 'max-conversion', 0, 0, Number.MAX_SAFE_INTEGER)),
          expires_s: numberOption(values, 'bonus-expires-s', BONUS_EXPIRES_DEFAULT_S, 1, BONUS_EXPIRES_MAX_S),
        }
      : null;
  return {
    bonus,
    players: numberOption(values, 'players', 10, 1, PLAYERS_MAX),
    rounds: numberOption(values, 'rounds', 1_000, 1, ROUNDS_MAX),
    games: game === 'all' ? GAMES.map((g) => g.game_id) : [game],
    seed: numberOption(values, 'seed', 1, 0, Number.MAX_SAFE_INTEGER),
    concurrency: numberOption(values, 'concurrency', 128, 1, SIMULATE_CLI_CONCURRENCY_MAX),
    drop_rate,
    chunk_rounds: numberOption(values, 'chunk', 100, 1, SIMULATE_ROUNDS_MAX),
    url,
    json: values.json === true,
    one_thread: values['one-thread'] === true,
  };
}

/** A hand-written progress bar: redrawn in place on a terminal, plain lines in a log. */
function progress(stream: NodeJS.WriteStream): (done: number, total: number) => void {
  const started = performance.now();
  let last_ms = -Infinity;
  return (done, total) => {
    const now = performance.now();
    const interval = stream.isTTY ? PROGRESS_TTY_INTERVAL_MS : PROGRESS_LINE_INTERVAL_MS;
    if (done < total && now - last_ms < interval) return;
    last_ms = now;
    const rate = done / Math.max((now - started) / 1000, 0.001);
    const eta_s = rate > 0 ? Math.ceil((total - done) / rate) : 0;
    const share = total === 0 ? 1 : done / total;
    const text = `${done}/${total} rounds  ${Math.round(rate)} rounds/s  ETA ${eta_s}s`;
    if (!stream.isTTY) {
      stream.write(`simulate: ${(share * 100).toFixed(0)}% ${text}\n`);
      return;
    }
    const filled = Math.round(share * PROGRESS_BAR_WIDTH);
    stream.write(
      `\r[${'#'.repeat(filled)}${'-'.repeat(PROGRESS_BAR_WIDTH - filled)}] ${(share * 100).toFixed(1).padStart(5)}%  ${text}   ${done === total ? '\n' : ''}`,
    );
  };
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

function report(
  settings: Settings,
  result: SimulationResult,
  verify: VerifyReport | undefined,
  bonus?: { players: PlayerBonus[]; totals: BonusTotals },
): { text: string; passed: boolean; json: unknown } {
  const seconds = result.elapsed_ms / 1000;
  const rate = result.rounds_played / Math.max(seconds, 0.001);
  const lines = [
    `Simulated ${result.rounds_played} rounds for ${result.players.length} players in ${seconds.toFixed(1)} s: ${Math.round(rate)} rounds/s (concurrency ${settings.concurrency}, drop rate ${settings.drop_rate}, seed ${settings.seed})`,
  ];
  const games = result.games.map((g) => ({ ...g, rtp: rtpInterval(g) }));
  for (const g of games) {
    const configured = pct(g.configured_rtp_bp / 10_000);
    lines.push(
      g.rtp
        ? `  game ${g.game_id} ${g.name}: ${g.settled} settled rounds, bet ${g.bet_minor}, won ${g.win_minor} → RTP ${pct(g.rtp.measured)} (95 % CI ${pct(g.rtp.low)} – ${pct(g.rtp.high)}); configured ${configured}: ${g.rtp.contains_configured ? 'within the interval' : 'OUTSIDE the interval'}`
        : `  game ${g.game_id} ${g.name}: too few settled rounds for an RTP (configured ${configured})`,
    );
  }
  const sum = (f: (g: (typeof games)[number]) => number) => games.reduce((s, g) => s + f(g), 0);
  lines.push(
    `Callbacks: ${sum((g) => g.retries)} retries (${sum((g) => g.dropped)} answers dropped by fault injection), ${sum((g) => g.rollbacks)} rollbacks sent; rounds refused ${sum((g) => g.refused)}, rolled back ${sum((g) => g.rolled_back)}, unresolved ${sum((g) => g.unresolved)}`,
  );
  // With --bonus, the playable balance (cash + bonus) is checked, less what a capped conversion returned to the pool.
  const of_player = new Map(bonus?.players.map((b) => [b.user_id, b]));
  const checks = result.players.map((p) =>
    bonus ? bonusBalanceMatches(p, of_player.get(p.user_id)) : balanceMatches(p),
  );
  const matched = checks.filter((c) => c === true).length;
  const mismatched = checks.filter((c) => c === false).length;
  const failures = result.players.filter((p) => p.failure);
  lines.push(
    `Balances: ${matched} of ${result.players.length} players moved exactly as the provider's record says${mismatched ? `; ${mismatched} DO NOT` : ''}${checks.length - matched - mismatched ? `; ${checks.length - matched - mismatched} not checkable` : ''}`,
  );
  for (const p of failures.slice(0, 5)) lines.push(`  ${p.user_id}: ${p.failure}`);
  if (bonus) lines.push(...bonusLines(bonus.totals));
  lines.push(
    verify
      ? formatReport(verify)
      : "Ledger verify: skipped (no database access from here; run `croupier verify` against the server's database)",
  );
  const passed = mismatched === 0 && failures.length === 0 && (verify?.passed ?? true);
  const json = {
    rounds: result.rounds_played,
    players: result.players.length,
    seconds,
    rounds_per_second: rate,
    games: games.map(({ rtp, ...g }) => ({
      ...g,
      bet_minor: amountToJson(g.bet_minor),
      win_minor: amountToJson(g.win_minor),
      measured_rtp: rtp?.measured ?? null,
      ci95_low: rtp?.low ?? null,
      ci95_high: rtp?.high ?? null,
      configured_within_ci: rtp?.contains_configured ?? null,
    })),
    retries: sum((g) => g.retries),
    dropped: sum((g) => g.dropped),
    rollbacks: sum((g) => g.rollbacks),
    unresolved: sum((g) => g.unresolved),
    balances_matched: matched,
    balances_mismatched: mismatched,
    failures: failures.map((p) => ({ user_id: p.user_id, failure: p.failure })),
    bonus: bonus ? bonusJson(bonus.totals) : null,
    verify: verify ? { passed: verify.passed, accounts: verify.accounts, transfers: verify.transfers } : null,
    passed,
  };
  return { text: lines.join('\n'), passed, json };
}

/** Funding over the wallet API (SPEC §4) when the server is remote. */
async function fundOverHttp(url: string, admin_api_key: string, user_ids: string[]): Promise<void> {
  for (const user_id of user_ids) {
    const response = await fetch(new URL(`/v1/wallets/${encodeURIComponent(user_id)}/topup`, url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${admin_api_key}`,
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify({
        asset: 'USD',
        amount: amountToJson(SIMULATE_FUNDING_MINOR),
        description: 'croupier simulate',
      }),
    });
    if (!response.ok)
      throw new Error(
        `funding ${user_id} through POST /v1/wallets/{id}/topup answered ${response.status}: ${await response.text()}`,
      );
  }
}

interface Target {
  url: string;
  provider_url: string;
  server?: Server;
  stop(): Promise<void>;
}

/**
 * In-process: the casino on this thread and, unless --one-thread, the provider in a worker thread of
 * this process (a second event loop; they still talk only over HTTP). Remote: the given server.
 */
async function target(settings: Settings, config: Config, logger: Logger): Promise<Target> {
  if (settings.url) return { url: settings.url, provider_url: settings.url, stop: async () => {} };
  if (settings.one_thread) {
    const server = await startServer(config, logger);
    return { url: server.url, provider_url: server.url, server, stop: () => server.stop() };
  }
  const provider_port = await freePort();
  const provider_url = `http://127.0.0.1:${provider_port}`;
  const server = await startServer({ ...config, provider_url }, logger, new Set(['api']));
  try {
    const thread = await startProviderThread({
      DATABASE_URL: server.database_url,
      PORT: String(provider_port),
      HOST: '127.0.0.1',
      CASINO_URL: server.url,
      LOG_LEVEL: config.log_level,
    });
    return {
      url: server.url,
      provider_url: thread.url,
      server,
      stop: async () => {
        await thread.stop();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

async function run(settings: Settings): Promise<number> {
  const { config, logger } = configOrExit({
    PORT: '0',
    HOST: '127.0.0.1',
    ...(process.env.LOG_LEVEL ? {} : { LOG_LEVEL: 'warn' }),
  });
  const t = await target(settings, config, logger);
  try {
    const server = t.server;
    const bonus = settings.bonus;
    const fund = bonus
      ? (ids: string[]) => grantBonuses(t.url, config.admin_api_key, ids, 'USD', bonus)
      : server
        ? async (ids: string[]) => {
            for (const id of ids)
              await fundPlayer(server.ctx, playerAccount(id, 'USD'), SIMULATE_FUNDING_MINOR, `simulate:${id}`);
          }
        : (ids: string[]) => fundOverHttp(t.url, config.admin_api_key, ids);
    process.stderr.write(
      `simulate: ${settings.players} players, ${settings.rounds} rounds in total; casino ${t.url}, provider ${t.provider_url}\n`,
    );
    const result = await runSimulation({
      url: t.url,
      provider_url: t.provider_url,
      admin_api_key: config.admin_api_key,
      provider_secret: config.provider_secret,
      players: settings.players,
      rounds: settings.rounds,
      games: settings.games,
      seed: settings.seed,
      concurrency: settings.concurrency,
      drop_rate: settings.drop_rate,
      chunk_rounds: settings.chunk_rounds,
      currency: 'USD',
      fund,
      on_progress: progress(process.stderr),
    });
    let bonus_report: { players: PlayerBonus[]; totals: BonusTotals } | undefined;
    if (bonus) {
      const players = await readBonuses(
        t.url,
        config.admin_api_key,
        result.players.map((p) => p.user_id),
        'USD',
      );
      bonus_report = { players, totals: bonusTotals(bonus, players) };
    }
    const verify = await verifyOver(server, config.database_url);
    const out = report(settings, result, verify, bonus_report);
    process.stdout.write(`${settings.json ? JSON.stringify(out.json, null, 2) : out.text}\n`);
    return out.passed ? 0 : 1;
  } finally {
    await t.stop();
  }
}

/** In-process: the server's own pool. Remote: only when DATABASE_URL says where its database is. */
async function verifyOver(
  server: Server | undefined,
  database_url: string | undefined,
): Promise<VerifyReport | undefined> {
  if (server) return verifyLedger(server.ctx.sql);
  if (!database_url) return undefined;
  const sql = createSql(database_url, 2);
  try {
    return await verifyLedger(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary:
    'Play players × rounds through the real HTTP APIs with the simulated provider; prints rounds/s, measured vs configured RTP, verify',
  usage:
    'croupier simulate [--players N] [--rounds M] [--game 1|2|all] [--seed S] [--concurrency C] [--drop-rate R] [--chunk K] [--url URL] [--one-thread] [--bonus [--bonus-amount A] [--wagering W] [--max-conversion C] [--bonus-expires-s S]] [--json]',
  options: {
    players: {
      type: 'string',
      description: 'Simulated players, each funded with 10000.00 USD and launched once (default 10)',
    },
    rounds: { type: 'string', description: 'Rounds in TOTAL, spread evenly across the players (default 1000)' },
    game: {
      type: 'string',
      description: 'Game to play: 1 (slot, RTP 96 %), 2 (coin flip, RTP 98 %) or all (players alternate; default all)',
    },
    seed: { type: 'string', description: 'RNG seed; the same seed plays the same outcomes (default 1)' },
    concurrency: { type: 'string', description: 'Rounds in flight at once across all players (default 128)' },
    'drop-rate': {
      type: 'string',
      description: `Fault injection: fraction of callback answers the provider treats as lost, 0..${DROP_RATE_MAX} (default 0)`,
    },
    chunk: { type: 'string', description: 'Rounds per /provider/simulate request (default 100)' },
    url: {
      type: 'string',
      description:
        'Target a running server (API and provider roles); default: start one in this process (embedded database, or DATABASE_URL)',
    },
    'one-thread': {
      type: 'boolean',
      description:
        'In-process: run the provider on the main thread too (default: a worker thread, a second event loop)',
    },
    json: { type: 'boolean', description: 'Print the report as JSON' },
    bonus: {
      type: 'boolean',
      description:
        'Players start with a bonus (SPEC §5, granted through POST /v1/players/{id}/bonuses) instead of cash; the report adds wagered, converted, expired and forfeited totals',
    },
    'bonus-amount': {
      type: 'string',
      description: `--bonus: the grant, USD minor units (default ${BONUS_AMOUNT_DEFAULT_MINOR} = 100.00 USD)`,
    },
    wagering: {
      type: 'string',
      description: `--bonus: wagering multiplier 1..100; requirement = amount × multiplier (default ${BONUS_MULTIPLIER_DEFAULT})`,
    },
    'max-conversion': {
      type: 'string',
      description: '--bonus: most bonus money that becomes cash, minor units (default: no cap)',
    },
    'bonus-expires-s': {
      type: 'string',
      description: `--bonus: seconds until the grant expires (default ${BONUS_EXPIRES_DEFAULT_S}); a short one expires grants mid-run`,
    },
  },
  help_footer: () =>
    "Exit status 1 when the ledger does not verify, a player's balance differs from the provider's record, or a request failed.\nWith --url, players are funded through POST /v1/wallets/{id}/topup and the ledger is verified only when DATABASE_URL points at the server's database.\nWith --bonus, each player's playable balance (cash + bonus) is checked against the provider's record less what a capped conversion returned to the pool; a player whose bonus expired or was forfeited is not checkable (a win settled after that pays its bonus part to the pool).",
  async run(values) {
    let settings: Settings;
    try {
      settings = parse(values);
    } catch (error) {
      process.stderr.write(`croupier simulate: ${(error as Error).message}\n`);
      return 2;
    }
    return run(settings);
  },
};
