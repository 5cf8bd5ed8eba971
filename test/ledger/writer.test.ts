import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ledger } from '../../src/ledger/service.ts';
import type { CommandHandler } from '../../src/ledger/command.ts';
import { playerAccount, systemAccount, succeed } from '../../src/ledger/types.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { AppError } from '../../src/platform/errors.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

/** The group-commit writer's own contract: protocol rows commit with the money, or nothing does. */
let db: TestDatabase;
let ledger: Ledger;
const logger = createLogger('silent');
const house = systemAccount('house', 'USD');

before(async () => {
  db = await createTestDatabase();
  ledger = new Ledger(db.sql, logger);
  await db.sql`create table writer_test_rows (id text primary key, note text not null check (note <> 'bad'))`;
  assert.ok((await ledger.execute([{ from: systemAccount('treasury', 'USD'), to: playerAccount('w', 'USD'), amount_minor: 1_000n, kind: 'topup' }])).ok, 'funded');
});
after(async () => {
  await ledger.close();
  await db.drop();
});

type Input = { id: string; note: string };

function betHandler(persist: CommandHandler<Input, string>['persist']): CommandHandler<Input, string> {
  return {
    name: 'test.bet',
    apply(book, input) {
      const r = book.transfer({ from: playerAccount('w', 'USD'), to: house, amount_minor: 10n, kind: 'bet' });
      return r.ok ? succeed(r.value.id) : r;
    },
    persist,
  };
}

const needs = [{ key: playerAccount('w', 'USD'), create: false }, { key: house, create: true }];
const balance = async () => (await ledger.account(playerAccount('w', 'USD')))!.balance_minor;

test('a persist returning unawaited statements commits them with the money', async () => {
  const handler = betHandler((tx, decided) => decided.map((d) => tx`insert into writer_test_rows values (${d.input.id}, ${d.input.note})`));
  const outcomes = await Promise.all(['a1', 'a2', 'a3'].map((id) => ledger.submit({ handler, input: { id, note: 'ok' }, accounts: needs })));
  assert.ok(outcomes.every((o) => o.ok), 'all applied');
  const rows = await db.sql`select id from writer_test_rows where id like 'a%' order by id`;
  assert.deepEqual(rows.map((r) => r.id), ['a1', 'a2', 'a3']);
  assert.equal(await balance(), 970n);
});

test('an async persist that awaits its own statements is waited for before COMMIT', async () => {
  const handler = betHandler(async (tx, decided) => {
    for (const d of decided) await tx`insert into writer_test_rows values (${d.input.id}, ${d.input.note})`;
  });
  const outcomes = await Promise.all(['b1', 'b2'].map((id) => ledger.submit({ handler, input: { id, note: 'ok' }, accounts: needs })));
  assert.ok(outcomes.every((o) => o.ok), 'all applied');
  assert.equal((await db.sql`select count(*)::int as n from writer_test_rows where id like 'b%'`)[0].n, 2);
  assert.equal(await balance(), 950n);
});

test('an async persist whose later statement fails rolls back everything (COMMIT never overtakes it)', async () => {
  const handler = betHandler(async (tx, decided) => {
    for (const d of decided) {
      await tx`insert into writer_test_rows values (${d.input.id}, 'ok')`;
      await tx`insert into writer_test_rows values (${`${d.input.id}-second`}, ${d.input.note})`;
    }
  });
  const before_minor = await balance();
  await assert.rejects(ledger.submit({ handler, input: { id: 'e1', note: 'bad' }, accounts: needs }), /writer_test_rows_note_check/);
  assert.equal(await balance(), before_minor, 'no money moved');
  assert.equal((await db.sql`select count(*)::int as n from writer_test_rows where id like 'e1%'`)[0].n, 0, 'no row of the batch');
});

test('a failing protocol statement rolls the money back too, and the caller gets the error', async () => {
  const handler = betHandler((tx, decided) => decided.map((d) => tx`insert into writer_test_rows values (${d.input.id}, ${d.input.note})`));
  const before_minor = await balance();
  await assert.rejects(ledger.submit({ handler, input: { id: 'c1', note: 'bad' }, accounts: needs }), /writer_test_rows_note_check/);
  assert.equal(await balance(), before_minor, 'no money moved');
  assert.equal((await db.sql`select count(*)::int as n from writer_test_rows where id = 'c1'`)[0].n, 0);
  // The pool's connections are clean afterwards: the next batch commits normally.
  assert.ok((await ledger.submit({ handler, input: { id: 'c2', note: 'ok' }, accounts: needs })).ok, 'next batch applies');
  assert.ok((await verifyLedger(db.sql)).passed, 'ledger verifies');
});

test('a bad command in a batch does not fail its neighbours (the batch is split)', async () => {
  const handler = betHandler((tx, decided) => decided.map((d) => tx`insert into writer_test_rows values (${d.input.id}, ${d.input.note})`));
  const results = await Promise.allSettled(['d1', 'd2', 'd3'].map((id) =>
    ledger.submit({ handler, input: { id, note: id === 'd2' ? 'bad' : 'ok' }, accounts: needs })));
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.equal((await db.sql`select count(*)::int as n from writer_test_rows where id in ('d1', 'd3')`)[0].n, 2);
});

test('a full queue refuses new commands with OVERLOADED instead of growing without bound', async () => {
  const small = new Ledger(db.sql, logger, { queue_length_max: 2 });
  try {
    const spec = [{ from: systemAccount('treasury', 'USD'), to: playerAccount('q', 'USD'), amount_minor: 1n, kind: 'topup' }];
    const submitted = Array.from({ length: 6 }, () => small.execute(spec));
    const settled = await Promise.allSettled(submitted);
    const refused = settled.filter((r) => r.status === 'rejected');
    assert.ok(refused.length > 0, 'some refused');
    assert.ok(refused.every((r) => r.status === 'rejected' && r.reason instanceof AppError && r.reason.key === 'OVERLOADED'), 'refused as OVERLOADED');
    const applied = settled.filter((r) => r.status === 'fulfilled').length;
    assert.equal((await small.account(playerAccount('q', 'USD')))!.balance_minor, BigInt(applied));
  } finally {
    await small.close();
  }
});
