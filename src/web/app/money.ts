/**
 * Money typed by a person: decimal text in the asset's major unit ("1.50" USD) → an exact count of
 * minor units (150n). No floating point anywhere: the digits are read as text and joined as a bigint.
 */

/** The wire's ceiling (SPEC §0): amounts above 2^53 − 1 cannot travel as JSON numbers. */
export const AMOUNT_MAX_MINOR = 9_007_199_254_740_991n;

export type ParsedAmount = { ok: true; minor: bigint } | { ok: false; reason: string };

/** "1.5", "1,234.50", "0.01" with scale 2 → 150n, 123450n, 1n; refuses what is not exactly representable. */
export function parseMajor(text: string, scale: number): ParsedAmount {
  const spaced = text.trim().replace(/[\s_]/g, '');
  if (spaced === '') return { ok: false, reason: 'Enter an amount.' };
  // A comma is read only as a thousands separator in its right places: "1,50" is refused rather
  // than guessed (it means 1.50 in much of the world, and 150 here).
  if (spaced.includes(',') && !/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(spaced)) {
    return { ok: false, reason: 'Use a point for decimals (12.50); commas only between groups of three digits.' };
  }
  const trimmed = spaced.replace(/,/g, '');
  const match = /^(\d*)(?:\.(\d*))?$/.exec(trimmed);
  if (!match || (match[1] === '' && (match[2] ?? '') === ''))
    return { ok: false, reason: 'Use digits and at most one decimal point, e.g. 12.50.' };
  const whole = match[1] || '0';
  let fraction = match[2] ?? '';
  // Trailing zeros past the scale change nothing ("1.0" coins is 1 coin); any other digit there would be lost.
  if (fraction.length > scale && /^0*$/.test(fraction.slice(scale))) fraction = fraction.slice(0, scale);
  if (fraction.length > scale) {
    return {
      ok: false,
      reason:
        scale === 0
          ? 'This asset has no fractional unit: enter a whole number.'
          : `At most ${scale} decimal places for this asset.`,
    };
  }
  const minor = BigInt(whole + fraction.padEnd(scale, '0'));
  if (minor <= 0n) return { ok: false, reason: 'The amount must be more than zero.' };
  if (minor > AMOUNT_MAX_MINOR) return { ok: false, reason: 'The amount is too large.' };
  return { ok: true, minor };
}

/** Minor units → decimal text with the asset's scale and thousands separators (123450n, 2 → "1,234.50"). */
export function formatMinor(amount_minor: number | bigint, scale: number, grouped = true): string {
  const value = BigInt(amount_minor);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  let whole = scale === 0 ? digits : digits.slice(0, -scale);
  if (grouped) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = scale === 0 ? whole : `${whole}.${digits.slice(-scale)}`;
  return negative ? `−${text}` : text;
}

/** Plain digits of a minor amount, grouped for reading ("150", "1,000,000"). */
export function groupDigits(minor: bigint): string {
  return minor.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
