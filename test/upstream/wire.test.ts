import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SEED_EXAMPLE_ITEMS, startTransactionsMock, type TransactionsMock } from '../../src/upstream/index.ts';
import { get, getAll, manualClock, seedForm } from './helpers.ts';

const T0_MS = Date.UTC(2023, 1, 1, 0, 0, 0);
/** A budget no test here reaches: these tests are about the data, budget.test.ts about the budget. */
const BUDGET_UNREACHED = '10000/1s';

/** 20 minutes of stream at the peak rate, whole-second timestamps: about 83 items share each second. */
let mock: TransactionsMock;
const clock = manualClock(T0_MS + 20 * 60_000);
before(async () => {
  const options = { seed: 7, rate_per_min: 5_000, late_share: 0, start_ms: T0_MS, budget: BUDGET_UNREACHED };
  mock = await startTransactionsMock({ ...options, now: clock.now });
});
after(() => mock.stop());

describe('GET /transactions: the wire format of SPEC §7', () => {
  test('a page has items { id, userId, createdAt, type, amount } and meta { totalItems, itemCount, … currentPage }', async () => {
    const p = await get(mock.url, { page: 2, limit: 10 });
    assert.equal(p.status, 200);
    assert.match(p.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(p.body), ['items', 'meta']);
    assert.equal(p.items.length, 10);
    for (const it of p.items) {
      assert.deepEqual(Object.keys(it).sort(), ['amount_minor', 'amount_text', 'createdAt', 'id', 'type', 'userId']);
      assert.match(it.id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.match(it.userId, /^\d{6}$/);
      assert.match(it.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      assert.ok(['earned', 'spent', 'payout'].includes(it.type));
      assert.ok(it.amount_minor > 0n);
    }
    // Every item created up to and including now: 20 min × 5,000, plus the 84 stamped 00:20:00
    // (one every 12 ms in [00:20:00, 00:20:01), timestamps rounded down to the second).
    const total = 20 * 5_000 + 84;
    const totalPages = Math.ceil(total / 10);
    assert.deepEqual(p.meta, { totalItems: total, itemCount: 10, itemsPerPage: 10, totalPages, currentPage: 2 });
  });

  test('a page past the end is empty and says which page it is', async () => {
    const p = await get(mock.url, { startDate: seedForm(T0_MS), endDate: seedForm(T0_MS), page: 5, limit: 1000 });
    assert.equal(p.status, 200);
    assert.deepEqual(p.items, []);
    assert.equal(p.meta.itemCount, 0);
    assert.equal(p.meta.currentPage, 5);
    assert.equal(p.meta.totalPages, 1);
  });

  test('every amount in the text is a JSON number with at most two fractional digits', async () => {
    const p = await get(mock.url, { limit: 1000 });
    const amounts = [...p.text.matchAll(/"amount":([^,}]+)/g)].map((m) => m[1]);
    assert.equal(amounts.length, 1000);
    for (const a of amounts) assert.match(a, /^(0|[1-9]\d*)(\.\d?[1-9])?$/);
  });

  test('startDate and endDate are inclusive, to the millisecond', async () => {
    const at_ms = T0_MS + 90_000;
    const exact = await get(mock.url, { startDate: seedForm(at_ms), endDate: seedForm(at_ms), limit: 1000 });
    assert.ok(exact.items.length > 1, 'several items share the second');
    for (const it of exact.items) assert.equal(it.createdAt, new Date(at_ms).toISOString());
    const iso = (ms: number) => new Date(ms).toISOString();
    const before_ms = await get(mock.url, { startDate: iso(at_ms - 1000), endDate: iso(at_ms - 1), limit: 1000 });
    const after_ms = await get(mock.url, { startDate: iso(at_ms + 1), endDate: iso(at_ms + 1000), limit: 1000 });
    for (const it of [...before_ms.items, ...after_ms.items]) assert.notEqual(it.createdAt, iso(at_ms));
    const wide = await get(mock.url, {
      startDate: seedForm(at_ms - 1000),
      endDate: seedForm(at_ms + 1000),
      limit: 1000,
    });
    assert.equal(wide.meta.totalItems, before_ms.meta.totalItems + exact.meta.totalItems + after_ms.meta.totalItems);
  });

  test('the seed form YYYY-MM-DD HH:MM:SS (UTC) and ISO-8601 with any zone name the same instants', async () => {
    const start_ms = T0_MS + 60_000;
    const end_ms = T0_MS + 65_000;
    const seed = await get(mock.url, { startDate: seedForm(start_ms), endDate: seedForm(end_ms), limit: 1000 });
    const iso = await get(mock.url, {
      startDate: '2023-02-01T00:01:00Z',
      endDate: '2023-02-01T00:01:05.000Z',
      limit: 1000,
    });
    const zoned = await get(mock.url, {
      startDate: '2023-02-01T01:01:00+01:00',
      endDate: '2023-01-31T19:01:05-05:00',
      limit: 1000,
    });
    assert.ok(seed.items.length > 0);
    assert.equal(iso.text, seed.text);
    assert.equal(zoned.text, seed.text);
  });

  test('items are ordered by createdAt then id; pages of 7 put together are the page of 1000, across equal timestamps', async () => {
    const query = { startDate: seedForm(T0_MS + 300_000), endDate: seedForm(T0_MS + 305_000) };
    const whole = await get(mock.url, { ...query, limit: 1000 });
    assert.ok(whole.meta.totalItems > 400 && whole.meta.totalItems < 1000);
    for (let i = 1; i < whole.items.length; i++) {
      const [a, b] = [whole.items[i - 1], whole.items[i]];
      assert.ok(a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id), `item ${i} out of order`);
    }
    const paged = await getAll(mock.url, query, 7);
    assert.deepEqual(
      paged.map((it) => it.id),
      whole.items.map((it) => it.id),
    );
    assert.equal(new Set(paged.map((it) => it.id)).size, paged.length);
  });
});

