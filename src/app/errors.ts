import { LedgerUnavailableError } from '../ledger/errors.ts';
import type { ErrorTable } from '../platform/error-table.ts';
import { AppError } from '../platform/errors.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { MODULES } from './modules.ts';

/** Each surface's rows, platform first (docs/errors.md is rendered from this). */
export const ERROR_TABLES: Record<string, ErrorTable> = {
  platform: PLATFORM_ERRORS,
  ...Object.fromEntries(MODULES.map((m) => [m.name, m.errors])),
};

/**
 * The one registry of error codes → HTTP status → message (STYLE: "errors are data"), composed from
 * each module's table; a key defined twice is refused at start-up.
 */
function compose(tables: ErrorTable[]): ErrorTable {
  const all: Record<string, ErrorTable[string]> = {};
  for (const table of tables) {
    for (const [key, definition] of Object.entries(table)) {
      if (key in all) throw new Error(`error key ${key} is defined twice`);
      all[key] = definition;
    }
  }
  return all;
}

export const ERRORS: ErrorTable = compose(Object.values(ERROR_TABLES));

/** Errors of the layers below HTTP that clients should see as registry errors (the ledger's 503s). */
export function mapError(error: unknown): AppError | undefined {
  if (!(error instanceof LedgerUnavailableError)) return undefined;
  return new AppError(
    error.reason === 'overloaded' ? PLATFORM_ERRORS.OVERLOADED : PLATFORM_ERRORS.NOT_READY,
    error.message,
  );
}
