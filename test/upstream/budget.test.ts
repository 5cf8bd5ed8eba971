import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startTransactionsMock,
  type TransactionsMock,
  type TransactionsMockOptions,
} from '../../src/upstream/index.ts';
import { SlidingWindow } from '../../src/upstream/budget.ts';
import { CLIENTS_TRACKED_MAX } from '../../src/upstream/limits.ts';
import { manualClock } from './helpers.ts';

const T0_MS = Date.UTC(2024, 0, 1);

type Clock = ReturnType<typeof manualClock>;

async function withMock(
  options: TransactionsMockOptions,
  run: (mock: TransactionsMock, clock: Clock) => Promise<void>,
) {
  const clock = manualClock(T0_MS);
  const defaults = { seed: 1, rate_per_min: 100, start_ms: T0_MS - 60_000, now: clock.now };
  const mock = await startTransactionsMock({ ...defaults, ...options });
  try {
    await run(mock, clock);
  } finally {
    await mock.stop();
  }
}

interface Answer {
  status: number;
  retry_after: string | null;
  body: Record<string, unknown>;
}

async function call(url: string, client?: string): Promise<Answer> {
  const response = await fetch(`${url}/transactions?limit=1`, { headers: client ? { 'x-client-id': client } : {} });
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, retry_after: response.headers.get('retry-after'), body };
}

describe('the sliding-window budget (default 5 requests per 60 s per client)', () => {
  test('a client over its budget gets 429 with Retry-After and nothing else, until its oldest request leaves the window', async () => {
    await withMock({}, async (mock, clock) => {
      for (let i = 0; i < 5; i++) {
        assert.equal((await call(mock.url)).status, 200, `request ${i + 1}`);
        clock.advance(10_000);
      }
      // Now 50 s: the five requests were at 0, 10, 20, 30, 40 s; the first leaves the window at 60 s.
      const refused = await call(mock.url);
      assert.equal(refused.status, 429);
      assert.equal(refused.retry_after, '10');
      assert.deepEqual(Object.keys(refused.body), ['code', 'message']);
      assert.equal(refused.body.code, 'RATE_LIMITED');
      clock.advance(9_500);
      assert.equal((await call(mock.url)).retry_after, '1', 'rounded up to whole seconds');
      clock.advance(500);
      assert.equal((await call(mock.url)).status, 200, 'at 60 s the first request has left the window');
      const next = await call(mock.url);
      assert.equal(next.status, 429);
      assert.equal(next.retry_after, '10', 'the oldest is now the one of 10 s');
    });
  });

  test('a 429 does not consume budget: hammering while throttled does not delay recovery', async () => {
    await withMock({ budget: '5/6s' }, async (mock, clock) => {
      for (let i = 0; i < 5; i++) assert.equal((await call(mock.url)).status, 200);
      for (let i = 0; i < 20; i++) {
        assert.equal((await call(mock.url)).status, 429);
        clock.advance(250);
      }
      clock.advance(1_000);
      for (let i = 0; i < 5; i++) assert.equal((await call(mock.url)).status, 200, 'a full budget again after 6 s');
      assert.equal(mock.stats().throttled_total, 20);
      assert.equal(mock.stats().served_total, 10);
    });
  });

  test('each x-client-id has its own budget; without the header the client is its address', async () => {
    await withMock({ budget: '2/60s' }, async (mock) => {
      assert.equal((await call(mock.url, 'a')).status, 200);
      assert.equal((await call(mock.url, 'a')).status, 200);
      assert.equal((await call(mock.url, 'a')).status, 429);
      assert.equal((await call(mock.url, 'b')).status, 200);
      assert.equal((await call(mock.url)).status, 200);
      assert.equal((await call(mock.url)).status, 200);
      assert.equal((await call(mock.url)).status, 429);
      assert.equal(mock.stats().clients_tracked, 3);
    });
  });

  test('a request refused for bad parameters still costs budget, as it would upstream', async () => {
    await withMock({ budget: '1/60s' }, async (mock) => {
      assert.equal((await fetch(`${mock.url}/transactions?limit=5000`)).status, 400);
      assert.equal((await call(mock.url)).status, 429);
      assert.equal(mock.stats().rejected_total, 1);
    });
  });

  test(`beyond ${CLIENTS_TRACKED_MAX} active clients a new one is refused; idle ones are forgotten to make room`, () => {
    const window = new SlidingWindow({ requests: 5, window_ms: 60_000 });
    for (let i = 0; i < CLIENTS_TRACKED_MAX; i++) assert.deepEqual(window.admit(`client-${i}`, 0), { admitted: true });
    assert.deepEqual(window.admit('one-more', 59_999), { admitted: false, too_many_clients: true });
    assert.deepEqual(window.admit('client-0', 59_999), { admitted: true }, 'a known client is still served');
    assert.deepEqual(window.admit('one-more', 60_000), { admitted: true }, 'the idle ones were forgotten');
    assert.equal(window.clients_tracked, 2);
  });

  test('an unreadable budget is refused when the mock starts', async () => {
    await assert.rejects(startTransactionsMock({ budget: '5 per minute' }), /budget must be <requests>\/<window>/);
    await assert.rejects(startTransactionsMock({ budget: '0/60s' }), /requests per window must be between 1/);
    await assert.rejects(startTransactionsMock({ budget: '5/100ms' }), /window must be between 1 s/);
    const too_fast = /rate_per_min must be a whole number between 1 and 5000/;
    await assert.rejects(startTransactionsMock({ rate_per_min: 5_001 }), too_fast);
  });
});

describe('fault injection for the puller tests', () => {
  test('the next N requests get 500, then answers resume; faults cost no budget', async () => {
    await withMock({ budget: '2/60s' }, async (mock) => {
      mock.injectFaults({ status: 500, count: 2 });
      for (let i = 0; i < 2; i++) {
        const r = await call(mock.url);
        assert.equal(r.status, 500);
        assert.deepEqual(r.body, { code: 'INJECTED_FAULT', message: 'Injected 500 for a test.' });
      }
      assert.equal((await call(mock.url)).status, 200);
      assert.equal((await call(mock.url)).status, 200);
      assert.equal((await call(mock.url)).status, 429);
      assert.deepEqual(mock.stats(), {
        requests_total: 5,
        served_total: 2,
        throttled_total: 1,
        faults_total: 2,
        rejected_total: 0,
        faults_pending: 0,
        clients_tracked: 1,
      });
    });
  });

  test('an injected 429 carries the Retry-After it was given', async () => {
    await withMock({}, async (mock) => {
      mock.injectFaults({ status: 429, count: 1, retry_after_s: 7 });
      mock.injectFaults({ status: 503, count: 1 });
      const throttled = await call(mock.url);
      assert.equal(throttled.status, 429);
      assert.equal(throttled.retry_after, '7');
      assert.equal((await call(mock.url)).status, 503);
      assert.equal((await call(mock.url)).status, 200);
      mock.injectFaults({ status: 500, count: 3 });
      mock.clearFaults();
      assert.equal((await call(mock.url)).status, 200);
    });
  });
});
