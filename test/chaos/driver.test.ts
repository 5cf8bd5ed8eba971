import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { createSql, type Sql } from '../../src/db/sql.ts';

/**
 * The patched postgres.js (patches/postgres+3.4.9.patch): a connection that dies with work queued on
 * it fails that work — on a reserved connection as on the pool — and nothing is thrown from a
 * socket callback or a setImmediate, where it would kill the process.
 */
const SETTLE_MS = 3_000;

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)),
  ]);
}

describe('a connection killed under the driver', () => {
  let db: TestDatabase;
  let sql: Sql;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  before(async () => {
    db = await createTestDatabase();
    sql = createSql(db.url, 4);
    process.on('uncaughtException', onUncaught);
  });
  after(async () => {
    process.off('uncaughtException', onUncaught);
    await sql.end({ timeout: 1 });
    await db.drop();
  });

  test('array parameters keep every character: the patched escape skips only elements with no quote or backslash', async () => {
    const values = ['plain', 'a"b', 'c\\d', '\\"', '"', '\\', '{x,y}', 'NULL', '', ' padded ', 'é€😀', null];
    const rows = await sql<
      { v: string | null }[]
    >`select v from unnest(${values}::text[]) with ordinality as t(v, n) order by n`;
    assert.deepEqual(
      rows.map((r) => r.v),
      values,
    );
  });

  test('every pooled connection carries the statement, lock and idle-in-transaction deadlines', async () => {
    const [row] = await sql`select current_setting('statement_timeout') as s, current_setting('lock_timeout') as l,
      current_setting('idle_in_transaction_session_timeout') as i`;
    assert.deepEqual(row, { s: '15s', l: '5s', i: '10s' });
  });

  test('queries pipelined on a reserved connection are rejected when its backend is terminated, and release() does not return it to the pool', async () => {
    for (let round = 0; round < 5; round++) {
      const conn = await sql.reserve();
      const [{ pid }] = await conn`select pg_backend_pid() as pid`;
      await conn.unsafe('begin');
      // Statements queued and buffered (not yet written) when the backend dies.
      const queued = Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => conn`select pg_sleep(0.01), ${i}::int as i`.execute()),
      );
      await db.sql`select pg_terminate_backend(${pid})`;
      const settled = await within(queued, SETTLE_MS, 'queued statements');
      assert.ok(
        settled.every((s) => s.status === 'rejected'),
        'every queued statement fails',
      );
      // A statement sent after the close fails at once instead of waiting forever.
      await assert.rejects(
        within(conn`select 1`, SETTLE_MS, 'statement after close'),
        (e: { code?: string }) => e.code === 'CONNECTION_CLOSED',
      );
      await within(
        conn.unsafe('rollback').catch(() => {}),
        SETTLE_MS,
        'rollback after close',
      );
      conn.release();
      // The pool still works: the dead connection was not handed out again.
      const rows = await within(
        Promise.all(Array.from({ length: 8 }, () => sql`select 1 as one`)),
        SETTLE_MS,
        'pool after release',
      );
      assert.equal(rows.length, 8);
    }
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(uncaught, [], 'nothing thrown outside a caller');
  });

  test('a reserve() waiting for the only connection gets a new one when that connection is terminated, instead of waiting forever', async () => {
    const single = createSql(db.url, 1);
    try {
      await single`select 1`;
      const busy = single`select pg_sleep(2) as reserve_test`.execute().catch(() => 'killed');
      // The driver dispatches a query a microtask later: let it take the connection first.
      await new Promise((r) => setImmediate(r));
      const reserving = single.reserve();
      // Terminate the backend once it is running the statement.
      let pid: number | undefined;
      for (let i = 0; i < 40 && pid === undefined; i++) {
        await new Promise((r) => setTimeout(r, 25));
        [{ pid } = { pid: undefined }] = await db.sql<
          { pid: number }[]
        >`select pid from pg_stat_activity where query like '%as reserve_test%' and state = 'active' and pid <> pg_backend_pid()`;
      }
      assert.ok(pid, 'the statement is running');
      await db.sql`select pg_terminate_backend(${pid})`;
      assert.equal(await within(busy, SETTLE_MS, 'busy statement'), 'killed');
      const conn = await within(reserving, SETTLE_MS, 'reserve');
      const [{ one }] = await conn`select 1 as one`;
      assert.equal(one, 1);
      conn.release();
    } finally {
      await single.end({ timeout: 1 });
    }
  });

  test('statements queued inside sql.begin() settle when its connection is terminated', async () => {
    let statements: Promise<unknown> | undefined;
    const transaction = sql
      .begin(async (tx) => {
        const [{ pid }] = await tx`select pg_backend_pid() as pid`;
        // More than the driver pipelines at once (100): the rest wait in the transaction's own queue.
        statements = Promise.allSettled(
          Array.from({ length: 300 }, (_, i) => tx`select pg_sleep(0.001), ${i}::int as i`.execute()),
        );
        await db.sql`select pg_terminate_backend(${pid})`;
        await statements;
      })
      .then(
        () => 'committed',
        () => 'failed',
      );
    assert.equal(await within(transaction, SETTLE_MS, 'transaction'), 'failed');
    const settled = (await within(statements!, SETTLE_MS, 'queued statements')) as PromiseSettledResult<unknown>[];
    assert.ok(
      settled.some((r) => r.status === 'rejected'),
      'the statements after the kill fail',
    );
  });

  test('queries queued on pooled connections fail when their backends are terminated, and the pool reconnects', async () => {
    const running = Promise.allSettled(Array.from({ length: 40 }, () => sql`select pg_sleep(0.2)`.execute()));
    await new Promise((r) => setTimeout(r, 50));
    await db.sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'croupier' and datname = current_database() and pid <> pg_backend_pid() and query like '%pg_sleep%'`;
    const settled = await within(running, SETTLE_MS, 'pooled statements');
    assert.ok(
      settled.some((s) => s.status === 'rejected'),
      'the killed statements fail',
    );
    const [{ one }] = await within(sql`select 1 as one`, SETTLE_MS, 'pool after the kill');
    assert.equal(one, 1);
    assert.deepEqual(uncaught, []);
  });
});
