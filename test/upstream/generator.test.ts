import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeededStream, type GeneratorOptions } from '../../src/upstream/generator.ts';
import { compareItems, type UpstreamItem } from '../../src/upstream/items.ts';
import { truthOf } from '../../src/upstream/truth.ts';

const T0_MS = Date.UTC(2024, 0, 1, 0, 0, 0, 345);

const options = fc.record({
  seed: fc.integer({ min: 0, max: 0xffffffff }),
  rate_per_min: fc.integer({ min: 1, max: 5_000 }),
  late_share: fc.constantFrom(0, 0.05, 0.5, 1),
  late_max_s: fc.integer({ min: 0, max: 120 }),
  users: fc.integer({ min: 1, max: 50 }),
  start_ms: fc.constant(T0_MS),
  created_at_step_ms: fc.constantFrom(1, 7, 1_000, 5_000),
});

/** What a page must be, computed the slow way: every item built, filtered, sorted, sliced. */
function slowPage(
  stream: SeededStream,
  q: { start_ms: number; end_ms: number; now_ms: number; offset: number; limit: number },
) {
  const all: UpstreamItem[] = [];
  for (let i = 0; stream.createdAtMs(i) <= q.now_ms; i++) all.push(stream.item(i));
  const seen = all.filter(
    (it) => it.created_at_ms >= q.start_ms && it.created_at_ms <= q.end_ms && it.visible_at_ms <= q.now_ms,
  );
  seen.sort(compareItems);
  return { total: seen.length, items: seen.slice(q.offset, q.offset + q.limit) };
}

describe('the generator computes pages from indexes exactly as if it had built every item', () => {
  test('firstIndexAtOrAfter(t) is the first index whose createdAt ≥ t', () => {
    fc.assert(
      fc.property(options, fc.integer({ min: -10_000, max: 3_600_000 }), (o: GeneratorOptions, offset_ms) => {
        const stream = new SeededStream(o);
        const at_ms = T0_MS + offset_ms;
        const k = stream.firstIndexAtOrAfter(at_ms);
        assert.ok(stream.createdAtMs(k) >= at_ms);
        if (k > 0) assert.ok(stream.createdAtMs(k - 1) < at_ms);
      }),
      { numRuns: 500 },
    );
  });

  test('any page of any window at any moment equals the slow page (late items, equal timestamps, edges)', () => {
    const query = fc.record({
      now_s: fc.integer({ min: 0, max: 240 }),
      start_s: fc.integer({ min: -10, max: 240 }),
      length_s: fc.integer({ min: 0, max: 240 }),
      offset: fc.integer({ min: 0, max: 3_000 }),
      limit: fc.integer({ min: 1, max: 1_000 }),
    });
    fc.assert(
      fc.property(options, query, (o: GeneratorOptions, q) => {
        const stream = new SeededStream(o);
        const start_ms = T0_MS + q.start_s * 1000 + (q.start_s % 3);
        const page = {
          start_ms,
          end_ms: start_ms + q.length_s * 1000,
          now_ms: T0_MS + q.now_s * 1000,
          offset: q.offset,
          limit: q.limit,
        };
        const fast = stream.page(page);
        const slow = slowPage(stream, page);
        assert.equal(fast.total, slow.total);
        assert.deepEqual(
          fast.items.map((it) => it.id),
          slow.items.map((it) => it.id),
        );
      }),
      { numRuns: 150 },
    );
  });

  test('ids are unique over a long run of indexes', () => {
    const stream = new SeededStream({
      seed: 99,
      rate_per_min: 5_000,
      late_share: 0,
      late_max_s: 0,
      users: 10,
      start_ms: 0,
      created_at_step_ms: 1_000,
    });
    const ids = new Set<string>();
    for (let i = 0; i < 200_000; i++) ids.add(stream.id(i));
    assert.equal(ids.size, 200_000);
  });

  test('truth() counts an item in the aggregates from its createdAt even while it is still invisible', () => {
    const stream = new SeededStream({
      seed: 4,
      rate_per_min: 60,
      late_share: 1,
      late_max_s: 60,
      users: 3,
      start_ms: T0_MS,
      created_at_step_ms: 1_000,
    });
    const at_ms = T0_MS + 10_000;
    const all = truthOf(stream, at_ms);
    const visible = truthOf(stream, at_ms, { visible_at_ms: at_ms });
    // One a second from T0 rounded up to the second (00:00:01): ten of them by T0 + 10 s.
    assert.equal(all.items_total, 10);
    assert.ok(visible.items_total < all.items_total);
  });
});
