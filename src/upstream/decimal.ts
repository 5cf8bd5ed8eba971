/**
 * Amounts leave the mock as JSON numbers with at most two fractional digits (SPEC §7: `1.2`, `30`,
 * `12.05`). The text is written from integer cents with integer arithmetic only, so no float ever
 * touches it: 0.1 + 0.2 can never come out as 0.30000000000000004, and an amount beyond 2^53 cents
 * is still written digit for digit.
 */
const CENTS_PER_UNIT = 100n;

/** Cents → shortest exact decimal text: 120n → "1.2", 3000n → "30", 1205n → "12.05", 5n → "0.05". */
export function decimalFromCents(amount_minor: bigint): string {
  const sign = amount_minor < 0n ? '-' : '';
  const magnitude = amount_minor < 0n ? -amount_minor : amount_minor;
  const whole = magnitude / CENTS_PER_UNIT;
  const cents = magnitude % CENTS_PER_UNIT;
  if (cents === 0n) return `${sign}${whole}`;
  const fraction = cents.toString().padStart(2, '0').replace(/0$/, '');
  return `${sign}${whole}.${fraction}`;
}

const DECIMAL = /^(-?)(0|[1-9]\d*)(?:\.(\d{1,2}))?$/;

/**
 * The inverse, for tests and clients that read the JSON text: "12.05" → 1205n. Refuses (undefined)
 * anything with more than two fractional digits or an exponent rather than rounding it.
 */
export function centsFromDecimal(text: string): bigint | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction = ''] = match;
  const cents = BigInt(whole) * CENTS_PER_UNIT + BigInt(fraction.padEnd(2, '0'));
  return sign === '-' ? -cents : cents;
}
