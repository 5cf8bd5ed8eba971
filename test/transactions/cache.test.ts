import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { payoutsCacheKey, ReportCache, userCacheKey } from '../../src/transactions/cache.ts';
import { changedUsersPayload } from '../../src/transactions/notify.ts';
import { NOTIFY_CHANNEL } from '../../src/transactions/limits.ts';
import { eventually } from './helpers.ts';

/** A cache with a hand-driven clock, and a fill that counts its calls per key. */
function harness(ttl_ms = 5_000) {
  let now = 1_000_000;
  const cache = new ReportCache(ttl_ms, 100_000, () => now);
  const fills = new Map<string, number>();
  const get = (key: string) =>
    cache.get(key, async () => {
      fills.set(key, (fills.get(key) ?? 0) + 1);
      return { status: 200, body: { key, n: fills.get(key) } };
    });
  return { cache, fills, get, advance: (ms: number) => (now += ms) };
}

describe('the reporter cache', () => {
  test('a notification naming users drops only their answers and the payouts pages', async () => {
    const { cache, fills, get } = harness();
    for (const key of [userCacheKey('a'), userCacheKey('b'), userCacheKey('c'), payoutsCacheKey(1, 50)]) await get(key);
    cache.onNotification(changedUsersPayload(['a', 'c', 'a']));
    for (const key of [userCacheKey('a'), userCacheKey('b'), userCacheKey('c'), payoutsCacheKey(1, 50)]) await get(key);
    assert.deepEqual(Object.fromEntries(fills), {
      [userCacheKey('a')]: 2,
      [userCacheKey('b')]: 1,
      [userCacheKey('c')]: 2,
      [payoutsCacheKey(1, 50)]: 2,
    });
  });

  test('`*`, and any payload this version does not know, drop everything', async () => {
    for (const payload of ['*', '3', 'settle', 'u:not json', 'u:[1]']) {
      const { cache, fills, get } = harness();
      await get(userCacheKey('a'));
      cache.onNotification(payload);
      await get(userCacheKey('a'));
      assert.equal(fills.get(userCacheKey('a')), 2, payload);
    }
  });

  test('a list of users too long for a notification becomes `*`', () => {
    assert.equal(changedUsersPayload(['074092']), 'u:["074092"]');
    const many = Array.from({ length: 1000 }, (_, i) => `user-${String(i).padStart(6, '0')}`);
    assert.equal(changedUsersPayload(many), '*');
  });

  test('without a confirmed ping an answer lives TTL from its fill; a confirmed ping keeps it as fresh as the ping', async () => {
    const { cache, fills, get, advance } = harness(5_000);
    const key = userCacheKey('a');
    await get(key);
    advance(4_999);
    await get(key);
    assert.equal(fills.get(key), 1, 'still within the TTL');
    advance(1);
    await get(key);
    assert.equal(fills.get(key), 2, 'expired: no ping confirmed that nothing was missed');

    // A ping sent 4 s after the fill and delivered back: every notification committed before it was seen.
    advance(4_000);
    const ping = cache.nextPing();
    advance(500);
    cache.onNotification(ping);
    advance(3_500); // 8 s after the fill, 4 s after the ping was sent
    await get(key);
    assert.equal(fills.get(key), 2, 'confirmed fresh by the ping');
    advance(1_000);
    await get(key);
    assert.equal(fills.get(key), 3, 'the ping is TTL old: expired again');

    // Another process's ping, or an unknown one, confirms nothing and drops nothing.
    cache.onNotification('ping:someoneelse:1');
    cache.onNotification(`${ping}9`);
    advance(4_999);
    await get(key);
    assert.equal(fills.get(key), 3);
  });
});

describe('the reporter cache on a real LISTEN', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db.drop();
  });

  test('pings keep answers alive past the TTL; a commit naming a user drops exactly that user', async () => {
    const cache = new ReportCache(1_500);
    const stop = await cache.listen(db.sql, pino({ level: 'silent' }));
    try {
      const fills = new Map<string, number>();
      const get = (user: string) =>
        cache.get(userCacheKey(user), async () => {
          fills.set(user, (fills.get(user) ?? 0) + 1);
          return { status: 200, body: { user } };
        });
      await get('a');
      await get('b');
      // Past the 1.5 s TTL, yet the pings (one a second) confirm that nothing was missed.
      await new Promise((r) => setTimeout(r, 3_500));
      await get('a');
      await get('b');
      assert.deepEqual(Object.fromEntries(fills), { a: 1, b: 1 });
      await db.sql.notify(NOTIFY_CHANNEL, changedUsersPayload(['a']));
      await eventually(
        async () => {
          await get('a');
          return fills.get('a') === 2;
        },
        5_000,
        'the notification',
      );
      await get('b');
      assert.equal(fills.get('b'), 1);
    } finally {
      await stop();
    }
  });
});
