import type { ErrorDefinition, ErrorTable } from './error-table.ts';
import { PLATFORM_ERRORS } from './platform-errors.ts';
import { LEDGER_ERRORS } from '../ledger/errors.ts';
import { AGGREGATOR_ERRORS } from '../aggregator/errors.ts';
import { WALLET_ERRORS } from '../wallet/errors.ts';
import { SEAMLESS_ERRORS } from '../seamless/errors.ts';
import { PROVIDER_ERRORS } from '../provider/errors.ts';
import { TRANSACTIONS_ERRORS } from '../transactions/errors.ts';

/**
 * The one registry of error codes → HTTP status → message (STYLE: "errors are data").
 * Domains keep their rows beside their code; this composes them and refuses duplicate keys.
 */
function compose(...tables: ErrorTable[]): ErrorTable {
  const all: ErrorTable = {};
  for (const table of tables) {
    for (const [key, definition] of Object.entries(table)) {
      if (key in all) throw new Error(`error key ${key} is defined twice`);
      all[key] = definition;
    }
  }
  return all;
}

/** Each domain's rows, by surface (docs/errors.md is rendered from this). */
export const ERROR_TABLES: Record<string, ErrorTable> = {
  platform: PLATFORM_ERRORS,
  ledger: LEDGER_ERRORS,
  aggregator: AGGREGATOR_ERRORS,
  wallet: WALLET_ERRORS,
  seamless: SEAMLESS_ERRORS,
  provider: PROVIDER_ERRORS,
  transactions: TRANSACTIONS_ERRORS,
};

export const ERRORS = compose(...Object.values(ERROR_TABLES));

export type ErrorKey = keyof typeof ERRORS & string;

/** An error meant for the client: a registry key plus, optionally, a sentence naming the field. */
export class AppError extends Error {
  readonly key: string;
  readonly definition: ErrorDefinition;
  constructor(key: string, message?: string) {
    const definition = ERRORS[key];
    if (!definition) throw new Error(`unknown error key ${key}`);
    super(message ?? definition.message);
    this.key = key;
    this.definition = definition;
  }

  get http_status(): number {
    return this.definition.http_status;
  }

  body(): { code: number | string; message: string } {
    return { code: this.definition.code, message: this.message };
  }
}
