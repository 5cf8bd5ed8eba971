import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BonusHint } from './hint.ts';

test('the hint remembers pairs found with a grant, drops expected ones found without, and leaves the rest alone', () => {
  const hint = new BonusHint();
  hint.granted('a', 'USD');
  hint.granted('b', 'USD');
  assert.ok(hint.has('a', 'USD') && hint.has('b', 'USD'));
  assert.ok(!hint.has('a', 'EUR'), 'per asset');
  // A batch expected a and b; the grants read found c (granted by another process) and b.
  hint.learn({ players: ['a', 'b'], assets: ['USD', 'USD'] }, [
    { player: 'c', asset: 'USD' },
    { player: 'b', asset: 'USD' },
  ]);
  assert.deepEqual(
    ['a', 'b', 'c'].map((p) => hint.has(p, 'USD')),
    [false, true, true],
  );
});

test('the hint is bounded: full, it starts over rather than grow', () => {
  const hint = new BonusHint(2);
  hint.granted('a', 'USD');
  hint.granted('a', 'EUR');
  hint.granted('a', 'USD'); // known: no room needed
  assert.ok(hint.has('a', 'USD') && hint.has('a', 'EUR'));
  hint.granted('b', 'USD');
  assert.deepEqual([hint.has('a', 'USD'), hint.has('a', 'EUR'), hint.has('b', 'USD')], [false, false, true]);
});
