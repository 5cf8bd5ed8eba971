/**
 * Counter-based draws: every number the generator uses is a hash of (seed, stream, index), so item n
 * is the same whatever was asked before it and nothing has to be kept in memory. A 32-bit integer
 * mix (murmur3's finalizer) rather than SHA-256: this is test data, not a fairness proof, and a
 * request may touch tens of thousands of items (a few nanoseconds each instead of a microsecond).
 */
function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const TWO_POW_32 = 2 ** 32;

/** 32 uniform bits named by (seed, stream, index); index is any non-negative safe integer. */
export function draw32(seed: number, stream: number, index: number): number {
  const low = index >>> 0;
  const high = Math.floor(index / TWO_POW_32);
  let h = fmix32((seed ^ Math.imul(stream, 0x9e3779b9)) >>> 0);
  h = fmix32((h ^ low) >>> 0);
  h = fmix32((h + Math.imul(high, 0x27d4eb2f) + 0x165667b1) >>> 0);
  return h;
}

/** Uniform in [0, 1) from the same draw. */
export function drawUnit(seed: number, stream: number, index: number): number {
  return draw32(seed, stream, index) / TWO_POW_32;
}

const TWO_POW_24 = 2 ** 24;
const MASK_24 = 0xffffff;
const FEISTEL_ROUNDS = 4;

/**
 * A keyed permutation of 48-bit integers (a 4-round Feistel network): distinct indexes give distinct
 * outputs, so ids built on it are unique by construction, not just with high probability, while
 * looking unordered (ids inside one timestamp do not follow the generation order).
 */
export function permute48(seed: number, stream: number, index: number): number {
  let left = Math.floor(index / TWO_POW_24) & MASK_24;
  let right = index & MASK_24;
  for (let round = 0; round < FEISTEL_ROUNDS; round++) {
    const next = (left ^ (draw32(seed, stream + round, right) & MASK_24)) >>> 0;
    left = right;
    right = next;
  }
  return left * TWO_POW_24 + right;
}
