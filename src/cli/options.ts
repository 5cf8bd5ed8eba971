import type { Values } from './command.ts';

/** A command-line value a command cannot use; commands print it and exit 2. */
export class UsageError extends Error {}

/** `--name N`, bounded (a limit on everything); the message names the option and its range. */
export function numberOption(
  values: Values,
  name: string,
  fallback: number,
  min: number,
  max: number,
  integer = true,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const text = String(raw);
  const value = Number(text);
  if (
    text.trim() === '' ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < min ||
    value > max
  ) {
    throw new UsageError(
      `--${name} must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}, got "${text}"`,
    );
  }
  return value;
}
