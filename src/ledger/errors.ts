import { defineErrors } from '../platform/error-table.ts';
import { PLAYER_BALANCE_MAX_MINOR } from '../platform/limits.ts';

/** Refusals the ledger itself can produce; protocol modules map them to their own wire codes. */
export const LEDGER_ERRORS = defineErrors({
  INSUFFICIENT_FUNDS: {
    code: 'INSUFFICIENT_FUNDS',
    http_status: 400,
    message: 'Insufficient funds: the account would go below its limit.',
  },
  BALANCE_LIMIT: {
    code: 'BALANCE_LIMIT',
    http_status: 400,
    message: `The player balance would exceed ${PLAYER_BALANCE_MAX_MINOR} minor units, the largest amount JSON carries exactly.`,
  },
  ACCOUNT_NOT_FOUND: { code: 'ACCOUNT_NOT_FOUND', http_status: 404, message: 'No such account.' },
  ASSET_MISMATCH: {
    code: 'ASSET_MISMATCH',
    http_status: 400,
    message: 'Both accounts of a transfer must hold the same asset.',
  },
  IDEMPOTENCY_CONFLICT: {
    code: 'IDEMPOTENCY_CONFLICT',
    http_status: 409,
    message: 'This external id was already used for a different movement.',
  },
});

/**
 * The ledger cannot take or confirm a command right now: its queue is full, it is shutting down, or
 * the database did not confirm a write. Not an HTTP error: the composition root maps these to 503.
 */
export class LedgerUnavailableError extends Error {
  constructor(
    readonly reason: 'overloaded' | 'closing' | 'unconfirmed' | 'timeout',
    message: string,
  ) {
    super(message);
    this.name = 'LedgerUnavailableError';
  }
}
