/**
 * Invariant assertions (STYLE: "a failed assertion is a bug: log and crash").
 * Operating errors are returned values, never thrown through here.
 */
export class InvariantError extends Error {
  constructor(message: string) {
    super(`invariant violated: ${message}`);
    this.name = 'InvariantError';
  }
}

/**
 * `message` may be a function for a message that costs something to build (a number formatted, keys
 * joined): on a hot path it is then built only when the assertion fails.
 */
export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new InvariantError(typeof message === 'string' ? message : message());
}
