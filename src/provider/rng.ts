import { createHash } from 'node:crypto';

/**
 * Counter-based randomness: every draw is SHA-256 of (seed, stream, counter…), so round n of a session
 * has the same outcome whatever order or concurrency the rounds run in — a run can be replayed exactly,
 * and anyone holding the seed can recompute any round (the "provably fair" construction). A hash per
 * draw costs microseconds; a round costs milliseconds of HTTP, so quality wins over speed here.
 */
function digest(parts: number[]): Buffer {
  return createHash('sha256').update(parts.join(':')).digest();
}

/** 32 bits from the draw named by `parts` (non-negative safe integers). */
export function hash32(...parts: number[]): number {
  return digest(parts).readUInt32BE(0);
}

/** FNV-1a of a string, to key draws by an id. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const TWO_POW_48 = 2 ** 48;

/** Uniform in [0, 1), 48 bits of the draw named by `parts`. */
export function uniform(...parts: number[]): number {
  return digest(parts).readUIntBE(0, 6) / TWO_POW_48;
}

/** Draw streams, so the outcome of a round and the fate of its callbacks never share numbers. */
export const STREAM_OUTCOME = 1;
export const STREAM_DROP = 2;
