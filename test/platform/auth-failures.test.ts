import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthFailureLimiter } from '../../src/platform/auth-failures.ts';
import { hmacSha256Hex } from '../../src/platform/hmac.ts';
import { AUTH_FAILURES_PER_WINDOW_MAX, AUTH_FAILURE_WINDOW_MS } from '../../src/platform/limits.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';

/**
 * Failed authentication is limited per client address (AUTH_FAILURES_PER_WINDOW_MAX per
 * AUTH_FAILURE_WINDOW_MS → 429 TOO_MANY_FAILURES with Retry-After); a correct key or signature is
 * never counted and never refused.
 */
describe('the limiter', () => {
  test('the failure after the limit is limited, until the window ends', () => {
    const limiter = new AuthFailureLimiter(3, 1_000, 100);
    for (let i = 0; i < 3; i++) assert.equal(limiter.recordFailure('a', 0).limited, false);
    assert.deepEqual(limiter.recordFailure('a', 400), { limited: true, retry_after_s: 1 });
    assert.equal(limiter.recordFailure('b', 400).limited, false, 'another address has its own count');
    assert.equal(limiter.recordFailure('a', 1_000).limited, false, 'a new window starts afresh');
  });

  test('memory is bounded: beyond the tracked maximum the oldest client is forgotten', () => {
    const limiter = new AuthFailureLimiter(3, 1_000, 10);
    for (let i = 0; i < 1_000; i++) limiter.recordFailure(`client-${i}`, i);
    assert.equal(limiter.clients_tracked, 10);
  });
});

describe('over HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  test(`after ${AUTH_FAILURES_PER_WINDOW_MAX} wrong API keys the next is a 429 with Retry-After; the correct key still works in the same window`, async () => {
    for (let i = 0; i < AUTH_FAILURES_PER_WINDOW_MAX; i++) {
      assert.equal(
        (await call(server.url, 'GET', '/v1/assets', undefined, { authorization: `Bearer wrong-${i}` })).status,
        401,
      );
    }
    const limited = await call(server.url, 'GET', '/v1/assets', undefined, { authorization: 'Bearer wrong' });
    assert.equal(limited.status, 429);
    assert.equal(limited.json.code, 'TOO_MANY_FAILURES');
    assert.equal(typeof limited.json.message, 'string');
    const retry_after_s = Number(limited.headers.get('retry-after'));
    assert.ok(retry_after_s >= 1 && retry_after_s <= AUTH_FAILURE_WINDOW_MS / 1000, `Retry-After ${retry_after_s}`);

    // Never slowed, never counted: many correct calls in the same window all succeed.
    for (let i = 0; i < 5; i++) {
      assert.equal(
        (await call(server.url, 'GET', '/v1/assets', undefined, { authorization: 'Bearer dev-admin-key' })).status,
        200,
      );
    }
    const signed = JSON.stringify({ user_id: 'limit-user', currency: 'USD' });
    const ok = await call(server.url, 'POST', '/aggregator/takehome/process', signed, {
      authorization: `HMAC-SHA256 ${hmacSha256Hex('test', signed)}`,
    });
    assert.equal(ok.status, 200);

    // A wrong signature from the same address is a failure too, and limited.
    const bad = await call(server.url, 'POST', '/aggregator/takehome/process', signed, {
      authorization: `HMAC-SHA256 ${'0'.repeat(64)}`,
    });
    assert.equal(bad.status, 429);
  });
});
