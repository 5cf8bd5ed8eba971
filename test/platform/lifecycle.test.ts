import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/db/free-port.ts';

/**
 * The real command on the real embedded PostgreSQL (no DATABASE_URL): start within 15 s, graceful
 * shutdown on SIGTERM, data kept across restarts, recovery after SIGKILL leaves an orphaned postmaster,
 * and `croupier verify` joining a running server's database.
 */
const BIN = path.resolve('bin/croupier.js');

function environment(data_dir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CROUPIER_DATA_DIR: data_dir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  return env;
}

async function waitReady(port: number, timeout_ms: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeout_ms) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/ready`);
      if (r.status === 200) return Date.now() - started;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready within ${timeout_ms} ms`);
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
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
    let server = spawn(process.execPath, [BIN, 'start'], { env: environment(data_dir, port), stdio: 'ignore' });
    const ready_ms = await waitReady(port, 15_000);
    assert.ok(ready_ms < 15_000);
    assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);

    // verify joins the running server's PostgreSQL as a guest and leaves it running.
    const verify = spawnSync(process.execPath, [BIN, 'verify'], { env: environment(data_dir, port), encoding: 'utf8' });
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /Result: PASS/);
    assert.equal((await fetch(`http://127.0.0.1:${port}/ready`)).status, 200);

    // A corrupted balance makes verify exit 1 (and the report say FAIL).
    const victim = spawnSync(process.execPath, ['--import', 'tsx', '-e', `
      import postgres from 'postgres';
      const port = JSON.parse((await import('node:fs')).readFileSync(${JSON.stringify(path.join(data_dir, 'croupier-owner.json'))}, 'utf8')).port;
      const sql = postgres('postgres://postgres:croupier@127.0.0.1:' + port + '/postgres');
      await sql\`update accounts set balance_minor = balance_minor + 1 where id = (select min(id) from accounts)\`;
      await sql.end();`], { encoding: 'utf8' });
    assert.equal(victim.status, 0, victim.stderr);
    const failing = spawnSync(process.execPath, [BIN, 'verify'], { env: environment(data_dir, port), encoding: 'utf8' });
    assert.equal(failing.status, 1, failing.stdout + failing.stderr);
    assert.match(failing.stdout, /Result: FAIL/);

    // Graceful: SIGTERM → exit 0, PostgreSQL stopped with it.
    const pg_pid = postmasterPid(data_dir)!;
    server.kill('SIGTERM');
    assert.equal(await exited(server), 0);
    assert.throws(() => process.kill(pg_pid, 0));

    // Restart on the kept data, then SIGKILL: the postmaster is orphaned and the next start recovers.
    server = spawn(process.execPath, [BIN, 'start'], { env: environment(data_dir, port), stdio: 'ignore' });
    await waitReady(port, 15_000);
    const orphan = postmasterPid(data_dir)!;
    server.kill('SIGKILL');
    await exited(server);
    assert.doesNotThrow(() => process.kill(orphan, 0), 'postmaster outlives a SIGKILLed server');
    server = spawn(process.execPath, [BIN, 'start'], { env: environment(data_dir, port), stdio: 'ignore' });
    await waitReady(port, 20_000);
    assert.notEqual(postmasterPid(data_dir), orphan);
    server.kill('SIGINT');
    assert.equal(await exited(server), 0);
  } finally {
    const pid = postmasterPid(data_dir);
    if (pid) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    fs.rmSync(data_dir, { recursive: true, force: true });
  }
});

test('a wrong configuration value stops start-up with a clear message', () => {
  const result = spawnSync(process.execPath, [BIN, 'start'], { env: { ...process.env, PORT: 'nope' }, encoding: 'utf8' });
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
