import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Ledger } from '../../src/ledger/service.ts';
import { playerAccount, systemAccount, type AccountKey, type TransferSpec } from '../../src/ledger/types.ts';
import { verifyLedger, formatReport } from '../../src/ledger/verify.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

/**
 * Random operation sequences against the real ledger, checked step by step against a plain
 * in-memory model: same outcome for every command, same balances, and verify passes at the end.
 * Commands are submitted in concurrent chunks so they share group-commit batches; with one batch in
 * flight the writer keeps submission order, which is what the model assumes.
 */
let db: TestDatabase;
let ledger: Ledger;
before(async () => {
  db = await createTestDatabase();
  ledger = new Ledger(db.sql, createLogger('silent'), { batches_in_flight: 1, batch_size_max: 8 });
});
after(async () => {
  await ledger.close();
  await db.drop();
});

type Op =
  | { type: 'topup'; player: number; amount: number }
  | { type: 'bet'; player: number; amount: number }
  | { type: 'win'; player: number; amount: number }
  | { type: 'p2p'; from: number; to: number; amount: number }
  | { type: 'multi'; player: number; amounts: number[] }
  | { type: 'keyed'; player: number; amount: number; key: number };

const PLAYERS = 4;
const amount = fc.integer({ min: 1, max: 300 });
const player = fc.integer({ min: 0, max: PLAYERS - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constant('topup' as const), player, amount }),
  fc.record({ type: fc.constant('bet' as const), player, amount }),
  fc.record({ type: fc.constant('win' as const), player, amount }),
  fc.record({ type: fc.constant('p2p' as const), from: player, to: player, amount }).filter((o) => o.from !== o.to),
  fc.record({ type: fc.constant('multi' as const), player, amounts: fc.array(amount, { minLength: 2, maxLength: 4 }) }),
  fc.record({ type: fc.constant('keyed' as const), player, amount, key: fc.integer({ min: 0, max: 3 }) }),
);

class Model {
  balances = new Map<string, bigint>();
  keys = new Map<string, { player: number; amount: number }>();
  constructor(readonly run: string) {}
  name(p: number) {
    return `${this.run}-p${p}`;
  }
  get(k: string) {
    return this.balances.get(k) ?? 0n;
  }
  move(from: string | null, to: string | null, amount_minor: bigint) {
    if (from) this.balances.set(from, this.get(from) - amount_minor);
    if (to) this.balances.set(to, this.get(to) + amount_minor);
  }
  /** Returns the expected outcome and applies it. */
  apply(o: Op): 'ok' | string {
    switch (o.type) {
      case 'topup':
        this.move(null, this.name(o.player), BigInt(o.amount));
        return 'ok';
      case 'win':
        this.move(null, this.name(o.player), BigInt(o.amount));
        return 'ok';
      case 'bet':
        if (this.get(this.name(o.player)) < BigInt(o.amount)) return 'INSUFFICIENT_FUNDS';
        this.move(this.name(o.player), null, BigInt(o.amount));
        return 'ok';
      case 'p2p':
        if (this.get(this.name(o.from)) < BigInt(o.amount)) return 'INSUFFICIENT_FUNDS';
        this.move(this.name(o.from), this.name(o.to), BigInt(o.amount));
        return 'ok';
      case 'multi': {
        const total = o.amounts.reduce((s, a) => s + BigInt(a), 0n);
        if (this.get(this.name(o.player)) < total) return 'INSUFFICIENT_FUNDS';
        this.move(this.name(o.player), null, total);
        return 'ok';
      }
      case 'keyed': {
        const key = `${this.run}-k${o.key}`;
        const seen = this.keys.get(key);
        if (seen) return seen.player === o.player && seen.amount === o.amount ? 'ok' : 'IDEMPOTENCY_CONFLICT';
        this.keys.set(key, { player: o.player, amount: o.amount });
        this.move(null, this.name(o.player), BigInt(o.amount));
        return 'ok';
      }
    }
  }
}

function toTransfers(o: Op, model: Model): TransferSpec[] {
  const p = (i: number): AccountKey => playerAccount(model.name(i), 'USD');
  const treasury = systemAccount('treasury', 'USD');
  const house = systemAccount('house', 'USD');
  switch (o.type) {
    case 'topup':
      return [{ from: treasury, to: p(o.player), amount_minor: BigInt(o.amount), kind: 'topup' }];
    case 'win':
      return [{ from: house, to: p(o.player), amount_minor: BigInt(o.amount), kind: 'win' }];
    case 'bet':
      return [{ from: p(o.player), to: house, amount_minor: BigInt(o.amount), kind: 'bet' }];
    case 'p2p':
      return [{ from: p(o.from), to: p(o.to), amount_minor: BigInt(o.amount), kind: 'p2p' }];
    case 'multi':
      return o.amounts.map((a) => ({ from: p(o.player), to: house, amount_minor: BigInt(a), kind: 'bet' }));
    case 'keyed':
      return [
        {
          from: treasury,
          to: p(o.player),
          amount_minor: BigInt(o.amount),
          kind: 'topup',
          scope: 'prop',
          external_id: `${model.run}-k${o.key}`,
        },
      ];
  }
}

let runs = 0;
test('random operation sequences agree with an in-memory model, and verify passes', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(op, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 6 }),
      async (chunks) => {
        const model = new Model(`r${runs++}`);
        for (const chunk of chunks) {
          const expected = chunk.map((o) => model.apply(o));
          const outcomes = await Promise.all(chunk.map((o) => ledger.execute(toTransfers(o, model))));
          outcomes.forEach((outcome, i) => {
            assert.equal(outcome.ok ? 'ok' : outcome.error.key, expected[i], `op ${JSON.stringify(chunk[i])}`);
          });
          for (let i = 0; i < PLAYERS; i++) {
            const account = await ledger.account(playerAccount(model.name(i), 'USD'));
            assert.equal(account?.balance_minor ?? 0n, model.get(model.name(i)), `balance of ${model.name(i)}`);
          }
        }
      },
    ),
    { numRuns: 40 },
  );
  const report = await verifyLedger(db.sql);
  assert.ok(report.passed, formatReport(report));
});
