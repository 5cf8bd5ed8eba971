/**
 * JSON text for answers whose sums may exceed 2^53 − 1 (platform/money.ts totalToJson hands those
 * over as bigint): such a value is written as its exact digits, everything else as JSON.stringify does.
 */
export function stringifyTotals(value: unknown): string {
  const MARK = '\u0000bigint:';
  const text = JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? `${MARK}${v}` : v));
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}
