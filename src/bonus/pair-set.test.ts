import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PairSet } from './pair-set.ts';

test('a pair set holds each (player, asset) once and tells apart both parts', () => {
  const pairs = new PairSet();
  assert.equal(pairs.add('p1', 'EUR'), true);
  assert.equal(pairs.add(['p', '1'].join(''), 'EUR'), false, 'an equal string built anew is the same pair');
  assert.equal(pairs.add('p1', 'USD'), true);
  assert.equal(pairs.add('p2', 'EUR'), true);
  assert.equal(pairs.size, 3);
  assert.ok(pairs.has('p1', 'EUR') && pairs.has('p1', 'USD') && pairs.has('p2', 'EUR'));
  assert.ok(!pairs.has('p2', 'USD') && !pairs.has('p3', 'EUR'));
  pairs.delete('p1', 'EUR');
  pairs.delete('p1', 'GBP'); // absent: nothing
  pairs.delete('p9', 'EUR');
  assert.equal(pairs.size, 2);
  assert.ok(!pairs.has('p1', 'EUR') && pairs.has('p1', 'USD'));
  pairs.delete('p1', 'USD');
  assert.ok(!pairs.has('p1', 'USD'));
  assert.equal(pairs.add('p1', 'USD'), true, 'a deleted pair can come back');
  pairs.clear();
  assert.equal(pairs.size, 0);
  assert.ok(!pairs.has('p2', 'EUR'));
});