describe('GET /transactions: bad input is a 400 { code, message } naming the field', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['limit above 1000', { limit: '1001' }, /^limit must be at most 1000/],
    ['limit 0', { limit: '0' }, /^limit must be a whole number/],
    ['limit not a number', { limit: '10abc' }, /^limit/],
    ['page 0', { page: '0' }, /^page must be a whole number/],
    ['page negative', { page: '-1' }, /^page/],
    ['page fractional', { page: '1.5' }, /^page/],
    ['startDate not a date', { startDate: 'yesterday' }, /^startDate must be/],
    ['startDate a day that does not exist', { startDate: '2023-02-30 00:00:00' }, /^startDate/],
    ['startDate with a zone that does not exist', { startDate: '2023-02-01T00:00:00+24:00' }, /^startDate must be/],
    ['endDate without a time', { endDate: '2023-02-01' }, /^endDate must be/],
    [
      'endDate before startDate',
      { startDate: '2023-02-02 00:00:00', endDate: '2023-02-01 00:00:00' },
      /^endDate must not be/,
    ],
  ];
  for (const [name, query, message] of cases) {
    test(`${name} → 400`, async () => {
      const response = await fetch(`${mock.url}/transactions?${new URLSearchParams(query)}`);
      assert.equal(response.status, 400);
      const body = await response.json();
      assert.deepEqual(Object.keys(body), ['code', 'message']);
      assert.equal(body.code, 'BAD_REQUEST');
      assert.match(body.message, message);
    });
  }

  test('a parameter given twice → 400 naming it', async () => {
    const response = await fetch(`${mock.url}/transactions?limit=5&limit=6`);
    assert.equal(response.status, 400);
    assert.match((await response.json()).message, /^limit must be given once/);
  });

  test('an unknown path → 404 { code, message }', async () => {
    const response = await fetch(`${mock.url}/transaction`);
    assert.equal(response.status, 404);
    assert.equal((await response.json()).code, 'NOT_FOUND');
  });
});

describe('the seed example served as a fixed list', () => {
  test('user 074092 has earned 1.2, spent 12 and a payout of 30 on the wire, and truth() says 120, 1200, 3000 cents', async () => {
    const fixed = await startTransactionsMock({ items: SEED_EXAMPLE_ITEMS });
    try {
      const p = await get(fixed.url, { startDate: '2023-02-01 00:00:00', endDate: '2023-04-01 00:00:00', limit: 10 });
      assert.equal(p.status, 200);
      assert.deepEqual(
        p.items.map((it) => [it.userId, it.type, it.amount_text]),
        [
          ['074092', 'spent', '12'],
          ['074092', 'earned', '1.2'],
          ['074092', 'payout', '30'],
        ],
      );
      assert.match(p.text, /"amount":1\.2[,}]/);
      const truth = fixed.truth(Date.UTC(2023, 3, 1));
      const expected = { earned_minor: 120n, spent_minor: 1200n, payout_minor: 3000n, items: 3 };
      assert.deepEqual(truth.users.get('074092'), expected);
      const balance_minor = 120n - 1200n - 3000n;
      assert.equal(balance_minor, -4080n);
      // The same oracle over HTTP, for a test that runs the mock in another process; it costs no budget.
      const over_http = await (await fetch(`${fixed.url}/_mock/truth?at=2023-04-01%2000:00:00`)).json();
      assert.deepEqual(over_http, {
        at: '2023-04-01T00:00:00.000Z',
        items_total: 3,
        users: [{ userId: '074092', earned: 120, spent: 1200, payout: 3000, items: 3 }],
      });
      const before_payout = await (await fetch(`${fixed.url}/_mock/truth?at=2023-03-16T00:00:00Z`)).json();
      assert.deepEqual(before_payout.users, [{ userId: '074092', earned: 120, spent: 1200, payout: 0, items: 2 }]);
      assert.equal((await fetch(`${fixed.url}/_mock/truth?at=soon`)).status, 400);
      assert.equal(fixed.stats().requests_total, 1, 'only /transactions is counted');
    } finally {
      await fixed.stop();
    }
  });
});
