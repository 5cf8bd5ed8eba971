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

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}
