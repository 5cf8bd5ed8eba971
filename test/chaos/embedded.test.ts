import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, type Child } from '../../src/platform/child-process.ts';
import { freePort } from '../../src/db/free-port.ts';
import { LEDGER_WAIT_MAX_MS } from '../../src/platform/limits.ts';
import {
  BIN,
  environment,
  Load,
  postgresProcesses,
  postmaster,
  replayAndVerify,
  sleep,
  startServer,
  tally,
} from './support.ts';

/**
 * Faults of the embedded PostgreSQL under a real `croupier start` (the measurements, as tests).
 * One data directory and one server for the file; each scenario ends with the journal replay and
 * verifyLedger. Only processes this file started are signalled (found through its data directory).
 */
/** Longest answer while the database is down or hung: the writer's wait deadline plus scheduling slack. */
const ANSWER_MAX_MS = LEDGER_WAIT_MAX_MS + 2_500;
const RECOVERY_MAX_MS = 30_000;
const KILLS = 3;
const HANG_MS = LEDGER_WAIT_MAX_MS + 3_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function assertNoStack(output: string): void {
  assert.doesNotMatch(
    output,
    /\n\s+at .+\(.+:\d+:\d+\)|TypeError|Cannot read properties/,
    'no stack trace or driver exception in the output',
  );
}

