import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ledger } from '../../src/ledger/service.ts';
import type { CommandHandler } from '../../src/ledger/command.ts';
import { playerAccount, systemAccount } from '../../src/ledger/types.ts';
import { LEDGER_ERRORS, LedgerUnavailableError } from '../../src/ledger/errors.ts';
import { mapError } from '../../src/app/errors.ts';
import { refuse, succeed } from '../../src/platform/outcome.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

/** The writer's wait deadline: a batch that never gets its answer does not hold its callers. */
const WAIT_MAX_MS = 300;
let db: TestDatabase;
before(async () => (db = await createTestDatabase()));
after(async () => db.drop());

test('a batch stuck on the database answers its callers 503 after the wait deadline; commands still queued are dropped, never applied', async () => {
  const ledger = new Ledger(db.sql, createLogger('silent'), { wait_max_ms: WAIT_MAX_MS });
  const player = playerAccount('deadline', 'USD');
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const stuck: CommandHandler<number, string, undefined> = {
    name: 'test.stuck',
    read: () => gate,
    state: () => undefined,
    apply({ book }, amount) {
      const r = book.transfer({
        from: systemAccount('treasury', 'USD'),
        to: player,
        amount_minor: BigInt(amount),
        kind: 'topup',
      });
      return r.ok ? succeed(r.value.id) : refuse(LEDGER_ERRORS[r.refusal]);
    },
  };
  const needs = [
    { key: player, create: true },
    { key: systemAccount('treasury', 'USD'), create: true },
  ];
  try {
    const started = performance.now();
    const first = ledger.submit({ handler: stuck, input: 1, accounts: needs });
    await new Promise((r) => setTimeout(r, 20));
    const queued = ledger.submit({ handler: stuck, input: 100, accounts: needs });
    const settled = await Promise.allSettled([first, queued]);
    const elapsed_ms = performance.now() - started;
    for (const s of settled) {
      assert.ok(
        s.status === 'rejected' && s.reason instanceof LedgerUnavailableError,
        'the ledger says it is unavailable',
      );
      assert.equal(mapError(s.reason)?.body().code, 'NOT_READY', 'answered NOT_READY (503)');
    }
    assert.ok(elapsed_ms < WAIT_MAX_MS * 2, `answered after ${Math.round(elapsed_ms)} ms`);
    open();
    await new Promise((r) => setTimeout(r, 200));
    // The first may have committed after all (outcome unknown, retried by idempotency key); the queued one never ran.
    const account = await ledger.account(player);
    assert.ok(
      account === undefined || account.balance_minor === 0n || account.balance_minor === 1n,
      `balance ${account?.balance_minor}`,
    );
  } finally {
    open();
    await ledger.close();
  }
});
