/**
 * Counter-based randomness: every draw is a hash of (seed, stream, counter), so round n of a session has
 * the same outcome whatever order or concurrency the rounds run in — a run can be replayed exactly.
 * murmur3's 32-bit finaliser mixes; this is a simulator's RNG, not a certified gaming RNG.
 */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const TWO_POW_32 = 2 ** 32;

/** Mixes non-negative safe integers (both 32-bit halves of each) into one 32-bit value. */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = fmix32((h ^ (part >>> 0)) + 0x7f4a7c15);
    h = fmix32((h ^ Math.floor(part / TWO_POW_32)) + 0x165667b1);
  }
  return h;
}

/** FNV-1a of a string, to key draws by an id. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Uniform in [0, 1) from 53 bits of two draws. */
export function uniform(...parts: number[]): number {
  const high = hash32(...parts, 1) >>> 5;
  const low = hash32(...parts, 2) >>> 6;
  return (high * 67108864 + low) / 9007199254740992;
}

/** Draw streams, so the outcome of a round and the fate of its callbacks never share numbers. */
export const STREAM_OUTCOME = 1;
export const STREAM_DROP = 2;
