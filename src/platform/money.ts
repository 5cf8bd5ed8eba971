import { AMOUNT_MINOR_MAX } from './limits.ts';
import { assert } from './assert.ts';

/**
 * Money crosses the boundary here: JSON integers in, bigint inside, JSON integers out.
 * JSON.parse already turned the wire value into a double; anything not a safe integer is refused,
 * so no precision can have been lost in what we accept.
 */
export function amountFromJson(value: unknown): bigint | undefined {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return undefined;
  return BigInt(value);
}

/** Whether a JSON number (a double) holds this integer exactly. */
function jsonSafe(value: bigint): boolean {
  return value <= AMOUNT_MINOR_MAX && value >= -AMOUNT_MINOR_MAX;
}

/** For output where the contract asks for a JSON number; a balance beyond 2^53 is a bug upstream. */
export function amountToJson(amount_minor: bigint): number {
  assert(jsonSafe(amount_minor), () => `amount ${amount_minor} is not JSON-safe`);
  return Number(amount_minor);
}

/**
 * For report sums and counts, which may exceed 2^53 − 1 (each amount is bounded, their sum is not): a
 * safe value as a number, a larger one as a bigint, which the response serializer writes as exact digits.
 * A client that needs such totals exactly parses them with a big-integer-aware JSON parser.
 */
export function totalToJson(total: bigint): number | bigint {
  return jsonSafe(total) ? Number(total) : total;
}

/** JSON-schema fragment for an amount on the wire (integer, bounded). */
export function amountSchema(minimum: 0 | 1, description: string) {
  return { type: 'integer', minimum, maximum: Number(AMOUNT_MINOR_MAX), description } as const;
}
