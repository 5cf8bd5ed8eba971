import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createSql } from '../../src/db/sql.ts';
import { freePort } from '../../src/db/free-port.ts';
import { spawnNode, type Child } from '../../src/platform/child-process.ts';
import { assertLedgerVerifies, batch, signature, uid, PROCESS } from '../aggregator/helpers.ts';

/**
 * The chaos suite's tools: a real `croupier start` on its own embedded cluster, a load of signed
 * aggregator requests that records every answer and how long it took, faults on the PostgreSQL
 * processes this test started (found through its own data directory), and the journal replay that
 * ends every scenario.
 */
export const BIN = path.resolve('bin/croupier.js');
/** A request that takes longer than this is a hang (the client gives up and the test fails). */
export const CLIENT_TIMEOUT_MS = 20_000;
const FUNDING = 10_000_000;

export function environment(data_dir: string, port: number): NodeJS.ProcessEnv {
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

export async function startServer(data_dir: string, lines: string[] = []): Promise<Child> {
  const port = await freePort();
  return spawnNode({
    name: 'croupier',
    args: [BIN, 'start'],
    env: environment(data_dir, port),
    port,
    ready_timeout_ms: 60_000,
    on_line: (l) => lines.push(l),
  });
}

export function postmaster(data_dir: string): { pid: number; port: number } {
  const lines = fs.readFileSync(path.join(data_dir, 'pg', 'postmaster.pid'), 'utf8').split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

/** The postmaster and every process it forked (backends, checkpointer, …). */
export function postgresProcesses(data_dir: string): number[] {
  const { pid } = postmaster(data_dir);
  const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
  return [pid, ...children];
}

export interface Item {
  user_id: string;
  body: string;
  delta: number;
  status?: number;
  acked?: { transactions: { action_id: string; tx_id: string }[] };
  failure?: string;
  sent_at_ms: number;
  elapsed_ms?: number;
}

export async function post(url: string, body: string, timeout_ms = CLIENT_TIMEOUT_MS) {
  const r = await fetch(`${url}${PROCESS}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', authorization: signature(body) },
    signal: AbortSignal.timeout(timeout_ms),
  });
  return { status: r.status, json: await r.json().catch(() => undefined) };
}

/** Signed bets and wins from a few funded players, IN_FLIGHT at a time, until stop(); every request recorded. */
export class Load {
  readonly items: Item[] = [];
  readonly players: string[];
  private stopped = false;
  private workers: Promise<void>[] = [];
  private counter = 0;

  constructor(
    private readonly url: string,
    players = 4,
    private readonly in_flight = 16,
  ) {
    const run = uid('chaos');
    this.players = Array.from({ length: players }, (_, i) => `${run}-p${i}`);
  }

  async fund(): Promise<void> {
    for (const p of this.players) {
      const item = this.item(p, [{ action: 'win', action_id: uid('fund'), amount: FUNDING }], FUNDING);
      const r = await post(this.url, item.body);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      item.status = 200;
      item.acked = r.json;
      item.elapsed_ms = performance.now() - item.sent_at_ms;
    }
  }

  start(): void {
    this.workers = Array.from({ length: this.in_flight }, () => this.worker());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.workers);
  }

  /** Answers received after `since_ms` (performance.now()). */
  answeredSince(since_ms: number): Item[] {
    return this.items.filter((i) => i.elapsed_ms !== undefined && i.sent_at_ms + i.elapsed_ms >= since_ms);
  }

  /** Resolves at the first 200 sent after `since_ms`; the time it took. */
  async recovered(since_ms: number, timeout_ms: number): Promise<number> {
    const deadline = performance.now() + timeout_ms;
    while (performance.now() < deadline) {
      if (this.items.some((i) => i.sent_at_ms >= since_ms && i.status === 200)) return performance.now() - since_ms;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no request succeeded within ${timeout_ms} ms`);
  }

  private item(user_id: string, actions: Parameters<typeof batch>[1], delta: number): Item {
    const item: Item = {
      user_id,
      body: JSON.stringify(batch(user_id, actions, { game_id: uid('round') })),
      delta,
      sent_at_ms: performance.now(),
    };
    this.items.push(item);
    return item;
  }

  private async worker(): Promise<void> {
    while (!this.stopped) {
      const i = this.counter++;
      const bet = 1 + ((i * 37) % 500);
      const win = i % 3 === 0 ? bet * 2 : 0;
      const item = this.item(
        this.players[i % this.players.length],
        [
          { action: 'bet', action_id: uid('b'), amount: bet },
          { action: 'win', action_id: uid('w'), amount: win },
        ],
        win - bet,
      );
      try {
        const r = await post(this.url, item.body);
        item.status = r.status;
        if (r.status === 200) item.acked = r.json;
        else item.failure = `HTTP ${r.status}`;
      } catch (error) {
        item.failure = `${(error as Error).name}: ${(error as Error).message}`;
        // The server is not listening (being stopped): do not spin.
        await new Promise((r) => setTimeout(r, 20));
      }
      item.elapsed_ms = performance.now() - item.sent_at_ms;
    }
  }
}

/** Counts of answers by status or failure. */
export function tally(items: Item[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of items) {
    const key = i.status !== undefined ? String(i.status) : (i.failure ?? 'pending');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * The journal replay: every request sent is sent again. Acknowledged ones answer the tx_ids they were
 * first given; unacknowledged ones (503, refused) are applied now if they were not before — once. Each
 * player's balance is its funding plus every sent request's wins minus its bets; verifyLedger passes.
 */
export async function replayAndVerify(
  url: string,
  data_dir: string,
  load: Load,
): Promise<{ sent: number; acked: number }> {
  const sent = load.items;
  for (let start = 0; start < sent.length; start += 32) {
    const slice = sent.slice(start, start + 32);
    const replies = await Promise.all(slice.map((item) => post(url, item.body)));
    slice.forEach((item, i) => {
      assert.equal(replies[i].status, 200, `replay of ${item.body}: ${JSON.stringify(replies[i].json)}`);
      if (item.acked)
        assert.deepEqual(
          replies[i].json.transactions,
          item.acked.transactions,
          'an acknowledged request answers its first tx_ids',
        );
    });
  }
  const expected = new Map<string, number>();
  for (const item of sent) expected.set(item.user_id, (expected.get(item.user_id) ?? 0) + item.delta);
  for (const [user_id, balance] of expected) {
    const r = await post(url, JSON.stringify({ user_id, currency: 'USD' }));
    assert.equal(r.json.balance, balance, `balance of ${user_id}`);
  }
  const sql = createSql(`postgres://postgres:croupier@127.0.0.1:${postmaster(data_dir).port}/postgres`, 2);
  try {
    const [{ n }] =
      await sql`select count(*)::int as n from aggregator_actions where user_id = any(${[...expected.keys()]}::text[])`;
    assert.equal(n, sent.length * 2 - load.players.length, 'every sent action recorded exactly once');
    await assertLedgerVerifies(sql);
  } finally {
    await sql.end({ timeout: 1 });
  }
  return { sent: sent.length, acked: sent.filter((i) => i.acked).length };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
