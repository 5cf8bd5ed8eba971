import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvariantError } from '../platform/assert.ts';
import { BatchRun } from './batch-run.ts';
import { Journal, JournaledList, JournaledMap } from './journal.ts';

test('a committed command keeps what it recorded; an undone one loses exactly its own changes', () => {
  const journal = new Journal();
  const map = new JournaledMap<string, number>(journal);
  const list = new JournaledList<string>(journal);
  map.set('loaded', 1); // outside a command: the batch's starting state
  journal.begin();
  map.set('a', 1);
  list.push('a');
  journal.commit();
  journal.begin();
  map.set('a', 2);
  map.set('b', 3);
  map.set('loaded', 9);
  list.push('b');
  journal.undo();
  assert.deepEqual(
    [...map],
    [
      ['loaded', 1],
      ['a', 1],
    ],
  );
  assert.deepEqual(list.toArray(), ['a']);
});

test('commands do not nest, and commit or undo need a begin', () => {
  const journal = new Journal();
  assert.throws(() => journal.commit(), InvariantError);
  journal.begin();
  assert.throws(() => journal.begin(), InvariantError);
  journal.undo();
  assert.throws(() => journal.undo(), InvariantError);
});

test('a batch moves deciding → writing → flushing → answered, and no transition skips or goes back', () => {
  const run = new BatchRun(3);
  assert.ok(run.holds_slot);
  assert.throws(() => run.advance('flushing'), InvariantError);
  run.advance('writing');
  assert.equal(run.advanceFrom('deciding', 'writing'), false, 'a late hook does nothing');
  run.advance('flushing');
  assert.equal(run.holds_slot, false);
  run.advance('answered');
  assert.ok(run.finished);
  assert.throws(() => run.advance('failed'), InvariantError);
});