describe('embedded PostgreSQL faults under load', () => {
  let data_dir: string;
  let server: Child;
  const lines: string[] = [];
  before(async () => {
    data_dir = fs.mkdtempSync(path.join(os.tmpdir(), 'croupier-chaos-'));
    fs.chmodSync(data_dir, 0o755);
    server = await startServer(data_dir, lines);
  });
  after(async () => {
    if (server && !server.exited()) await server.kill('SIGKILL');
    try {
      for (const pid of postgresProcesses(data_dir)) process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    fs.rmSync(data_dir, { recursive: true, force: true });
  });

  test(
    `postmaster SIGKILLed ${KILLS} times under 16 connections of signed bets: the server lives, answers 503 within ${ANSWER_MAX_MS} ms, recovers within ${RECOVERY_MAX_MS} ms`,
    { timeout: 150_000 },
    async (t) => {
      const load = new Load(server.url);
      await load.fund();
      load.start();
      try {
        for (let kill = 1; kill <= KILLS; kill++) {
          await sleep(1_000);
          const { pid } = postmaster(data_dir);
          const killed_at = performance.now();
          process.kill(pid, 'SIGKILL');
          const recovery_ms = await load.recovered(killed_at + 100, RECOVERY_MAX_MS);
          assert.ok(!server.exited(), `the server died after kill ${kill}:\n${server.output()}`);
          assert.notEqual(postmaster(data_dir).pid, pid, 'a new postmaster');
          const during = load.answeredSince(killed_at);
          t.diagnostic(
            `kill ${kill}: recovered in ${Math.round(recovery_ms)} ms; answers since the kill ${JSON.stringify(tally(during))}`,
          );
        }
      } finally {
        await load.stop();
      }
      const slowest = Math.max(...load.items.map((i) => i.elapsed_ms ?? Infinity));
      t.diagnostic(
        `${load.items.length} requests, ${JSON.stringify(tally(load.items))}, slowest answer ${Math.round(slowest)} ms`,
      );
      assert.ok(
        load.items.every((i) => i.status === 200 || i.status === 503),
        `only 200 and 503: ${JSON.stringify(tally(load.items))}`,
      );
      assert.ok(slowest < ANSWER_MAX_MS, `slowest answer ${Math.round(slowest)} ms`);
      const replay = await replayAndVerify(server.url, data_dir, load);
      t.diagnostic(`replayed ${replay.sent}, ${replay.acked} acknowledged before`);
      assertNoStack(lines.join('\n'));
    },
  );

  test(
    `every PostgreSQL process SIGSTOPped for ${HANG_MS} ms under load: requests answer 503 within ${ANSWER_MAX_MS} ms, all succeed again after SIGCONT`,
    { timeout: 90_000 },
    async (t) => {
      const load = new Load(server.url);
      await load.fund();
      load.start();
      const stopped = postgresProcesses(data_dir);
      try {
        await sleep(1_000);
        const hung_at = performance.now();
        for (const pid of stopped) process.kill(pid, 'SIGSTOP');
        await sleep(HANG_MS);
        for (const pid of stopped) process.kill(pid, 'SIGCONT');
        const resumed_at = performance.now();
        // In flight when it hung, or sent while it was hung.
        const during = load.items.filter(
          (i) => i.sent_at_ms < resumed_at && (i.elapsed_ms === undefined || i.sent_at_ms + i.elapsed_ms > hung_at),
        );
        const recovery_ms = await load.recovered(resumed_at, RECOVERY_MAX_MS);
        await sleep(500);
        t.diagnostic(
          `sent while hung: ${JSON.stringify(tally(during))}; recovered ${Math.round(recovery_ms)} ms after SIGCONT`,
        );
        assert.ok(
          during.some((i) => i.status === 503),
          'some requests were refused while the database hung',
        );
        const slowest = Math.max(...during.map((i) => i.elapsed_ms ?? Infinity));
        t.diagnostic(`slowest answer ${Math.round(slowest)} ms`);
        assert.ok(slowest < ANSWER_MAX_MS, `answered within the bound while hung (slowest ${Math.round(slowest)} ms)`);
      } finally {
        for (const pid of stopped)
          try {
            process.kill(pid, 'SIGCONT');
          } catch {
            /* gone */
          }
        await load.stop();
      }
      assert.ok(!server.exited(), server.output());
      await replayAndVerify(server.url, data_dir, load);
    },
  );

  test('postmaster SIGKILLed while idle: restarted and ready again within 30 s', { timeout: 60_000 }, async () => {
    const { pid } = postmaster(data_dir);
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + RECOVERY_MAX_MS;
    let ready = false;
    while (!ready && Date.now() < deadline) {
      await sleep(250);
      ready = await fetch(`${server.url}/ready`, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.status === 200,
        () => false,
      );
    }
    assert.ok(ready, '/ready answers 200 again');
    assert.notEqual(postmaster(data_dir).pid, pid);
    const load = new Load(server.url, 2, 2);
    await load.fund();
    await replayAndVerify(server.url, data_dir, load);
  });

  test(
    'a second croupier start on the same data directory is refused with one line and exit code 1; the first keeps serving',
    { timeout: 60_000 },
    async () => {
      const result = spawnSync(process.execPath, [BIN, 'start'], {
        env: environment(data_dir, await freePort()),
        encoding: 'utf8',
        timeout: 50_000,
      });
      assert.equal(result.status, 1, result.stdout + result.stderr);
      assert.match(
        result.stderr,
        new RegExp(
          `^croupier start: the data directory .+ is in use by croupier process ${server.pid}; run several processes against one database with DATABASE_URL\\n$`,
        ),
      );
      assertNoStack(result.stderr);
      const load = new Load(server.url, 1, 1);
      await load.fund();
      await replayAndVerify(server.url, data_dir, load);
    },
  );

  test(
    'SIGINT under load: in-flight requests finish, exit code 0, no stack trace; the journal replays on the next start',
    { timeout: 90_000 },
    async (t) => {
      const load = new Load(server.url);
      await load.fund();
      load.start();
      await sleep(1_500);
      const output_from = lines.length;
      const code = await server.kill('SIGINT');
      await load.stop();
      const output = lines.slice(output_from).join('\n');
      t.diagnostic(`answers: ${JSON.stringify(tally(load.items))}`);
      assert.equal(code, 0, output);
      assertNoStack(output);
      assert.ok(
        load.items.every((i) => i.status === 200 || i.status === 503 || i.failure?.includes('fetch failed')),
        `only 200, 503 or refused: ${JSON.stringify(tally(load.items))}`,
      );
      server = await startServer(data_dir, lines);
      await replayAndVerify(server.url, data_dir, load);
      assert.equal(await server.kill('SIGTERM'), 0);
    },
  );

  test(
    'Ctrl-C in a terminal under `npm run croupier -- start` (SIGINT to the whole process group, forwarded by npm too): the server finishes and stops its database, no stack trace',
    { timeout: 90_000 },
    async (t) => {
      const port = await freePort();
      const npm = spawn(
        process.platform === 'win32' ? 'npm.cmd' : 'npm',
        ['run', '--silent', 'croupier', '--', 'start'],
        {
          cwd: REPO_ROOT,
          env: environment(data_dir, port),
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      npm.stdout!.on('data', (c: Buffer) => (output += c.toString()));
      npm.stderr!.on('data', (c: Buffer) => (output += c.toString()));
      const group_alive = () => {
        try {
          process.kill(-npm.pid!, 0);
          return true;
        } catch {
          return false;
        }
      };
      try {
        const url = `http://127.0.0.1:${port}`;
        const deadline = Date.now() + 60_000;
        while (
          !(await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) }).then(
            (r) => r.status === 200,
            () => false,
          ))
        ) {
          assert.ok(Date.now() < deadline && npm.exitCode === null, `not ready: ${output}`);
          await sleep(200);
        }
        // npm runs `sh -c node …`: croupier is the grandchild; the owner file names it.
        const croupier_pid = JSON.parse(fs.readFileSync(path.join(data_dir, 'croupier-owner.json'), 'utf8'))
          .pid as number;
        const pg = postmaster(data_dir).pid;
        const load = new Load(url);
        await load.fund();
        load.start();
        await sleep(1_500);
        process.kill(-npm.pid!, 'SIGINT');
        // npm and sh exit at once on the signal; croupier finishes its requests first.
        const gone_by = Date.now() + 20_000;
        while (Date.now() < gone_by && (group_alive() || isAlive(croupier_pid))) await sleep(100);
        await load.stop();
        t.diagnostic(`answers: ${JSON.stringify(tally(load.items))}`);
        assert.ok(!isAlive(croupier_pid) && !isAlive(pg), 'croupier and its PostgreSQL exited');
        assert.ok(
          !fs.existsSync(path.join(data_dir, 'croupier-owner.json')),
          'graceful stop: the database was stopped and the owner file removed',
        );
        assertNoStack(output);
        assert.ok(
          load.items.filter((i) => i.status !== undefined).every((i) => i.status === 200 || i.status === 503),
          JSON.stringify(tally(load.items)),
        );
        server = await startServer(data_dir, lines);
        await replayAndVerify(server.url, data_dir, load);
        assert.equal(await server.kill('SIGTERM'), 0);
      } finally {
        if (group_alive()) process.kill(-npm.pid!, 'SIGKILL');
      }
    },
  );
});
