import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { amountMinorFromText, readItem, timestampFromText } from '../../src/transactions/item.ts';
import { JsonNumber, parseExactJson, exactJsonText } from '../../src/transactions/json-exact.ts';
import { parseBudget, loadTransactionsConfig } from '../../src/transactions/config.ts';
import { createTestDatabase, testContext, type TestDatabase } from '../support/db.ts';
import type { AppContext } from '../../src/ledger/context.ts';
import { FakeUpstream, type FakeItem } from './fake-upstream.ts';
import { assertMatchesTruth, caughtUpPast, fastConfig, startPuller } from './helpers.ts';

describe('amounts are read exactly from the JSON text', () => {
  test('1.2 → 120, 0.1 → 10, 12.05 → 1205, 30 → 3000, 1.20 and 1.200 → 120', () => {
    for (const [text, cents] of [
      ['1.2', 120n],
      ['0.1', 10n],
      ['12.05', 1205n],
      ['30', 3000n],
      ['1.20', 120n],
      ['1.200', 120n],
      ['0.01', 1n],
    ] as const) {
      assert.equal(amountMinorFromText(text), cents, text);
    }
  });

  test('the largest amount JSON carries exactly, 90071992547409.91, is 9007199254740991 cents; one cent more is refused', () => {
    assert.equal(amountMinorFromText('90071992547409.91'), 9007199254740991n);
    assert.match(String(amountMinorFromText('90071992547409.92')), /exceeds/);
    assert.match(String(amountMinorFromText('123456789012345678901234567890')), /exceeds/);
  });

  test('three decimals, negatives, zero, exponents and leading zeros are refused with a reason', () => {
    for (const text of ['1.234', '-1', '0', '0.00', '1e2', '01.5', '.5', '1.']) {
      assert.equal(typeof amountMinorFromText(text), 'string', text);
    }
  });

  test('the parser keeps numbers as text: 0.1 + 0.2 never happens', () => {
    const value = parseExactJson('{"items":[{"amount":0.1},{"amount":12.05}],"n":-3.5e2}') as any;
    assert.ok(value.items[0].amount instanceof JsonNumber);
    assert.equal(value.items[1].amount.text, '12.05');
    assert.equal(exactJsonText(value), '{"items":[{"amount":0.1},{"amount":12.05}],"n":-3.5e2}');
    for (const bad of ['{', '{"a":}', '[1,]', '{"a":1} x', '"unterminated', '{"a":01}']) {
      assert.throws(() => parseExactJson(bad), /invalid JSON/, bad);
    }
    assert.deepEqual(
      parseExactJson('{"s":"a\\"b\\u00e9","t":true,"f":false,"z":null,"e":[]}'),
      Object.assign(Object.create(null), { s: 'a"bé', t: true, f: false, z: null, e: [] }),
    );
  });

  test("createdAt in the seed's form is UTC; ISO-8601 with a zone is accepted; anything else is not", () => {
    assert.equal(timestampFromText('2023-02-01 00:00:00')?.toISOString(), '2023-02-01T00:00:00.000Z');
    assert.equal(timestampFromText('2023-02-01T01:00:00+01:00')?.toISOString(), '2023-02-01T00:00:00.000Z');
    assert.equal(timestampFromText('yesterday'), undefined);
    assert.equal(timestampFromText('2023-13-45 00:00:00'), undefined);
  });

  test('an item with a bad field is reported with the field named, never thrown', () => {
    const item = (o: string) => readItem(parseExactJson(o));
    assert.equal(
      item('{"id":"x","userId":"u","createdAt":"2023-02-01 00:00:00","type":"earned","amount":1.2}').ok,
      true,
    );
    assert.match(
      (item('{"id":"x","userId":"u","createdAt":"2023-02-01 00:00:00","type":"gift","amount":1}') as any).reason,
      /type/,
    );
    assert.match(
      (item('{"id":"x","userId":"u","createdAt":"2023-02-01 00:00:00","type":"earned","amount":"1"}') as any).reason,
      /amount/,
    );
    assert.match(
      (item('{"id":"x","userId":"u","createdAt":"soon","type":"earned","amount":1}') as any).reason,
      /createdAt/,
    );
    assert.match((item('{"userId":"u"}') as any).reason, /id/);
    assert.match((item('[1]') as any).reason, /object/);
  });
});

