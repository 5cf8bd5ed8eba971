/**
 * JSON.parse that keeps big integers exact. The reports write sums beyond 2^53 − 1 as plain JSON integer
 * digits (SPEC §6), which JSON.parse would round to the nearest double. Before parsing, every integer
 * literal outside a string that is not a safe integer is wrapped in quotes, so it arrives as its digits
 * (a string) and the page turns it into a bigint. Safe integers, fractions and strings are untouched.
 */
export function parseExactJson(text: string): unknown {
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      // Skip the string, escapes included.
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      const start = i;
      if (text[i] === '-') i++;
      while (i < text.length && text[i] >= '0' && text[i] <= '9') i++;
      const integer = text[i] !== '.' && text[i] !== 'e' && text[i] !== 'E';
      while (i < text.length && /[0-9.eE+-]/.test(text[i])) i++;
      const literal = text.slice(start, i);
      if (integer && !Number.isSafeInteger(Number(literal))) {
        out += `${text.slice(copied, start)}"${literal}"`;
        copied = i;
      }
      continue;
    }
    i++;
  }
  return JSON.parse(out + text.slice(copied));
}

/** A report figure as it arrives: a number when safe, its exact digits beyond 2^53 − 1. */
export type Exact = number | string;

/** The exact value of a report figure. */
export function exact(value: Exact): bigint {
  return BigInt(value);
}
