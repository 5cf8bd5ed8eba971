import type { ErrorDefinition } from './error-table.ts';
import { AppError } from './errors.ts';

/** A service's result: a value, or a refusal naming its registry row (and a sentence naming the cause). */
export type Refusal = { ok: false; error: ErrorDefinition; message?: string };
export type Outcome<R> = { ok: true; value: R } | Refusal;

export function refuse(error: ErrorDefinition, message?: string): Refusal {
  return { ok: false, error, message };
}

export function succeed<R>(value: R): { ok: true; value: R } {
  return { ok: true, value };
}

/** The value, or the refusal thrown as its registry error (routes answer refusals with their status). */
export function valueOrThrow<R>(outcome: Outcome<R>): R {
  if (!outcome.ok) throw new AppError(outcome.error, outcome.message);
  return outcome.value;
}
