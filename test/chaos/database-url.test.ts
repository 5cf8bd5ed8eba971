import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnNode, type Child } from '../../src/platform/child-process.ts';
import { startEmbedded, type EmbeddedDatabase } from '../../src/db/embedded.ts';
import { freePort } from '../../src/db/free-port.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { LEDGER_WAIT_MAX_MS } from '../../src/platform/limits.ts';
import { BIN, Load, postmaster, replayAndVerify, tally } from './support.ts';

/**
 * With DATABASE_URL the database is not croupier's to restart: when it dies and comes back (here this
 * test's own supervised cluster restarts it on the same port), the server's pool reconnects by itself.
 */
const ANSWER_MAX_MS = LEDGER_WAIT_MAX_MS + 2_500;
const RECOVERY_MAX_MS = 30_000;

let data_dir: string;
let database: EmbeddedDatabase;
let server: Child | undefined;
before(async () => {
  data_dir = fs.mkdtempSync(path.join(os.tmpdir(), 'croupier-chaos-url-'));
  fs.chmodSync(data_dir, 0o755);
  database = await startEmbedded({ data_dir, logger: createLogger('silent'), settings: { fsync: 'off' } });
});
after(async () => {
  if (server && !server.exited()) await server.kill('SIGKILL');
  await database.stop();
  fs.rmSync(data_dir, { recursive: true, force: true });
});

test(
  `DATABASE_URL: the database SIGKILLed under load and back on the same port — the server lives, answers within ${ANSWER_MAX_MS} ms, its pool reconnects within ${RECOVERY_MAX_MS} ms`,
  { timeout: 90_000 },
  async (t) => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: database.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
    server = await spawnNode({ name: 'croupier', args: [BIN, 'start'], env, port, ready_timeout_ms: 60_000 });
    const load = new Load(server.url);
    await load.fund();
    load.start();
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      const killed_at = performance.now();
      process.kill(postmaster(data_dir).pid, 'SIGKILL');
      const recovery_ms = await load.recovered(killed_at + 100, RECOVERY_MAX_MS);
      await new Promise((r) => setTimeout(r, 500));
      t.diagnostic(
        `recovered in ${Math.round(recovery_ms)} ms; answers since the kill ${JSON.stringify(tally(load.answeredSince(killed_at)))}`,
      );
    } finally {
      await load.stop();
    }
    assert.ok(!server.exited(), server.output());
    const slowest = Math.max(...load.items.map((i) => i.elapsed_ms ?? Infinity));
    assert.ok(
      load.items.every((i) => i.status === 200 || i.status === 503),
      JSON.stringify(tally(load.items)),
    );
    assert.ok(slowest < ANSWER_MAX_MS, `slowest answer ${Math.round(slowest)} ms`);
    await replayAndVerify(server.url, data_dir, load);
    assert.equal(await server.kill('SIGTERM'), 0);
  },
);
