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

/**
 * Where a value sits: its key and its parent's place. A linked list, not a copied path per value, so the
 * walk stays linear however deep a 1 MiB body nests (copying paths was quadratic: minutes at depth 500k).
 */
interface Place {
  key: string | number;
  parent: Place | undefined;
}

/** `actions[0].action_id` for the place actions → 0 → action_id; `prefix` names the part (query, params). */
function fieldName(prefix: string, place: Place | undefined): string {
  const keys: (string | number)[] = [];
  for (let at = place; at; at = at.parent) keys.push(at.key);
  let name = prefix;
  for (const key of keys.reverse()) {
    if (typeof key === 'number') name += `[${key}]`;
    else name += name ? `.${key}` : key;
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
  const stack: { value: unknown; place: Place | undefined }[] = [{ value, place: undefined }];
  while (stack.length > 0) {
    const { value: current, place } = stack.pop()!;
    if (typeof current === 'string') {
      if (isPoisoned(current)) return `${fieldName(prefix, place)} ${POISON_SENTENCE}`;
    } else if (Array.isArray(current)) {
      // Pushed last to first, so the first poisoned field in document order is the one named.
      for (let i = current.length - 1; i >= 0; i--) {
        if (worthVisiting(current[i])) stack.push({ value: current[i], place: { key: i, parent: place } });
      }
    } else if (current !== null && typeof current === 'object') {
      const keys = Object.keys(current);
      for (const key of keys) {
        if (isPoisoned(key)) return `a field name in ${fieldName(prefix, place)} ${POISON_SENTENCE}`;
      }
      for (let i = keys.length - 1; i >= 0; i--) {
        const child = (current as Record<string, unknown>)[keys[i]];
        if (worthVisiting(child)) stack.push({ value: child, place: { key: keys[i], parent: place } });
      }
    }
  }
  return undefined;
}
