import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Book } from './book.ts';
import { playerAccount, systemAccount, type AccountState } from './types.ts';
import { InvariantError } from '../platform/assert.ts';

const alice = playerAccount('alice', 'USD');
const bob = playerAccount('bob', 'USD');
const house = systemAccount('house', 'USD');

function state(id: bigint, key: typeof alice, balance: bigint, floor: bigint | null = 0n): AccountState {
  return { id, key, balance_minor: balance, version: 0n, overdraft_limit_minor: floor };
}

function book(aliceBalance = 100n, aliceFloor: bigint | null = 0n) {
  return new Book(
    [state(1n, alice, aliceBalance, aliceFloor), state(2n, bob, 0n), state(3n, house, 0n, null)],
    new Date(),
  );
}

test('a transfer moves money and records both balances after it', () => {
  const b = book();
  b.begin();
  const r = b.transfer({ from: alice, to: house, amount_minor: 30n, kind: 'bet' });
  b.commit();
  assert.ok(r.ok);
  assert.equal(r.value.from_balance_after_minor, 70n);
  assert.equal(r.value.to_balance_after_minor, 30n);
  assert.equal(r.value.from_version, 1n);
  assert.equal(b.balance(alice), 70n);
  b.assertBalanced();
});

test('refuses a transfer that would take a player above 2^53 − 1, changing nothing; system accounts have no ceiling', () => {
  const max = 9007199254740991n;
  const b = new Book([state(1n, alice, max - 5n), state(3n, house, 0n, null)], new Date());
  b.begin();
  assert.deepEqual(b.transfer({ from: house, to: alice, amount_minor: 6n, kind: 'win' }), {
    ok: false,
    refusal: 'BALANCE_LIMIT',
  });
  b.undo();
  assert.equal(b.balance(alice), max - 5n);
  b.begin();
  assert.ok(b.transfer({ from: house, to: alice, amount_minor: 5n, kind: 'win' }).ok, 'exactly the ceiling is allowed');
  assert.ok(b.transfer({ from: alice, to: house, amount_minor: max, kind: 'bet' }).ok);
  assert.ok(b.transfer({ from: alice, to: house, amount_minor: max - 1n, kind: 'bet' }).ok === false);
  b.undo();
  const rich = new Book([state(1n, alice, max), state(3n, house, max, null)], new Date());
  rich.begin();
  assert.ok(rich.transfer({ from: alice, to: house, amount_minor: max, kind: 'bet' }).ok, 'the house may exceed it');
  rich.commit();
  assert.equal(rich.balance(house), 2n * max);
});

test('refuses a transfer that would take a player below zero, changing nothing', () => {
  const b = book(10n);
  b.begin();
  const r = b.transfer({ from: alice, to: house, amount_minor: 11n, kind: 'bet' });
  assert.deepEqual(r, { ok: false, refusal: 'INSUFFICIENT_FUNDS' });
  b.undo();
  assert.equal(b.balance(alice), 10n);
  assert.equal(b.transfers.length, 0);
});

test('an explicit overdraft limit lets an account go that far below zero and no further', () => {
  const b = book(0n, 50n);
  b.begin();
  assert.ok(b.transfer({ from: alice, to: house, amount_minor: 50n, kind: 'bet' }).ok);
  assert.equal(b.transfer({ from: alice, to: house, amount_minor: 1n, kind: 'bet' }).ok, false);
  b.commit();
  assert.equal(b.balance(alice), -50n);
});

test('system accounts without a floor go negative as they issue money', () => {
  const b = book(0n);
  b.begin();
  assert.ok(b.transfer({ from: house, to: alice, amount_minor: 1_000n, kind: 'win' }).ok);
  b.commit();
  assert.equal(b.balance(house), -1_000n);
  b.assertBalanced();
});

test('undo reverts every transfer of the command and only that command', () => {
  const b = book(100n);
  b.begin();
  b.transfer({ from: alice, to: bob, amount_minor: 40n, kind: 'p2p' });
  b.commit();
  b.begin();
  b.transfer({ from: alice, to: house, amount_minor: 20n, kind: 'bet' });
  b.transfer({ from: bob, to: house, amount_minor: 40n, kind: 'bet' });
  b.undo();
  assert.equal(b.balance(alice), 60n);
  assert.equal(b.balance(bob), 40n);
  assert.equal(b.transfers.length, 1);
  assert.deepEqual(
    b
      .touched()
      .map((a) => a.id)
      .sort(),
    [1n, 2n],
  );
});

test('amounts must be positive and assets must match (assertions, not refusals)', () => {
  const b = book();
  b.begin();
  assert.throws(() => b.transfer({ from: alice, to: house, amount_minor: 0n, kind: 'bet' }), InvariantError);
  assert.throws(
    () => b.transfer({ from: alice, to: systemAccount('house', 'EUR'), amount_minor: 1n, kind: 'bet' }),
    InvariantError,
  );
});

test('a transfer to an account that is not in the batch is refused', () => {
  const b = book();
  b.begin();
  const r = b.transfer({ from: alice, to: playerAccount('nobody', 'USD'), amount_minor: 1n, kind: 'p2p' });
  assert.equal(r.ok, false);
});
