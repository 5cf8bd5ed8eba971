import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bucketIndex,
  bucketUpperUs,
  HISTOGRAM_SUB_BUCKET_BITS,
  HISTOGRAM_VALUE_MAX_US,
  LatencyHistogram,
} from '../../bench/histogram.ts';

const PRECISION = 1 / 2 ** HISTOGRAM_SUB_BUCKET_BITS;
const PERCENTILES = [1, 10, 50, 90, 95, 99, 99.9, 100];

/** Nearest rank over a sorted array: the reference the histogram must agree with. */
function exactPercentile(sorted: number[], p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

/** A seeded generator so a failure can be reproduced. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

function assertClose(histogram: LatencyHistogram, values: number[], label: string): void {
  const sorted = [...values].sort((a, b) => a - b);
  for (const p of PERCENTILES) {
    const exact = exactPercentile(sorted, p);
    const reported = histogram.percentile(p);
    assert.ok(
      reported >= exact && reported <= exact + exact * PRECISION,
      `${label}: p${p} reported ${reported}, exact ${exact} (allowed up to ${exact + exact * PRECISION})`,
    );
  }
  assert.equal(histogram.max_us, sorted[sorted.length - 1]);
  assert.equal(histogram.min_us, sorted[0]);
  assert.equal(histogram.count, values.length);
}

describe('latency histogram', () => {
  test('reports every percentile within 1/128 of the exact sorted-array value, on several distributions', () => {
    const distributions: Record<string, (r: () => number) => number> = {
      'uniform 0..1 s': (r) => Math.floor(r() * 1_000_000),
      'log-uniform 1 µs..100 s': (r) => Math.floor(Math.exp(r() * Math.log(100_000_000))),
      'small exact values < 128 µs': (r) => Math.floor(r() * 128),
      'bimodal fast/slow': (r) => (r() < 0.97 ? 800 + Math.floor(r() * 400) : 250_000 + Math.floor(r() * 50_000)),
    };
    for (const [name, draw] of Object.entries(distributions)) {
      for (const seed of [1, 7, 42]) {
        const r = random(seed);
        const histogram = new LatencyHistogram();
        const values = Array.from({ length: 20_000 }, () => draw(r));
        for (const v of values) histogram.record(v);
        assertClose(histogram, values, `${name} seed ${seed}`);
      }
    }
  });

  test('agrees with the sorted array for arbitrary sample sets (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3_600_000_000 }), { minLength: 1, maxLength: 300 }), (values) => {
        const histogram = new LatencyHistogram();
        for (const v of values) histogram.record(v);
        assertClose(histogram, values, 'property');
      }),
      { numRuns: 300 },
    );
  });

  test('every value lies in a bucket whose upper bound is within 1/128 above it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: HISTOGRAM_VALUE_MAX_US }), (v) => {
        const i = bucketIndex(v);
        const upper = bucketUpperUs(i);
        assert.ok(upper >= v && upper <= v + v * PRECISION, `value ${v} bucket ${i} upper ${upper}`);
        assert.equal(bucketIndex(upper), i);
      }),
      { numRuns: 5000 },
    );
  });

  test('merging two histograms equals recording everything in one', () => {
    const r = random(3);
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const all: number[] = [];
    for (let i = 0; i < 5000; i += 1) {
      const v = Math.floor(r() * 2_000_000);
      (i % 2 ? a : b).record(v);
      all.push(v);
    }
    a.merge(b);
    assertClose(a, all, 'merged');
  });

  test('clamps negative and oversized values, keeps fractional microseconds as whole ones, and is empty-safe', () => {
    const histogram = new LatencyHistogram();
    assert.equal(histogram.percentile(99), 0);
    assert.deepEqual(histogram.summary(), {
      count: 0,
      min_us: 0,
      mean_us: 0,
      p50_us: 0,
      p95_us: 0,
      p99_us: 0,
      max_us: 0,
    });
    histogram.record(-5);
    histogram.record(12.9);
    histogram.record(1e15);
    assert.equal(histogram.min_us, 0);
    assert.equal(histogram.percentile(50), 12);
    assert.equal(histogram.max_us, HISTOGRAM_VALUE_MAX_US);
    assert.throws(() => histogram.percentile(0), RangeError);
  });
});
