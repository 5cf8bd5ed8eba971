import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSql } from '../../src/db/sql.ts';
import { Ledger } from '../../src/ledger/service.ts';
import { playerAccount, systemAccount } from '../../src/ledger/types.ts';
import { verifyLedger, formatReport } from '../../src/ledger/verify.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const logger = createLogger('silent');
let db: TestDatabase;
let ledger: Ledger;

before(async () => {
  db = await createTestDatabase();
  ledger = new Ledger(db.sql, logger);
});
after(async () => {
  await ledger.close();
  await db.drop();
});

const treasury = systemAccount('treasury', 'USD');
const house = systemAccount('house', 'USD');

async function fund(owner: string, amount: bigint) {
  const r = await ledger.execute([
    { from: treasury, to: playerAccount(owner, 'USD'), amount_minor: amount, kind: 'topup' },
  ]);
  assert.ok(r.ok);
}

describe('ledger core', () => {
  test('a movement updates both balances and the zero sum holds', async () => {
    await fund('p1', 1_000n);
    const r = await ledger.execute([{ from: playerAccount('p1', 'USD'), to: house, amount_minor: 250n, kind: 'bet' }]);
    assert.ok(r.ok);
    assert.equal((await ledger.account(playerAccount('p1', 'USD')))!.balance_minor, 750n);
    const [{ total }] = await db.sql`select sum(balance_minor)::bigint as total from accounts where asset = 'USD'`;
    assert.equal(total, 0n);
  });

  test('an operation of several transfers is all-or-nothing', async () => {
    await fund('p2', 100n);
    const r = await ledger.execute([
      { from: playerAccount('p2', 'USD'), to: house, amount_minor: 60n, kind: 'bet' },
      { from: playerAccount('p2', 'USD'), to: house, amount_minor: 60n, kind: 'bet' },
    ]);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.key, 'INSUFFICIENT_FUNDS');
    const account = await ledger.account(playerAccount('p2', 'USD'));
    assert.equal(account!.balance_minor, 100n);
    assert.equal(account!.version, 1n);
  });

  test('a refused command does not fail its neighbours in the same batch', async () => {
    await fund('p3', 10n);
    const results = await Promise.all([
      ledger.execute([{ from: playerAccount('p3', 'USD'), to: house, amount_minor: 5n, kind: 'bet' }]),
      ledger.execute([{ from: playerAccount('p3', 'USD'), to: house, amount_minor: 500n, kind: 'bet' }]),
      ledger.execute([{ from: playerAccount('p3', 'USD'), to: house, amount_minor: 5n, kind: 'bet' }]),
    ]);
    assert.deepEqual(
      results.map((r) => r.ok),
      [true, false, true],
    );
    assert.equal((await ledger.account(playerAccount('p3', 'USD')))!.balance_minor, 0n);
  });

  test('the same external id is applied once and replays return the first transfer', async () => {
    await fund('p4', 100n);
    const spec = {
      from: playerAccount('p4', 'USD'),
      to: house,
      amount_minor: 7n,
      kind: 'bet',
      scope: 'test',
      external_id: 'once-1',
    };
    const first = await ledger.execute([spec]);
    const again = await ledger.execute([spec]);
    assert.ok(first.ok && again.ok);
    assert.equal(again.value.replayed, true);
    assert.equal(again.value.transfers[0].id, first.value.transfers[0].id);
    const conflicting = await ledger.execute([{ ...spec, amount_minor: 8n }]);
    assert.equal(!conflicting.ok && conflicting.error.key, 'IDEMPOTENCY_CONFLICT');
    assert.equal((await ledger.account(playerAccount('p4', 'USD')))!.balance_minor, 93n);
  });

  test('history lists postings newest first with the balance after each', async () => {
    await fund('p5', 100n);
    for (const amount of [10n, 20n, 30n]) {
      assert.ok(
        (await ledger.execute([{ from: playerAccount('p5', 'USD'), to: house, amount_minor: amount, kind: 'bet' }])).ok,
      );
    }
    const account = (await ledger.account(playerAccount('p5', 'USD')))!;
    const page1 = await ledger.postings(account.id, 2);
    assert.deepEqual(
      page1.map((p) => [p.delta_minor, p.balance_after_minor]),
      [
        [-30n, 40n],
        [-20n, 70n],
      ],
    );
    const page2 = await ledger.postings(account.id, 2, page1[1].version);
    assert.deepEqual(
      page2.map((p) => [p.delta_minor, p.balance_after_minor, p.counterparty_owner]),
      [
        [-10n, 90n, 'house'],
        [100n, 100n, 'treasury'],
      ],
    );
  });

  test('transfers are immutable in the database itself', async () => {
    await assert.rejects(db.sql`update transfers set amount_minor = amount_minor + 1`, /immutable/);
    await assert.rejects(db.sql`delete from transfers`, /immutable/);
  });

  test('the CHECK constraint refuses a negative player balance even if the code were wrong', async () => {
    await fund('p6', 1n);
    await assert.rejects(db.sql`update accounts set balance_minor = -1 where owner = 'p6'`, /balance_within_limit/);
  });
});

