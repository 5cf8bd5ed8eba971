/**
 * `npm test`: one PostgreSQL for the whole suite — DATABASE_URL when set, otherwise an embedded
 * cluster in a temporary directory — then node's test runner over every *.test.ts file. Each test
 * file creates its own database on that server, so files run in parallel without sharing state.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbedded } from '../src/db/embedded.ts';
import { createLogger } from '../src/platform/logger.ts';

function findTests(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: false })
    .map(String)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join(dir, f))
    .sort();
}

const filters = process.argv.slice(2);
const files = [...findTests('src'), ...findTests('test')].filter(
  (f) => filters.length === 0 || filters.some((x) => f.includes(x)),
);
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'test-db');
let admin_url = process.env.DATABASE_URL;
let stop = async () => {};
let data_dir: string | undefined;
let socket_dir: string | undefined;
if (!admin_url) {
  data_dir = fs.mkdtempSync(path.join(os.tmpdir(), 'croupier-test-'));
  fs.chmodSync(data_dir, 0o755);
  // A Unix socket as well as TCP, so the `?host=/dir` form of DATABASE_URL is tested for real.
  socket_dir = path.join(data_dir, 'socket');
  fs.mkdirSync(socket_dir, { mode: 0o777 });
  fs.chmodSync(socket_dir, 0o777);
  // A throwaway cluster: durability settings off for speed (the durability tests kill processes,
  // not the machine, so they do not depend on fsync).
  const db = await startEmbedded({
    data_dir,
    logger,
    settings: {
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '300',
      unix_socket_directories: socket_dir,
    },
  });
  admin_url = db.url;
  stop = db.stop;
}

const concurrency = Number(process.env.TEST_CONCURRENCY ?? 2);
// A bound on every test: a failing bare assert.ok in a tsx-compiled file can make node spin while
// it rebuilds the message from source; a timeout turns that hang into a failure.
const test_timeout_ms = Number(process.env.TEST_TIMEOUT_MS ?? 300_000);
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${test_timeout_ms}`, ...files],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      CROUPIER_TEST_ADMIN_URL: admin_url,
      ...(socket_dir ? { CROUPIER_TEST_SOCKET_DIR: socket_dir } : {}),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    },
  },
);
const code: number = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
await stop();
if (data_dir) fs.rmSync(data_dir, { recursive: true, force: true });
process.exit(code);
