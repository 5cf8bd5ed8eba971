/**
 * Strings PostgreSQL `text` cannot carry (NUL) or UTF-8 and JSON cannot round-trip (a UTF-16
 * surrogate without its pair) are refused at the door, on every surface. Before this, postgres.js
 * encoded a lone surrogate as U+FFFD, so two different aggregator action ids collided on one row, and
 * a NUL reached the database as a 500.
 */

// NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const POISON = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const POISON_SENTENCE = 'must not contain NUL or unpaired surrogates';

export function isPoisoned(value: string): boolean {
  return POISON.test(value);
}

/** `actions[0].action_id` for the path ['actions', 0, 'action_id']; `prefix` names the part (query, params). */
function fieldName(prefix: string, path: (string | number)[]): string {
  let name = prefix;
  for (const part of path) {
    if (typeof part === 'number') name += `[${part}]`;
    else name += name ? `.${part}` : part;
  }
  return name || 'body';
}

// Numbers, booleans and null cannot carry text: skipping them keeps a large numeric array cheap.
function worthVisiting(value: unknown): boolean {
  return typeof value === 'string' || (value !== null && typeof value === 'object');
}

/**
 * The first string (value or object key) in `value` that is poisoned, as a sentence naming its field,
 * or undefined. Iterative, so a deeply nested body cannot overflow the stack.
 */
export function findPoisonedField(value: unknown, prefix = ''): string | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const current = item.value;
    if (typeof current === 'string') {
      if (isPoisoned(current)) return `${fieldName(prefix, item.path)} ${POISON_SENTENCE}`;
    } else if (Array.isArray(current)) {
      // Pushed last to first, so the first poisoned field in document order is the one named.
      for (let i = current.length - 1; i >= 0; i--) {
        if (worthVisiting(current[i])) stack.push({ value: current[i], path: [...item.path, i] });
      }
    } else if (current !== null && typeof current === 'object') {
      const keys = Object.keys(current);
      for (const key of keys) {
        if (isPoisoned(key)) return `a field name in ${fieldName(prefix, item.path)} ${POISON_SENTENCE}`;
      }
      for (let i = keys.length - 1; i >= 0; i--) {
        const child = (current as Record<string, unknown>)[keys[i]];
        if (worthVisiting(child)) stack.push({ value: child, path: [...item.path, keys[i]] });
      }
    }
  }
  return undefined;
}
