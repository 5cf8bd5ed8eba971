import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedCache } from '../../src/platform/bounded-cache.ts';

test('a value is made once per key, and a full cache starts over instead of growing', () => {
  let made = 0;
  const cache = new BoundedCache<string, string>(3);
  const get = (key: string) =>
    cache.get(key, () => {
      made += 1;
      return `value of ${key}`;
    });
  assert.equal(get('a'), 'value of a');
  assert.equal(get('a'), 'value of a');
  assert.equal(made, 1, 'the second get is a hit');
  get('b');
  get('c');
  assert.equal(made, 3);
  get('d'); // full: starts over with d alone
  get('c');
  assert.equal(made, 5, 'c was dropped when the cache started over');
  assert.equal(get('d'), 'value of d');
  assert.equal(made, 5, 'd stayed');
});

test('set replaces a present key without starting over; peek never makes anything', () => {
  const cache = new BoundedCache<string, number>(2);
  cache.set('a', 1);
  cache.set('b', 2);
  cache.set('b', 3); // full, but b is present: a stays
  assert.equal(cache.peek('a'), 1);
  assert.equal(cache.peek('b'), 3);
  assert.equal(cache.peek('z'), undefined);
  cache.set('c', 4); // full and new: starts over
  assert.equal(cache.peek('a'), undefined);
  assert.equal(cache.peek('c'), 4);
});
