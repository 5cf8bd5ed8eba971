import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { balanceOf, casino, footprint, newPlayer, uid } from './helpers.ts';

let a: TestServer;
let b: TestServer;
before(async () => {
  a = await startTestServer();
  // A second process on the same database: nothing shared with the first but PostgreSQL.
  b = await startTestServer({ DATABASE_URL: a.db.url });
});
after(async () => {
  await b.stop();
  await b.db.drop();
  await a.close();
});

describe('concurrent callbacks', () => {
  test('20 identical debits at once: one debit, 20 identical responses', async () => {
    const p = await newPlayer(a, 1_000n);
    const body = { ...p.base, externalTransactionId: uid('d'), roundId: 'r', amount: 70 };
    // Count what reaches the ledger: in one process the duplicates join the first call, they are not queued.
    const ledger = a.ctx.ledger;
    const submit = ledger.submit.bind(ledger);
    let submitted = 0;
    ledger.submit = ((command) => {
      if (
        (command.input as { external_transaction_id?: string }).external_transaction_id === body.externalTransactionId
      )
        submitted += 1;
      return submit(command);
    }) as typeof ledger.submit;
    const replies = await Promise.all(Array.from({ length: 20 }, () => casino(a.url, '/casino/debit', body))).finally(
      () => {
        ledger.submit = submit;
      },
    );
    assert.ok(submitted >= 1 && submitted < 20, `${submitted} of 20 identical calls reached the ledger`);
    assert.ok(replies.every((r) => r.status === 200));
    assert.equal(new Set(replies.map((r) => r.text)).size, 1, 'byte-identical answers');
    assert.equal(replies[0].json.balance, 930);
    assert.equal(await balanceOf(a, p.user), 930n);
    assert.deepEqual(await footprint(a, p.user), { rows: 1, transfers: 1 });
  });

  test('identical debits split across two processes: applied once, every answer the same bytes', async () => {
    const p = await newPlayer(a, 10_000n);
    const ids = Array.from({ length: 10 }, () => uid('d'));
    const replies = await Promise.all(
      ids.flatMap((id) =>
        Array.from({ length: 8 }, (_, i) =>
          casino(i % 2 ? b.url : a.url, '/casino/debit', {
            ...p.base,
            externalTransactionId: id,
            roundId: 'r',
            amount: 100,
          }).then((r) => ({ id, r })),
        ),
      ),
    );
    assert.ok(
      replies.every(({ r }) => r.status === 200),
      JSON.stringify(replies.find(({ r }) => r.status !== 200)?.r.text),
    );
    for (const id of ids)
      assert.equal(new Set(replies.filter((x) => x.id === id).map((x) => x.r.text)).size, 1, `answers for ${id}`);
    assert.equal(await balanceOf(a, p.user), 9_000n);
    assert.deepEqual(await footprint(a, p.user), { rows: 10, transfers: 10 });
  });

  test('a debit racing its own rollback in another process: either refunded or refused, never charged', async () => {
    const p = await newPlayer(a, 10_000n);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const id = uid('d');
        const [d, rb] = await Promise.all([
          casino(a.url, '/casino/debit', { ...p.base, externalTransactionId: id, roundId: 'r', amount: 100 }),
          casino(b.url, '/casino/rollback', { ...p.base, externalTransactionId: uid('rb'), originalTransactionId: id }),
        ]);
        assert.equal(rb.status, 200);
        assert.ok(d.status === 200 || (d.status === 409 && d.json.code === 'TRANSACTION_ROLLED_BACK'), d.text);
        return d.status;
      }),
    );
    assert.equal(await balanceOf(a, p.user), 10_000n, `outcomes ${outcomes.join(',')}`);
    const { transfers } = await footprint(a, p.user);
    assert.equal(transfers, 2 * outcomes.filter((s) => s === 200).length, 'every applied debit has its refund');
  });

  test('30 debits of 10 against a balance of 100 in two processes: exactly 10 succeed, never below zero', async () => {
    const p = await newPlayer(a, 100n);
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        casino(i % 2 ? b.url : a.url, '/casino/debit', {
          ...p.base,
          externalTransactionId: uid('d'),
          roundId: 'r',
          amount: 10,
        }),
      ),
    );
    assert.equal(replies.filter((r) => r.status === 200).length, 10);
    assert.ok(
      replies.filter((r) => r.status !== 200).every((r) => r.status === 400 && r.json.code === 'INSUFFICIENT_FUNDS'),
    );
    assert.equal(await balanceOf(a, p.user), 0n);
    assert.ok((await verifyLedger(a.db.sql)).passed);
  });

  test('the same id with different amounts at once: one applies, the other is a conflict', async () => {
    const p = await newPlayer(a, 1_000n);
    const id = uid('d');
    const replies = await Promise.all(
      [100, 200].map((amount, i) =>
        casino(i ? b.url : a.url, '/casino/debit', { ...p.base, externalTransactionId: id, roundId: 'r', amount }),
      ),
    );
    assert.deepEqual(replies.map((r) => r.status).sort(), [200, 409]);
    const applied = replies.find((r) => r.status === 200)!;
    assert.equal(await balanceOf(a, p.user), BigInt(applied.json.balance));
  });
});
