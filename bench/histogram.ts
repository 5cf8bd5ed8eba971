/**
 * A log-linear latency histogram (the HdrHistogram layout): exact below 128 µs, then every power
 * of two split into 128 equal buckets, so any recorded value is reported within 1/128 (< 0.8 %)
 * of itself. Fixed memory (3,328 counters) whatever the number of samples; values are whole
 * microseconds up to 2^32 − 1 (≈ 71 minutes), larger ones are clamped.
 */
export const HISTOGRAM_SUB_BUCKET_BITS = 7;
const SUB_BUCKETS = 1 << HISTOGRAM_SUB_BUCKET_BITS;
export const HISTOGRAM_VALUE_MAX_US = 2 ** 32 - 1;
const BUCKETS = SUB_BUCKETS + (32 - HISTOGRAM_SUB_BUCKET_BITS) * SUB_BUCKETS;

/** Bucket of a whole, non-negative value ≤ HISTOGRAM_VALUE_MAX_US. */
export function bucketIndex(value_us: number): number {
  if (value_us < SUB_BUCKETS) return value_us;
  const exponent = 31 - Math.clz32(value_us);
  const shift = exponent - HISTOGRAM_SUB_BUCKET_BITS;
  return SUB_BUCKETS + shift * SUB_BUCKETS + ((value_us >>> shift) - SUB_BUCKETS);
}

/** The largest value that falls in a bucket ("highest equivalent value"). */
export function bucketUpperUs(index: number): number {
  if (index < SUB_BUCKETS) return index;
  const shift = Math.floor((index - SUB_BUCKETS) / SUB_BUCKETS);
  const sub = ((index - SUB_BUCKETS) % SUB_BUCKETS) + SUB_BUCKETS;
  return (sub + 1) * 2 ** shift - 1;
}

export interface LatencySummary {
  count: number;
  min_us: number;
  mean_us: number;
  p50_us: number;
  p95_us: number;
  p99_us: number;
  max_us: number;
}

export class LatencyHistogram {
  readonly counts = new Float64Array(BUCKETS);
  count = 0;
  min_us = Number.POSITIVE_INFINITY;
  max_us = 0;
  sum_us = 0;

  record(value_us: number): void {
    let v = value_us > 0 ? Math.floor(value_us) : 0;
    if (v > HISTOGRAM_VALUE_MAX_US) v = HISTOGRAM_VALUE_MAX_US;
    this.counts[bucketIndex(v)] += 1;
    this.count += 1;
    this.sum_us += v;
    if (v < this.min_us) this.min_us = v;
    if (v > this.max_us) this.max_us = v;
  }

  /**
   * Nearest-rank percentile (the value below or at which p % of the samples lie), reported as its
   * bucket's highest equivalent value, never above the exact maximum. 0 when empty.
   */
  percentile(p: number): number {
    if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i += 1) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(bucketUpperUs(i), this.max_us);
    }
    return this.max_us;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i += 1) this.counts[i] += other.counts[i];
    this.count += other.count;
    this.sum_us += other.sum_us;
    if (other.min_us < this.min_us) this.min_us = other.min_us;
    if (other.max_us > this.max_us) this.max_us = other.max_us;
  }

  /** Non-empty buckets as [highest equivalent value in µs, count], ascending (for --json and plots). */
  buckets(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < BUCKETS; i += 1) if (this.counts[i] > 0) out.push([bucketUpperUs(i), this.counts[i]]);
    return out;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      min_us: this.count ? this.min_us : 0,
      mean_us: this.count ? Math.round(this.sum_us / this.count) : 0,
      p50_us: this.percentile(50),
      p95_us: this.percentile(95),
      p99_us: this.percentile(99),
      max_us: this.max_us,
    };
  }
}
