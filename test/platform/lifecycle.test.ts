import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/db/free-port.ts';
import { spawnNode } from '../../src/platform/child-process.ts';

/**
 * The real command on the real embedded PostgreSQL (no DATABASE_URL): start within 15 s, graceful
 * shutdown on SIGTERM, data kept across restarts, recovery after SIGKILL leaves an orphaned postmaster,
 * and `croupier verify` joining a running server's database.
 */
const BIN = path.resolve('bin/croupier.js');

function environment(data_dir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CROUPIER_DATA_DIR: data_dir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  return env;
}

/** `croupier start` on the data directory, once /ready answers; fails if that takes over `ready_timeout_ms`. */
function start(data_dir: string, port: number, ready_timeout_ms = 30_000) {
  return spawnNode({
    name: 'croupier',
    args: [BIN, 'start'],
    env: environment(data_dir, port),
    port,
    ready_timeout_ms,
  });
}

function postmasterPid(data_dir: string): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(data_dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

test('start, restart, SIGKILL recovery and verify on the embedded database', { timeout: 120_000 }, async () => {
  const data_dir = fs.mkdtempSync(path.join(os.tmpdir(), 'croupier-life-'));
  fs.chmodSync(data_dir, 0o755);
  try {
    const port = await freePort();
    // Ready within 30 s on a fresh data directory, initdb included, even with the suite's other file running beside it (start() fails past that).
    let server = await start(data_dir, port);
    assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);

    // verify joins the running server's PostgreSQL as a guest and leaves it running.
    const verify = spawnSync(process.execPath, [BIN, 'verify'], { env: environment(data_dir, port), encoding: 'utf8' });
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /Result: PASS/);
    assert.equal((await fetch(`http://127.0.0.1:${port}/ready`)).status, 200);

    // A corrupted balance makes verify exit 1 (and the report say FAIL).
    const victim = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `
      import postgres from 'postgres';
      const port = JSON.parse((await import('node:fs')).readFileSync(${JSON.stringify(path.join(data_dir, 'croupier-owner.json'))}, 'utf8')).port;
      const sql = postgres('postgres://postgres:croupier@127.0.0.1:' + port + '/postgres');
      await sql\`update accounts set balance_minor = balance_minor + 1 where id = (select min(id) from accounts)\`;
      await sql.end();`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(victim.status, 0, victim.stderr);
    const failing = spawnSync(process.execPath, [BIN, 'verify'], {
      env: environment(data_dir, port),
      encoding: 'utf8',
    });
    assert.equal(failing.status, 1, failing.stdout + failing.stderr);
    assert.match(failing.stdout, /Result: FAIL/);

    // Graceful: SIGTERM → exit 0, PostgreSQL stopped with it.
    const pg_pid = postmasterPid(data_dir)!;
    assert.equal(await server.kill('SIGTERM'), 0);
    assert.throws(() => process.kill(pg_pid, 0));

    // Restart on the kept data, then SIGKILL: the postmaster is orphaned and the next start recovers.
    server = await start(data_dir, port);
    const orphan = postmasterPid(data_dir)!;
    await server.kill('SIGKILL');
    assert.doesNotThrow(() => process.kill(orphan, 0), 'postmaster outlives a SIGKILLed server');
    server = await start(data_dir, port, 20_000);
    assert.notEqual(postmasterPid(data_dir), orphan);
    assert.equal(await server.kill('SIGINT'), 0);
  } finally {
    const pid = postmasterPid(data_dir);
    if (pid)
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    fs.rmSync(data_dir, { recursive: true, force: true });
  }
});

test(
  'a port in use stops start-up with one clear line, and the embedded PostgreSQL it started stops too',
  { timeout: 60_000 },
  async () => {
    const data_dir = fs.mkdtempSync(path.join(os.tmpdir(), 'croupier-busy-'));
    fs.chmodSync(data_dir, 0o755);
    const port = await freePort();
    const squatter = net.createServer().listen(port, '127.0.0.1');
    await once(squatter, 'listening');
    try {
      const result = spawnSync(process.execPath, [BIN, 'start'], {
        env: environment(data_dir, port),
        encoding: 'utf8',
        timeout: 50_000,
      });
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, new RegExp(`croupier start: port ${port} on 127\\.0\\.0\\.1 is already in use`));
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      const pid = postmasterPid(data_dir);
      if (pid !== undefined) assert.throws(() => process.kill(pid, 0), 'the embedded PostgreSQL is not left running');
    } finally {
      squatter.close();
      const pid = postmasterPid(data_dir);
      if (pid)
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      fs.rmSync(data_dir, { recursive: true, force: true });
    }
  },
);

test('a wrong configuration value stops start-up with a clear message', () => {
  const result = spawnSync(process.execPath, [BIN, 'start'], {
    env: { ...process.env, PORT: 'nope' },
    encoding: 'utf8',
  });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /configuration error: PORT must be an integer/);
});

test('every command has --help', () => {
  for (const command of ['start', 'migrate', 'seed', 'verify', 'simulate', 'bench']) {
    const result = spawnSync(process.execPath, [BIN, command, '--help'], { encoding: 'utf8' });
    assert.equal(result.status, 0, command);
    assert.match(result.stdout, /Usage: croupier/);
  }
  assert.match(spawnSync(process.execPath, [BIN, 'start', '--help'], { encoding: 'utf8' }).stdout, /DATABASE_URL/);
});
