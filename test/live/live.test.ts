import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startServer, type Server } from '../../src/app/runtime.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { LIVE_CHANNEL } from '../../src/platform/live.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { testConfig } from '../support/db.ts';
import { grantOk } from '../bonus/helpers.ts';
import { processCall } from '../aggregator/helpers.ts';

/** The live-progress socket (SPEC §5): auth before the upgrade, subscribe, fan-out across processes. */
let one: TestServer;
let two: Server;
const KEY = 'dev-admin-key';

before(async () => {
  one = await startTestServer();
  // A second process on the same database (as two `npm start` on one DATABASE_URL).
  const config = testConfig({ DATABASE_URL: one.db.url });
  two = await startServer(config, createLogger(config.log_level));
});
after(async () => {
  await two?.stop();
  await one?.close();
});

function wsUrl(base: string, query = ''): string {
  return `${base.replace('http', 'ws')}/v1/ws${query}`;
}

/** Opens a socket; resolves with it and its messages, or rejects with the refused status. */
function open(
  url: string,
  protocols: string[] = [],
): Promise<{ socket: WebSocket; messages: unknown[]; next(): Promise<unknown> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols);
    const messages: unknown[] = [];
    const waiters: ((m: unknown) => void)[] = [];
    socket.on('message', (data) => {
      const m = JSON.parse(String(data));
      const waiter = waiters.shift();
      if (waiter) waiter(m);
      else messages.push(m);
    });
    socket.on('unexpected-response', (_req, res) =>
      reject(Object.assign(new Error(`refused ${res.statusCode}`), { status: res.statusCode })),
    );
    socket.on('error', reject);
    socket.on('open', () =>
      resolve({
        socket,
        messages,
        next: () => (messages.length ? Promise.resolve(messages.shift()) : new Promise((r) => waiters.push(r))),
      }),
    );
  });
}

describe('live progress socket', () => {
  test('a wrong or missing key is refused with 401 before the upgrade', async () => {
    await assert.rejects(open(wsUrl(one.url), ['bearer.wrong-key']), (e: { status?: number }) => e.status === 401);
    await assert.rejects(open(wsUrl(one.url)), (e: { status?: number }) => e.status === 401);
    await assert.rejects(open(wsUrl(one.url, '?access_token=nope')), (e: { status?: number }) => e.status === 401);
  });

  test('the key as subprotocol bearer.<key> is selected in the answer; ?access_token= works too', async () => {
    const a = await open(wsUrl(one.url), [`bearer.${KEY}`]);
    assert.equal(a.socket.protocol, `bearer.${KEY}`);
    a.socket.close();
    const b = await open(wsUrl(one.url, `?access_token=${KEY}`));
    b.socket.send(JSON.stringify({ subscribe: 'p-token' }));
    assert.deepEqual(await b.next(), { type: 'subscribed', playerId: 'p-token' });
    b.socket.close();
  });

  test('a malformed message is answered with an error message, not a dropped socket', async () => {
    const a = await open(wsUrl(one.url), [`bearer.${KEY}`]);
    a.socket.send('not json');
    assert.deepEqual(((await a.next()) as { code: string }).code, 'BAD_MESSAGE');
    a.socket.send(JSON.stringify({ subscribe: '' }));
    assert.deepEqual(((await a.next()) as { code: string }).code, 'BAD_MESSAGE');
    a.socket.close();
  });

  test('a message published by one process reaches the subscriber of another within 100 ms, only for its player', async () => {
    const client = await open(wsUrl(two.url), [`bearer.${KEY}`]);
    client.socket.send(JSON.stringify({ subscribe: 'p-live' }));
    await client.next();
    const started = performance.now();
    const message = { type: 'bonus', playerId: 'p-live', bonusId: 'b1', wagered: 50 };
    await one.ctx.sql.notify(LIVE_CHANNEL, JSON.stringify([{ type: 'bonus', playerId: 'someone-else' }, message]));
    assert.deepEqual(await client.next(), message);
    const elapsed_ms = performance.now() - started;
    assert.ok(elapsed_ms < 100, `delivered after ${elapsed_ms.toFixed(1)} ms`);
    assert.deepEqual(client.messages, [], 'nothing for the other player');
    client.socket.close();
  });

  test('a bet made over HTTP on one process moves the bonus: a subscriber of the other process gets its progress', async () => {
    const player = `live-bonus-${Date.now()}`;
    const granted = await grantOk(one, player, { amount: 100 });
    const client = await open(wsUrl(two.url), [`bearer.${KEY}`]);
    client.socket.send(JSON.stringify({ subscribe: player }));
    await client.next();
    const bet = await processCall(one.url, {
      user_id: player,
      currency: 'USD',
      game: 'demo:starburst',
      game_id: `r-${player}`,
      finished: false,
      actions: [{ action: 'bet', action_id: `b-${player}`, amount: 50 }],
    });
    assert.equal(bet.status, 200, bet.text);
    const message = (await client.next()) as Record<string, unknown>;
    assert.deepEqual(message, {
      type: 'bonus',
      bonusId: granted.bonusId,
      playerId: player,
      asset: 'USD',
      status: 'active',
      bonus_balance: 50,
      wagered: 50,
      required: 1000,
      percent: 5,
    });
    client.socket.close();
  });

  test('a process registers as a listener before it acknowledges a subscription, and leaves with its last socket', async () => {
    const listeners = async () =>
      (await one.ctx.sql<{ n: number }[]>`select count(*)::int as n from live_listeners where expires_at > now()`)[0].n;
    const until = async (want: number) => {
      const deadline = Date.now() + 2_000;
      while ((await listeners()) !== want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return listeners();
    };
    assert.equal(await until(0), 0, 'no socket open anywhere: nobody listens, nothing is published');
    const client = await open(wsUrl(two.url), [`bearer.${KEY}`]);
    client.socket.send(JSON.stringify({ subscribe: 'p-audience' }));
    assert.deepEqual(await client.next(), { type: 'subscribed', playerId: 'p-audience' });
    assert.equal(await listeners(), 1, 'registered by the time the subscription is acknowledged');
    client.socket.close();
    assert.equal(await until(0), 0, 'its last socket closed: the process left');
  });

  test('GET /v1/ws without an upgrade answers 426 with the registry shape', async () => {
    const r = await fetch(`${one.url}/v1/ws`);
    assert.equal(r.status, 426);
    assert.equal(((await r.json()) as { code: string }).code, 'UPGRADE_REQUIRED');
  });
});