describe('configuration', () => {
  test('TRANSACTIONS_API_BUDGET reads N/Ms and N/Mm; anything else names the variable', () => {
    assert.deepEqual(parseBudget('5/60s'), { requests: 5, window_ms: 60_000 });
    assert.deepEqual(parseBudget('5/1m'), { requests: 5, window_ms: 60_000 });
    for (const bad of ['5', '5/60', '0/60s', '5/0s', 'x/1m', '5/60h'])
      assert.throws(() => parseBudget(bad), /TRANSACTIONS_API_BUDGET/, bad);
    const defaults = loadTransactionsConfig({});
    assert.deepEqual(
      [defaults.budget, defaults.late_max_s, defaults.start.toISOString(), defaults.reporter_max_age_s],
      [{ requests: 5, window_ms: 60_000 }, 60, '1970-01-01T00:00:00.000Z', 10],
    );
    assert.throws(() => loadTransactionsConfig({ TRANSACTIONS_LATE_MAX_S: '-1' }), /TRANSACTIONS_LATE_MAX_S/);
    assert.throws(() => loadTransactionsConfig({ TRANSACTIONS_START: 'then' }), /TRANSACTIONS_START/);
  });
});

describe('malformed items', () => {
  let db: TestDatabase;
  let ctx: AppContext;
  let upstream: FakeUpstream;
  before(async () => {
    db = await createTestDatabase();
    ctx = testContext(db);
    upstream = await new FakeUpstream({ requests: 5, window_ms: 6000 }).start();
  });
  after(async () => {
    await upstream.stop();
    await ctx.ledger.close();
    await db.drop();
  });

  test('are quarantined with their reason and reported; the good items around them are ingested', async () => {
    const t = Date.now() - 5000;
    const at = (ms: number) => new Date(t + ms);
    const items: FakeItem[] = [
      { id: 'g1', userId: 'u1', createdAt: at(0), type: 'earned', amount: '0.1' },
      {
        id: 'b1',
        userId: 'u1',
        createdAt: at(1),
        type: 'earned',
        amount: '',
        raw: '{"id":"b1","userId":"u1","createdAt":"' + at(1).toISOString() + '","type":"earned","amount":1.234}',
      },
      {
        id: 'b2',
        userId: 'u1',
        createdAt: at(2),
        type: 'earned',
        amount: '',
        raw: '{"id":"b2","userId":"u1","createdAt":"' + at(2).toISOString() + '","type":"bonus","amount":1}',
      },
      { id: 'b3', userId: 'u1', createdAt: at(3), type: 'earned', amount: '', raw: '"not an item"' },
      { id: 'g2', userId: 'u1', createdAt: at(4), type: 'spent', amount: '12.05' },
      { id: 'g3', userId: 'u2', createdAt: at(5), type: 'payout', amount: '90071992547409.91' },
    ];
    upstream.add(...items);
    const job = startPuller(ctx, fastConfig(upstream.url));
    await caughtUpPast(ctx, new Date());
    await job.stop();
    const quarantined = await db.sql`select item_id, reason from ingest_quarantine order by item_id nulls first`;
    assert.deepEqual(
      quarantined.map((q) => q.item_id),
      [null, 'b1', 'b2'],
    );
    assert.match(quarantined[1].reason, /fractional/);
    assert.match(quarantined[2].reason, /type/);
    const [state] = await db.sql`select quarantined_total, last_error from ingest_state`;
    assert.equal(state.quarantined_total, 3n, 'each bad item once, however often it is re-read');
    assert.match(state.last_error, /quarantined/);
    await assertMatchesTruth(db.sql, items);
  });
});