describe('concurrency across processes (two pools, two writers)', () => {
  test('1,000 concurrent debits of 1 at a balance of 500: exactly 500 succeed', async () => {
    await fund('hot', 500n);
    const other = createSql(db.url, 10);
    const second = new Ledger(other, logger, { batch_size_max: 7, batches_in_flight: 2 });
    try {
      const writers = [ledger, second];
      const results = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          writers[i % 2].execute([{ from: playerAccount('hot', 'USD'), to: house, amount_minor: 1n, kind: 'bet' }]),
        ),
      );
      assert.equal(results.filter((r) => r.ok).length, 500);
      assert.ok(results.filter((r) => !r.ok).every((r) => !r.ok && r.error.key === 'INSUFFICIENT_FUNDS'));
      assert.equal((await ledger.account(playerAccount('hot', 'USD')))!.balance_minor, 0n);
      const report = await verifyLedger(db.sql);
      assert.ok(report.passed, formatReport(report));
    } finally {
      await second.close();
      await other.end();
    }
  });

  test('the same external id from many concurrent callers in two processes is applied once', async () => {
    await fund('idem', 1_000n);
    const other = createSql(db.url, 10);
    const second = new Ledger(other, logger);
    try {
      const spec = {
        from: playerAccount('idem', 'USD'),
        to: house,
        amount_minor: 9n,
        kind: 'bet',
        scope: 'test',
        external_id: 'shared-key',
      };
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => (i % 2 ? second : ledger).execute([spec])),
      );
      assert.ok(
        results.every((r) => r.ok),
        'every caller gets the outcome',
      );
      const ids = new Set(results.map((r) => (r.ok ? r.value.transfers[0].id : '')));
      assert.equal(ids.size, 1);
      assert.equal((await ledger.account(playerAccount('idem', 'USD')))!.balance_minor, 991n);
    } finally {
      await second.close();
      await other.end();
    }
  });

  test('first sight of a new player from many callers creates one wallet', async () => {
    const other = createSql(db.url, 10);
    const second = new Ledger(other, logger);
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? second : ledger).execute([
            { from: treasury, to: playerAccount('newcomer', 'USD'), amount_minor: 1n, kind: 'topup' },
          ]),
        ),
      );
      assert.ok(results.every((r) => r.ok));
      const rows = await db.sql`select balance_minor from accounts where owner = 'newcomer'`;
      assert.equal(rows.length, 1);
      assert.equal(rows[0].balance_minor, 40n);
    } finally {
      await second.close();
      await other.end();
    }
  });
});

describe('verify', () => {
  test('passes on a consistent ledger and detects a corrupted balance', async () => {
    await fund('victim', 100n);
    assert.ok((await verifyLedger(db.sql)).passed);
    await db.sql`update accounts set balance_minor = balance_minor + 1 where owner = 'victim'`;
    const report = await verifyLedger(db.sql);
    assert.equal(report.passed, false);
    const failed = report.checks.filter((c) => !c.passed).map((c) => c.name);
    assert.ok(failed.includes('balances recomputed from transfers'));
    assert.ok(failed.includes('zero sum per asset'));
    assert.match(formatReport(report), /FAIL/);
    await db.sql`update accounts set balance_minor = balance_minor - 1 where owner = 'victim'`;
    assert.ok((await verifyLedger(db.sql)).passed);
  });

  test('detects a broken balance-after chain', async () => {
    await fund('chain', 100n);
    await db.sql`alter table transfers disable trigger transfers_no_update`;
    try {
      await db.sql`update transfers set to_balance_after_minor = 99 where to_account_id = (select id from accounts where owner = 'chain')`;
      const report = await verifyLedger(db.sql);
      assert.equal(report.checks.find((c) => c.name === 'balance-after chains')!.passed, false);
      await db.sql`update transfers set to_balance_after_minor = 100 where to_account_id = (select id from accounts where owner = 'chain')`;
    } finally {
      await db.sql`alter table transfers enable trigger transfers_no_update`;
    }
    assert.ok((await verifyLedger(db.sql)).passed);
  });
});

describe('references without foreign keys', () => {
  test('accounts cannot be deleted, and verify catches a transfer naming a missing account', async () => {
    await fund('ref', 10n);
    await assert.rejects(db.sql`delete from accounts where owner = 'ref'`, /cannot be deleted/);
    await db.sql`alter table transfers disable trigger transfers_no_update`;
    try {
      await db.sql`update transfers set to_account_id = 999999999 where to_account_id = (select id from accounts where owner = 'ref')`;
      const report = await verifyLedger(db.sql);
      assert.equal(report.checks.find((c) => c.name.startsWith('transfers reference'))!.passed, false);
      await db.sql`update transfers set to_account_id = (select id from accounts where owner = 'ref') where to_account_id = 999999999`;
    } finally {
      await db.sql`alter table transfers enable trigger transfers_no_update`;
    }
    assert.ok((await verifyLedger(db.sql)).passed);
  });
});

describe('metadata', () => {
  test('transfer metadata is stored as a JSON object, not a string', async () => {
    const r = await ledger.execute([
      {
        from: treasury,
        to: playerAccount('meta', 'USD'),
        amount_minor: 5n,
        kind: 'topup',
        metadata: { note: 'hello', n: 1 },
      },
    ]);
    assert.ok(r.ok, 'topup applied');
    const [row] =
      await db.sql`select jsonb_typeof(metadata) as type, metadata->>'note' as note from transfers where id = ${r.value.transfers[0].id}`;
    assert.deepEqual({ ...row }, { type: 'object', note: 'hello' });
  });
});

describe('idempotency conflicts', () => {
  test('the same external id naming other accounts is a conflict, not a replay', async () => {
    const spec = {
      from: treasury,
      to: playerAccount('first', 'USD'),
      amount_minor: 286n,
      kind: 'topup',
      scope: 'test',
      external_id: 'k-accounts',
    };
    assert.ok((await ledger.execute([spec])).ok, 'first applied');
    const other = await ledger.execute([{ ...spec, to: playerAccount('second', 'USD') }]);
    assert.equal(!other.ok && other.error.key, 'IDEMPOTENCY_CONFLICT');
    assert.equal(await ledger.account(playerAccount('second', 'USD')).then((a) => a?.balance_minor ?? 0n), 0n);
  });
});
