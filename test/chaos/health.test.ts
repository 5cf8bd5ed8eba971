import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { DatabaseProbe } from '../../src/db/health.ts';
import { freePort } from '../../src/db/free-port.ts';
import { DB_HEALTH_PROBE_TIMEOUT_MS } from '../../src/platform/limits.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

/** The /ready probe answers within its timeout whatever the database does. */
const ANSWER_MAX_MS = DB_HEALTH_PROBE_TIMEOUT_MS + 300;

async function timed(probe: DatabaseProbe) {
  const started = performance.now();
  const health = await probe.check();
  return { health, elapsed_ms: performance.now() - started };
}

describe('database health probe', () => {
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db.drop());

  test('a migrated, reachable database is reported reachable and current', async () => {
    const probe = new DatabaseProbe(db.url);
    try {
      const { health } = await timed(probe);
      assert.deepEqual(
        { reachable: health.reachable, current: health.migrations_current },
        { reachable: true, current: true },
      );
      // Concurrent calls share one probe.
      const all = await Promise.all(Array.from({ length: 20 }, () => probe.check()));
      assert.ok(all.every((h) => h.reachable));
    } finally {
      await probe.close();
    }
  });

  test('a refused connection is reported unreachable at once', async () => {
    const probe = new DatabaseProbe(`postgres://postgres:x@127.0.0.1:${await freePort()}/postgres`);
    const { health, elapsed_ms } = await timed(probe);
    await probe.close();
    assert.equal(health.reachable, false);
    assert.ok(elapsed_ms < ANSWER_MAX_MS, `${elapsed_ms} ms`);
  });

  test('a server that accepts but never answers is reported unreachable within the timeout, twice in a row', async () => {
    const sockets: net.Socket[] = [];
    const hung = net.createServer((s) => sockets.push(s)).listen(0, '127.0.0.1');
    await once(hung, 'listening');
    const probe = new DatabaseProbe(
      `postgres://postgres:x@127.0.0.1:${(hung.address() as net.AddressInfo).port}/postgres`,
    );
    try {
      for (let i = 0; i < 2; i++) {
        const { health, elapsed_ms } = await timed(probe);
        assert.equal(health.reachable, false);
        assert.ok(elapsed_ms < ANSWER_MAX_MS, `${elapsed_ms} ms`);
      }
    } finally {
      await probe.close();
      for (const s of sockets) s.destroy();
      hung.close();
    }
  });
});
