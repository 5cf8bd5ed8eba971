import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapLimited } from '../../src/platform/map-limited.ts';

test('results come back in item order, with never more than the limit at work', async () => {
  let running = 0;
  let peak = 0;
  const items = Array.from({ length: 20 }, (_, i) => i);
  const results = await mapLimited(items, 3, async (item, index) => {
    running += 1;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, (item * 7) % 5));
    running -= 1;
    return item * 10 + index;
  });
  assert.deepEqual(
    results,
    items.map((i) => i * 11),
  );
  assert.equal(peak, 3);
});

test('an empty list does no work; a failure rejects the whole call', async () => {
  assert.deepEqual(
    await mapLimited([], 4, async () => {
      throw new Error('never called');
    }),
    [],
  );
  await assert.rejects(
    mapLimited([1, 2, 3], 2, async (n) => {
      if (n === 2) throw new Error('two');
      return n;
    }),
    /two/,
  );
});
