import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccountKeyMap } from './account-key-map.ts';
import { AccountDirectory } from './accounts.ts';
import { playerAccount, systemAccount, type AccountKey } from './types.ts';

test('an account key map tells apart every part of the key, whichever object carries it', () => {
  const map = new AccountKeyMap<number>();
  const cash: AccountKey = playerAccount('p1', 'EUR');
  map.set(cash, 1);
  map.set({ ...cash, purpose: 'bonus' }, 2);
  map.set({ ...cash, asset: 'USD' }, 3);
  map.set({ ...cash, kind: 'system' }, 4);
  map.set(playerAccount('p2', 'EUR'), 5);
  assert.equal(map.size, 5);
  // Equal keys, other objects (and an owner string built anew): the same entry.
  assert.equal(map.get({ kind: 'player', owner: ['p', '1'].join(''), purpose: 'cash', asset: 'EUR' }), 1);
  assert.equal(map.get(playerAccount('p1', 'EUR')), 1);
  assert.equal(map.get({ ...cash, purpose: 'bonus' }), 2);
  assert.equal(map.get({ ...cash, asset: 'USD' }), 3);
  assert.equal(map.get({ ...cash, kind: 'system' }), 4);
  assert.equal(map.get(playerAccount('p2', 'EUR')), 5);
  assert.equal(map.get(playerAccount('p3', 'EUR')), undefined);
  assert.equal(map.has(playerAccount('p1', 'GBP')), false);
  map.set(playerAccount('p1', 'EUR'), 10);
  assert.equal(map.size, 5, 'setting an existing key replaces its value');
  assert.equal(map.get(cash), 10);
  assert.deepEqual(
    [...map.values()].sort((a, b) => a - b),
    [2, 3, 4, 5, 10],
  );
  const changed: AccountKey = playerAccount('p4', 'EUR');
  map.set(changed, 6);
  changed.owner = 'p5'; // the map kept its own copy of the key
  assert.equal(map.get(playerAccount('p4', 'EUR')), 6);
  assert.equal(map.get(playerAccount('p5', 'EUR')), undefined);
  map.clear();
  assert.equal(map.size, 0);
  assert.equal(map.get(cash), undefined);
});

test('the account directory knows only remembered ids and starts over when full', () => {
  const directory = new AccountDirectory(2);
  const a = playerAccount('a', 'EUR');
  const b = playerAccount('b', 'EUR');
  const house = systemAccount('house', 'EUR');
  const need = (key: AccountKey) => ({ key, create: false });
  assert.deepEqual(directory.known([need(a), need(b)]), []);
  directory.remember([
    [a, 1n],
    [b, 2n],
  ]);
  assert.deepEqual(directory.known([need(a), need(b), need(a)]), [1n, 2n], 'each id once');
  directory.remember([[house, 3n]]);
  assert.deepEqual(directory.known([need(a), need(b), need(house)]), [3n], 'full: it started over');
});
