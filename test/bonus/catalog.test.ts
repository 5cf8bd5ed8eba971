import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { ADMIN } from './helpers.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

describe('game catalog', () => {
  test('the demo seed registers the five games of SPEC §5, listed in (provider, game) order', async () => {
    const r = await call(s.url, 'GET', '/v1/games?limit=1000', undefined, ADMIN);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      r.json.games.map((g: any) => `${g.provider}:${g.game}=${g.category}`),
      ['demo:blackjack=table', 'demo:roulette-live=live', 'demo:starburst=slots', 'jaqpot:1=slots', 'jaqpot:2=table'],
    );
    assert.equal(r.json.next_cursor, null);
  });

  test('PUT registers or changes a game and answers it; pages follow next_cursor', async () => {
    const put = await call(s.url, 'PUT', '/v1/games/acme/mega', { category: 'live', name: 'Mega' }, ADMIN);
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.json, { provider: 'acme', game: 'mega', category: 'live', name: 'Mega' });
    const changed = await call(s.url, 'PUT', '/v1/games/acme/mega', { category: 'slots' }, ADMIN);
    assert.deepEqual(changed.json, { provider: 'acme', game: 'mega', category: 'slots', name: 'Mega' });
    const first = await call(s.url, 'GET', '/v1/games?limit=2', undefined, ADMIN);
    assert.deepEqual(
      first.json.games.map((g: any) => g.game),
      ['mega', 'blackjack'],
    );
    const second = await call(s.url, 'GET', `/v1/games?limit=2&cursor=${first.json.next_cursor}`, undefined, ADMIN);
    assert.deepEqual(
      second.json.games.map((g: any) => g.game),
      ['roulette-live', 'starburst'],
    );
  });

  test('a category outside the four is a 400 naming the field; no key is a 401', async () => {
    const bad = await call(s.url, 'PUT', '/v1/games/acme/x', { category: 'poker' }, ADMIN);
    assert.equal(bad.status, 400);
    assert.match(bad.json.message, /category/);
    const anonymous = await call(s.url, 'PUT', '/v1/games/acme/x', { category: 'slots' });
    assert.equal(anonymous.status, 401);
    const cursor = await call(s.url, 'GET', '/v1/games?cursor=zzz', undefined, ADMIN);
    assert.equal(cursor.status, 400);
  });
});

describe('contributions', () => {
  test('default to slots 100, table 10, live 0, other 0 and are replaced whole by PUT', async () => {
    const r = await call(s.url, 'GET', '/v1/bonus/contributions', undefined, ADMIN);
    assert.deepEqual(r.json, { slots: 100, table: 10, live: 0, other: 0 });
    const put = await call(s.url, 'PUT', '/v1/bonus/contributions', { slots: 90, table: 20, live: 5, other: 1 }, ADMIN);
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.json, { slots: 90, table: 20, live: 5, other: 1 });
    await call(s.url, 'PUT', '/v1/bonus/contributions', { slots: 100, table: 10, live: 0, other: 0 }, ADMIN);
  });

  test('a missing category or a percent outside 0..100 is a 400 naming the field', async () => {
    const missing = await call(s.url, 'PUT', '/v1/bonus/contributions', { slots: 100, table: 10, live: 0 }, ADMIN);
    assert.equal(missing.status, 400);
    assert.match(missing.json.message, /other/);
    const high = await call(
      s.url,
      'PUT',
      '/v1/bonus/contributions',
      { slots: 101, table: 10, live: 0, other: 0 },
      ADMIN,
    );
    assert.equal(high.status, 400);
    assert.match(high.json.message, /slots/);
    const fraction = await call(
      s.url,
      'PUT',
      '/v1/bonus/contributions',
      { slots: 50.5, table: 10, live: 0, other: 0 },
      ADMIN,
    );
    assert.equal(fraction.status, 400);
  });
});
