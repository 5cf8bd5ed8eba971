import { ROLLUP_BUCKET_MS } from './limits.ts';

/**
 * How an RTP report reads the (at most two) partial hours a window cuts: `first` is the hour holding
 * `from` (the only one when from and to share an hour), `last` the hour holding `to`. false = scan the
 * wanted part's actions; true = the hour's rollup minus the actions of the parts outside the window.
 */
export interface EdgeChoice {
  first: boolean;
  last: boolean;
}

/**
 * The cheaper way for each partial hour, by the length of time its scan covers; time after `now_ms`
 * holds no actions yet and costs nothing. A window ending now subtracts an empty future instead of
 * reading the current hour; a cut at hh:50 reads ten minutes instead of fifty. Milliseconds are enough
 * here: both ways are exact (the SQL keeps the microseconds), this only picks the shorter scan.
 */
export function chooseEdges(from_ms: number, to_ms: number, now_ms: number): EdgeChoice {
  const hf = Math.ceil(from_ms / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
  const ht = Math.floor(to_ms / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
  const cheaper = (hour_ms: number, a: number, b: number) => {
    const past = (lo: number, hi: number) => Math.max(0, Math.min(hi, now_ms) - lo);
    return past(hour_ms, a) + past(b, hour_ms + ROLLUP_BUCKET_MS) < past(a, b);
  };
  return {
    first: from_ms < hf && cheaper(hf - ROLLUP_BUCKET_MS, from_ms, Math.min(hf, to_ms)),
    last: ht < to_ms && ht >= hf && cheaper(ht, ht, to_ms),
  };
}
