import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testContext, type TestDatabase } from '../support/db.ts';
import type { AppContext } from '../../src/ledger/context.ts';
import { playerAccount, systemAccount } from '../../src/ledger/types.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { ingestHandler, itemAccounts } from '../../src/transactions/handler.ts';

let db: TestDatabase;
let ctx: AppContext;
before(async () => {
  db = await createTestDatabase();
  ctx = testContext(db);
});
after(async () => {
  await ctx.ledger.close();
  await db.drop();
});

const item = (id: string, user_id: string, type: 'earned' | 'spent' | 'payout', amount_minor: bigint) => ({
  id,
  user_id,
  type,
  amount_minor,
  created_at: new Date(),
});
const ingest = (i: ReturnType<typeof item>) =>
  ctx.ledger.submit({ handler: ingestHandler, input: i, accounts: itemAccounts(i).needs });

test('an SCR wallet opened by ingestion may go below zero; other players keep their floor of 0', async () => {
  const spent = await ingest(item('o1', 'neg', 'spent', 500n));
  assert.deepEqual(spent, { ok: true, value: { applied: true } });
  const account = await ctx.ledger.account(playerAccount('neg', 'SCR'));
  assert.equal(account?.balance_minor, -500n);
  assert.equal(account?.overdraft_limit_minor, 9007199254740991n);
  // The ordinary path still creates players with a floor of 0.
  const refused = await ctx.ledger.execute([
    { from: playerAccount('plain', 'SCR'), to: systemAccount('revenue', 'SCR'), amount_minor: 1n, kind: 'test' },
  ]);
  assert.equal(refused.ok, false);
  assert.equal((await ctx.ledger.account(playerAccount('plain', 'SCR')))?.overdraft_limit_minor, 0n);
});

test('the same upstream id twice, in one batch or later, moves money once', async () => {
  const twice = await Promise.all([
    ingest(item('d1', 'dup', 'earned', 120n)),
    ingest(item('d1', 'dup', 'earned', 120n)),
  ]);
  assert.deepEqual(twice.map((o) => o.ok && o.value.applied).sort(), [false, true]);
  assert.deepEqual(await ingest(item('d1', 'dup', 'earned', 120n)), { ok: true, value: { applied: false } });
  assert.equal((await ctx.ledger.account(playerAccount('dup', 'SCR')))?.balance_minor, 120n);
  const [totals] = await db.sql`select earned_minor from ingest_user_totals where user_id = 'dup'`;
  assert.equal(totals.earned_minor, 120n);
  assert.equal((await verifyLedger(db.sql)).passed, true);
});

test('an SCR wallet opened earlier at a floor of 0 keeps it: a spend below zero is refused by the ledger, not forced', async () => {
  await ctx.ledger.ensureAccounts([playerAccount('walleted', 'SCR')]);
  const refused = await ingest(item('w1', 'walleted', 'spent', 1n));
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.error.key, 'INSUFFICIENT_FUNDS');
  assert.equal(
    (await db.sql`select count(*) as n from ingest_items where id = 'w1'`)[0].n,
    0n,
    'nothing recorded: the puller quarantines it',
  );
});

test('40 settlements of 100 from two processes at once on a payout of 1000: exactly 1000 is paid, never more', async () => {
  const { createSql } = await import('../../src/db/sql.ts');
  const { Ledger } = await import('../../src/ledger/service.ts');
  const { TransactionsService } = await import('../../src/transactions/service.ts');
  const { sha256 } = await import('../../src/transactions/idempotency.ts');
  await ingest(item('p1', 'payee', 'payout', 1000n));
  const sql2 = createSql(db.url, 5);
  const ledger2 = new Ledger(sql2, ctx.logger);
  const services = [new TransactionsService(db.sql, ctx.ledger), new TransactionsService(sql2, ledger2)];
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      services[i % 2].settle(
        'payee',
        { amount_minor: 100n, stamp: { operator_id: 'admin', operator_name: 'admin', reason: null } },
        {
          api_key_hash: sha256('key'),
          idempotency_key: `c${i}`,
          request_hash: sha256(`c${i}`),
        },
      ),
    ),
  );
  await ledger2.close();
  await sql2.end();
  const settled = results.map((r) => BigInt(JSON.parse(r.body.toString()).settled)).reduce((a, b) => a + b, 0n);
  assert.equal(settled, 1000n);
  const [t] = await db.sql`select payout_minor, paid_out_minor from ingest_user_totals where user_id = 'payee'`;
  assert.deepEqual([t.payout_minor, t.paid_out_minor], [0n, 1000n]);
  assert.equal((await ctx.ledger.account(systemAccount('payouts_pending', 'SCR')))?.balance_minor, 0n);
  assert.equal((await verifyLedger(db.sql)).passed, true);
});
