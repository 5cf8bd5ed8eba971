import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hmacSha256Hex } from '../../src/platform/hmac.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';

/**
 * Poison input (SPEC §0: no 500 for any input a client can send): a NUL or an unpaired UTF-16
 * surrogate in a body, path parameter or query string, and a body that is not valid UTF-8, are a 400
 * VALIDATION_ERROR naming the field, on every surface, before anything is written.
 */
let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

const ADMIN = { authorization: 'Bearer dev-admin-key' };
const POISONS = { NUL: 'a\u0000b', 'lone high surrogate': 'a\ud800b', 'lone low surrogate': 'a\udc00' };

function aggregator(body: string | Buffer, secret = 'test') {
  return fetchRaw('/aggregator/takehome/process', body, {
    authorization: `HMAC-SHA256 ${hmacSha256Hex(secret, body)}`,
  });
}

async function fetchRaw(path: string, body: string | Buffer, headers: Record<string, string>) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text) };
}

function assertRefused(r: { status: number; json: any }, field: string): void {
  assert.equal(r.status, 400, JSON.stringify(r.json));
  assert.equal(r.json.code, 'VALIDATION_ERROR');
  assert.equal(r.json.message, `${field} must not contain NUL or unpaired surrogates`);
}

async function aggregatorBalance(user_id: string): Promise<number> {
  const r = await aggregator(JSON.stringify({ user_id, currency: 'USD' }));
  assert.equal(r.status, 200);
  return r.json.balance;
}

describe('aggregator', () => {
  for (const [name, poison] of Object.entries(POISONS)) {
    test(`an action_id with a ${name} is a 400 naming actions[0].action_id, nothing applied`, async () => {
      const user_id = `poison-${name.length}-${Date.now()}`;
      const body = {
        user_id,
        currency: 'USD',
        game: 'a:b',
        game_id: 'r',
        actions: [{ action: 'win', action_id: poison, amount: 5 }],
      };
      assertRefused(await aggregator(JSON.stringify(body)), 'actions[0].action_id');
      assert.equal(await aggregatorBalance(user_id), 0);
    });
  }

  test('a lone surrogate does not collide with U+FFFD: the second action is refused, not answered with the first tx_id', async () => {
    const user_id = `collide-${Date.now()}`;
    const first = {
      user_id,
      currency: 'USD',
      game: 'a:b',
      game_id: 'r',
      actions: [{ action: 'win', action_id: 'id-\ufffd', amount: 7 }],
    };
    const r1 = await aggregator(JSON.stringify(first));
    assert.equal(r1.status, 200);
    const second = { ...first, actions: [{ action: 'win', action_id: 'id-\ud800', amount: 7 }] };
    assertRefused(await aggregator(JSON.stringify(second)), 'actions[0].action_id');
    assert.equal(await aggregatorBalance(user_id), 7);
  });

  test('a body that is not valid UTF-8 is a 400 (never decoded to U+FFFD); unsigned it stays a 403', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"user_id":"u'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","currency":"USD"}'),
    ]);
    const r = await aggregator(bytes);
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, { code: 'VALIDATION_ERROR', message: 'The request body is not valid UTF-8.' });
    // An encoded surrogate (CESU-8) is not UTF-8 either.
    const cesu = Buffer.concat([
      Buffer.from('{"user_id":"u'),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('","currency":"USD"}'),
    ]);
    assert.equal((await aggregator(cesu)).status, 400);
    assert.equal((await aggregator(bytes, 'wrong-secret')).status, 403);
  });

  test('a NUL in the RTP path parameter or query string is a 400 naming it', async () => {
    const r = await call(
      server.url,
      'GET',
      '/aggregator/takehome/rtp/u%00?from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z',
      undefined,
      ADMIN,
    );
    assertRefused(r, 'params.user_id');
    const q = await call(
      server.url,
      'GET',
      '/aggregator/takehome/rtp?from=%00&to=2030-01-01T00:00:00Z',
      undefined,
      ADMIN,
    );
    assertRefused(q, 'query.from');
  });
});

describe('casino (seamless)', () => {
  test('a NUL in a signed callback body is a 400 naming the field', async () => {
    const body = JSON.stringify({ sessionToken: 't\u0000', userId: '1', currency: 'USD' });
    assertRefused(
      await fetchRaw('/casino/getBalance', body, { 'x-casino-signature': hmacSha256Hex('casino-secret', body) }),
      'sessionToken',
    );
  });

  test('a lone surrogate in launchGame is a 400 naming the field', async () => {
    assertRefused(
      await call(server.url, 'POST', '/casino/launchGame', { userId: '\udc00', gameId: '1', currency: 'USD' }, ADMIN),
      'userId',
    );
  });
});

describe('wallet', () => {
  test('a NUL in a player id path parameter is a 400 naming it', async () => {
    assertRefused(await call(server.url, 'GET', '/v1/wallets/a%00b', undefined, ADMIN), 'params.playerId');
  });

  test('a lone surrogate in metadata, or in a metadata key, is a 400 naming it; nothing moved', async () => {
    const headers = { ...ADMIN, 'idempotency-key': `k-${Date.now()}` };
    const value = await call(
      server.url,
      'POST',
      '/v1/wallets/poison-w/topup',
      { asset: 'GOLD_COINS', amount: 5, metadata: { note: 'x\ud800' } },
      headers,
    );
    assertRefused(value, 'metadata.note');
    const key = await call(
      server.url,
      'POST',
      '/v1/wallets/poison-w/topup',
      { asset: 'GOLD_COINS', amount: 5, metadata: { 'n\u0000': 'x' } },
      { ...headers, 'idempotency-key': `k2-${Date.now()}` },
    );
    assert.equal(key.status, 400);
    assert.equal(key.json.message, 'a field name in metadata must not contain NUL or unpaired surrogates');
    assert.equal((await call(server.url, 'GET', '/v1/wallets/poison-w', undefined, ADMIN)).status, 404);
  });

  test('a NUL in a query string is a 400 naming it', async () => {
    assertRefused(await call(server.url, 'GET', '/v1/players?cursor=%00', undefined, ADMIN), 'query.cursor');
  });
});

describe('provider', () => {
  test('/provider/play?sessionToken=%00, unauthenticated, is a 400 naming the parameter', async () => {
    assertRefused(await call(server.url, 'GET', '/provider/play?sessionToken=%00'), 'query.sessionToken');
  });

  test('a lone surrogate in a signed launch body is a 400 naming the field', async () => {
    const body = JSON.stringify({ sessionToken: 's\ud800', userId: '1', gameId: '1', currency: 'USD' });
    assertRefused(
      await fetchRaw('/provider/launch', body, { 'x-provider-signature': hmacSha256Hex('provider-secret', body) }),
      'sessionToken',
    );
  });
});
