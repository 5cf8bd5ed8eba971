import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import postgres from 'postgres';
import { connectionTarget, type Sql } from '../../src/db/sql.ts';
import { FLUSH_WAL, FlushBarrier } from '../../src/ledger/durability.ts';
import { Ledger } from '../../src/ledger/service.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

/**
 * The writer commits with synchronous_commit off (its locks go at once) and answers only after
 * FLUSH_WAL has returned: that statement must leave the WAL flushed past every earlier commit.
 * The test cluster runs with synchronous_commit off, so this pool asks for it on, as production has.
 */
let db: TestDatabase;
let sql: postgres.Sql;

before(async () => {
  db = await createTestDatabase();
  const { url, path } = connectionTarget(db.url);
  sql = postgres(url, {
    max: 1,
    onnotice: () => {},
    connection: { synchronous_commit: 'on' },
    ...(path ? { path } : {}),
  });
  await sql`create table durability_test_rows (id serial primary key, note text not null)`;
});
after(async () => {
  await sql.end({ timeout: 1 });
  await db.drop();
});

test('FLUSH_WAL flushes the WAL past an asynchronously committed transaction', async () => {
  // Repeated: the WAL writer also flushes on its own every 200 ms, which could hide a no-op once.
  for (let round = 0; round < 30; round++) {
    const committed_lsn = await sql
      .begin(async (tx) => {
        await tx`set local synchronous_commit = off`;
        await tx`insert into durability_test_rows (note) select 'row ' || g from generate_series(1, 20) g`;
        return null;
      })
      .then(() => sql`select pg_current_wal_insert_lsn() as lsn`)
      .then(([r]) => r.lsn as string);
    await sql.unsafe(FLUSH_WAL);
    const [{ flushed }] = await sql`select pg_current_wal_flush_lsn() >= ${committed_lsn}::pg_lsn as flushed`;
    assert.equal(flushed, true, `round ${round}: WAL flushed past ${committed_lsn}`);
  }
});

test('a transaction that only takes a transaction id is not enough (why FLUSH_WAL also writes a record)', async () => {
  let unflushed = 0;
  for (let round = 0; round < 30; round++) {
    await sql.begin(async (tx) => {
      await tx`set local synchronous_commit = off`;
      await tx`insert into durability_test_rows (note) values ('x')`;
    });
    const [{ lsn }] = await sql`select pg_current_wal_insert_lsn() as lsn`;
    await sql`select pg_current_xact_id()`;
    const [{ flushed }] = await sql`select pg_current_wal_flush_lsn() >= ${lsn}::pg_lsn as flushed`;
    if (!flushed) unflushed += 1;
  }
  assert.ok(unflushed > 0, "PostgreSQL flushed every time: the premise of FLUSH_WAL's design changed, revisit it");
});

test('FlushBarrier: 50 concurrent readers share at most two flushes, and each is covered', async () => {
  let flushes = 0;
  const counting = {
    unsafe: (query: string) => {
      flushes += 1;
      return sql.unsafe(query);
    },
  } as unknown as Sql;
  const barrier = new FlushBarrier(counting);
  await sql.begin(async (tx) => {
    await tx`set local synchronous_commit = off`;
    await tx`insert into durability_test_rows (note) values ('before the readers')`;
  });
  const [{ lsn }] = await sql`select pg_current_wal_insert_lsn() as lsn`;
  await Promise.all(Array.from({ length: 50 }, () => barrier.wait()));
  assert.ok(flushes >= 1 && flushes <= 2, `${flushes} flushes for 50 readers`);
  const [{ flushed }] = await sql`select pg_current_wal_flush_lsn() >= ${lsn}::pg_lsn as flushed`;
  assert.equal(flushed, true);
  // A reader arriving while a flush runs waits for the next one.
  flushes = 0;
  const first = barrier.wait();
  const second = barrier.wait();
  await Promise.all([first, second]);
  assert.equal(flushes, 2, 'the second caller did not ride on a flush that started before it');
});

test('ledger.durable() returns only once an earlier asynchronous commit is on disk', async () => {
  const ledger = new Ledger(sql as unknown as Sql, createLogger('silent'));
  try {
    for (let round = 0; round < 10; round++) {
      await sql.begin(async (tx) => {
        await tx`set local synchronous_commit = off`;
        await tx`insert into durability_test_rows (note) values ('shown to a client')`;
      });
      const [{ lsn }] = await sql`select pg_current_wal_insert_lsn() as lsn`;
      await ledger.durable();
      const [{ flushed }] = await sql`select pg_current_wal_flush_lsn() >= ${lsn}::pg_lsn as flushed`;
      assert.equal(flushed, true, `round ${round}`);
    }
  } finally {
    await ledger.close();
  }
});
