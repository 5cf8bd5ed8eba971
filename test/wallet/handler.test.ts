import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createSql, type Sql } from '../../src/db/sql.ts';
import { Ledger } from '../../src/ledger/service.ts';
import { playerAccount, systemAccount, type AccountKey } from '../../src/ledger/types.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { movementHandler, type MovementInput } from '../../src/wallet/handler.ts';
import { sha256 } from '../../src/wallet/idempotency.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

/**
 * The wallet command inside the ledger, below the HTTP pre-check: what makes a duplicate safe when
 * two writers (two processes) both miss the stored response and race to the database.
 */
const logger = createLogger('silent');
let db: TestDatabase;
let other_pool: Sql;
let one: Ledger;
let two: Ledger;

before(async () => {
  db = await createTestDatabase();
  other_pool = createSql(db.url, 5);
  one = new Ledger(db.sql, logger);
  two = new Ledger(other_pool, logger);
});
after(async () => {
  await one.close();
  await two.close();
  await other_pool.end({ timeout: 1 });
  await db.drop();
});

function command(player: string, key: string, fingerprint: string, amount_minor = 10n) {
  const to = playerAccount(player, 'GOLD_COINS');
  const from = systemAccount('treasury', 'GOLD_COINS');
  const input: MovementInput = {
    scope: { api_key_hash: sha256('api-key'), idempotency_key: key, request_hash: sha256(fingerprint) },
    transfer: { from, to, amount_minor, kind: 'topup' },
    respond: (record) => ({ transactionId: record.id }),
  };
  const accounts = [from, to].map((k: AccountKey) => ({ key: k, create: true }));
  return { handler: movementHandler, input, accounts };
}

const balance = async (player: string) => (await one.account(playerAccount(player, 'GOLD_COINS')))?.balance_minor;

describe('wallet movement command', () => {
  test('two writers racing with one key and one request: one applies, the other replays its bytes', async () => {
    for (let i = 0; i < 20; i++) {
      const key = randomUUID();
      const [a, b] = await Promise.all([
        one.submit(command('c_same', key, 'body')),
        two.submit(command('c_same', key, 'body')),
      ]);
      assert.ok(a.ok && b.ok, `round ${i}`);
      assert.equal([a.value.replayed, b.value.replayed].filter((r) => !r).length, 1, `round ${i}: exactly one applied`);
      assert.deepEqual(a.value.body, b.value.body);
    }
    assert.equal(await balance('c_same'), 200n);
  });

  test('two writers racing with one key on different accounts: the loser fails on the stored key, retries, and answers 422', async () => {
    for (let i = 0; i < 10; i++) {
      const key = randomUUID();
      const [a, b] = await Promise.all([
        one.submit(command(`c_x${i}`, key, 'x')),
        two.submit(command(`c_y${i}`, key, 'y')),
      ]);
      const outcomes = [a, b];
      assert.equal(outcomes.filter((o) => o.ok).length, 1, `round ${i}`);
      const lost = outcomes.find((o) => !o.ok)!;
      assert.equal(!lost.ok && lost.error.key, 'WALLET_IDEMPOTENCY_KEY_REUSED');
      const moved = [await balance(`c_x${i}`), await balance(`c_y${i}`)].map((b) => b ?? 0n);
      assert.deepEqual(moved.sort(), [0n, 10n]);
    }
  });

  test('a duplicate in the same batch replays what the first decided', async () => {
    const key = randomUUID();
    const results = await Promise.all([1, 2, 3].map(() => one.submit(command('c_batch', key, 'body'))));
    assert.ok(
      results.every((r) => r.ok),
      'all answered',
    );
    assert.equal(results.filter((r) => r.ok && !r.value.replayed).length, 1);
    assert.equal(await balance('c_batch'), 10n);
  });

  test('verifyLedger passes', async () => {
    const report = await verifyLedger(db.sql);
    assert.ok(report.passed, JSON.stringify(report.checks.filter((c) => !c.passed)));
  });
});
