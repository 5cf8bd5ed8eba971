import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSql, type Sql } from '../../src/db/sql.ts';
import { freePort } from '../../src/db/free-port.ts';
import { spawnNode, type Child } from '../../src/platform/child-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { assertLedgerVerifies, batch, signature, uid, PROCESS } from './helpers.ts';

/**
 * SPEC §1 "acknowledged means durable" and exactly-once, with real processes: the server (and in the
 * second test its embedded PostgreSQL) is SIGKILLed while signed requests stream in; after a restart,
 * every request that was sent is replayed. Acknowledged requests must answer the same tx_ids, and each
 * balance must equal its funding plus every sent request's wins minus its bets, applied exactly once.
 */
const BIN = path.resolve('bin/croupier.js');
const PLAYERS = 4;
const REQUESTS = 400;
const IN_FLIGHT = 8;
const KILL_AFTER_ACKS = 120;
const FUNDING = 1_000_000;
const DATABASE_DOWN_MS = 1000;
const SERVER_READY_TIMEOUT_MS = 20_000;

interface Item {
  user_id: string;
  body: string;
  delta: number;
  sent: boolean;
  acked?: { transactions: { action_id: string; tx_id: string }[] };
  failure?: string;
}

/** `croupier start` as a real child process, returned once /ready answers. */
async function start(env: Record<string, string | undefined>): Promise<Child> {
  const port = await freePort();
  const full: NodeJS.ProcessEnv = { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete full[k];
  return spawnNode({
    name: 'croupier',
    args: [BIN, 'start'],
    env: full,
    port,
    ready_timeout_ms: SERVER_READY_TIMEOUT_MS,
  });
}

async function post(url: string, body: string) {
  const r = await fetch(`${url}${PROCESS}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', authorization: signature(body) },
  });
  return { status: r.status, json: await r.json().catch(() => undefined) };
}

function workload(): { funding: Item[]; stream: Item[] } {
  const run = uid('crash');
  const players = Array.from({ length: PLAYERS }, (_, i) => `${run}-player-${i}`);
  const item = (user_id: string, actions: Parameters<typeof batch>[1], delta: number): Item => ({
    user_id,
    body: JSON.stringify(batch(user_id, actions, { game_id: uid('round') })),
    delta,
    sent: false,
  });
  const funding = players.map((p) => item(p, [{ action: 'win', action_id: uid('fund'), amount: FUNDING }], FUNDING));
  const stream = Array.from({ length: REQUESTS }, (_, i) => {
    const bet = 1 + ((i * 37) % 500);
    const win = i % 3 === 0 ? bet * 2 : 0;
    return item(
      players[i % PLAYERS],
      [
        { action: 'bet', action_id: uid('b'), amount: bet },
        { action: 'win', action_id: uid('w'), amount: win },
      ],
      win - bet,
    );
  });
  return { funding, stream };
}

/** Sends the stream with IN_FLIGHT workers; after KILL_AFTER_ACKS acknowledgements `crash` runs while requests are in flight. */
async function streamUntilCrash(
  url: string,
  items: Item[],
  crash: (stop: () => void) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  let acks = 0;
  let stopped = false;
  let crashing: Promise<unknown> | undefined;
  const worker = async () => {
    while (!stopped && next < items.length) {
      const item = items[next++];
      item.sent = true;
      try {
        const r = await post(url, item.body);
        if (r.status === 200) item.acked = r.json;
        else item.failure = `HTTP ${r.status}`;
        if (r.status === 200 && ++acks === KILL_AFTER_ACKS) crashing = crash(() => (stopped = true));
      } catch (error) {
        item.failure = `${(error as Error).message} (${String((error as { cause?: { code?: string } }).cause?.code)})`;
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  await crashing;
  assert.ok(acks >= KILL_AFTER_ACKS, `only ${acks} acknowledged before the stream ended`);
}

/** Replays every sent request; acknowledged ones must answer exactly what they answered before. */
async function replayAndCheck(
  url: string,
  sql: Sql,
  funding: Item[],
  items: Item[],
): Promise<{ acked: number; sent: number; failures: Record<string, number> }> {
  const sent = [...funding, ...items.filter((i) => i.sent)];
  const replies = await Promise.all(sent.map((item) => post(url, item.body)));
  sent.forEach((item, i) => {
    assert.equal(replies[i].status, 200, `replay of ${item.body}: ${JSON.stringify(replies[i].json)}`);
    if (item.acked)
      assert.deepEqual(
        replies[i].json.transactions,
        item.acked.transactions,
        'an acknowledged request answers its first tx_ids',
      );
  });
  const expected = new Map<string, number>();
  for (const item of sent) expected.set(item.user_id, (expected.get(item.user_id) ?? 0) + item.delta);
  for (const [user_id, balance] of expected) {
    const r = await post(url, JSON.stringify({ user_id, currency: 'USD' }));
    assert.equal(r.json.balance, balance, `balance of ${user_id}`);
  }
  const users = [...expected.keys()];
  const [{ n }] = await sql`select count(*)::int as n from aggregator_actions where user_id = any(${users}::text[])`;
  assert.equal(n, sent.length * 2 - funding.length, 'every sent action recorded exactly once');
  await assertLedgerVerifies(sql);
  const failures = new Map<string, number>();
  for (const item of sent) if (item.failure) failures.set(item.failure, (failures.get(item.failure) ?? 0) + 1);
  return { acked: sent.filter((i) => i.acked).length, sent: sent.length, failures: Object.fromEntries(failures) };
}

async function fund(url: string, funding: Item[]): Promise<void> {
  for (const item of funding) {
    const r = await post(url, item.body);
    assert.equal(r.status, 200);
    item.sent = true;
    item.acked = r.json;
  }
}

describe('crash safety (SPEC §1)', () => {
  let db: TestDatabase | undefined;
  let data_dir: string | undefined;
  const servers: Child[] = [];
  after(async () => {
    for (const s of servers) await s.kill('SIGKILL');
    await db?.drop();
    if (data_dir) fs.rmSync(data_dir, { recursive: true, force: true });
  });

  test(
    'server SIGKILLed mid-stream: acknowledged requests keep their tx_ids, every sent request applies once',
    { timeout: 60_000 },
    async (t) => {
      db = await createTestDatabase();
      const env = { DATABASE_URL: db.url };
      const first = await start(env);
      servers.push(first);
      const { funding, stream } = workload();
      await fund(first.url, funding);
      await streamUntilCrash(first.url, stream, (stop) => {
        stop();
        return first.kill('SIGKILL');
      });
      const second = await start(env);
      servers.push(second);
      const result = await replayAndCheck(second.url, db.sql, funding, stream);
      t.diagnostic(`sent ${result.sent}, acknowledged ${result.acked}, unanswered: ${JSON.stringify(result.failures)}`);
      assert.ok(result.acked >= KILL_AFTER_ACKS);
      await second.kill('SIGTERM');
    },
  );

  test(
    'embedded PostgreSQL and then the server SIGKILLed mid-stream: the server comes back, nothing acknowledged is lost',
    { timeout: 90_000 },
    async (t) => {
      data_dir = fs.mkdtempSync(path.join(os.tmpdir(), 'croupier-crash-'));
      fs.chmodSync(data_dir, 0o755);
      const env = { CROUPIER_DATA_DIR: data_dir, DATABASE_URL: undefined };
      const first = await start(env);
      servers.push(first);
      const { funding, stream } = workload();
      await fund(first.url, funding);
      await streamUntilCrash(first.url, stream, async (stop) => {
        process.kill(postmaster(data_dir!).pid, 'SIGKILL');
        // The server keeps receiving requests while its database is gone, then dies too.
        await new Promise((r) => setTimeout(r, DATABASE_DOWN_MS));
        stop();
        await first.kill('SIGKILL');
      });
      const second = await start(env);
      servers.push(second);
      const sql = createSql(`postgres://postgres:croupier@127.0.0.1:${postmaster(data_dir).port}/postgres`, 2);
      try {
        const result = await replayAndCheck(second.url, sql, funding, stream);
        t.diagnostic(
          `sent ${result.sent}, acknowledged ${result.acked}, unanswered: ${JSON.stringify(result.failures)}`,
        );
        assert.ok(result.acked >= KILL_AFTER_ACKS);
      } finally {
        await sql.end({ timeout: 1 });
      }
      await second.kill('SIGTERM');
    },
  );
});

function postmaster(dir: string): { pid: number; port: number } {
  const lines = fs.readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}
