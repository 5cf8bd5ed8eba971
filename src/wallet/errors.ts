import { defineErrors } from '../platform/error-table.ts';
import { PLAYER_BALANCE_MAX_MINOR, STRING_LENGTH_MAX } from '../platform/limits.ts';

/**
 * Error rows of the wallet surface (composed into the one registry in platform/errors.ts).
 * Keys carry the WALLET_ prefix so they never collide with another domain's; the wire code is the
 * plain name the operator sees. Unknown assets and schema failures use the platform's
 * UNKNOWN_ASSET and VALIDATION_ERROR rows.
 */
export const WALLET_ERRORS = defineErrors({
  WALLET_PLAYER_NOT_FOUND: { code: 'PLAYER_NOT_FOUND', http_status: 404, message: 'No wallet exists for this player.' },
  WALLET_INSUFFICIENT_FUNDS: {
    code: 'INSUFFICIENT_FUNDS',
    http_status: 400,
    message: 'Insufficient funds: the balance would go below zero. Nothing was moved.',
  },
  WALLET_BALANCE_LIMIT_EXCEEDED: {
    code: 'BALANCE_LIMIT_EXCEEDED',
    http_status: 400,
    message: `The balance would exceed ${PLAYER_BALANCE_MAX_MINOR} minor units. Nothing was moved.`,
  },
  WALLET_SELF_TRANSFER: {
    code: 'SELF_TRANSFER',
    http_status: 400,
    message: 'from and to name the same account; a transfer needs two accounts.',
  },
  WALLET_ASSET_MISMATCH: {
    code: 'ASSET_MISMATCH',
    http_status: 400,
    message: "Both accounts of a transfer must hold the transfer's asset.",
  },
  WALLET_INVALID_CURSOR: {
    code: 'INVALID_CURSOR',
    http_status: 400,
    message: 'cursor is not a cursor this endpoint returned.',
  },
  WALLET_IDEMPOTENCY_KEY_MISSING: {
    code: 'IDEMPOTENCY_KEY_MISSING',
    http_status: 400,
    message: 'Idempotency-Key header is required on every request that moves money.',
  },
  WALLET_IDEMPOTENCY_KEY_INVALID: {
    code: 'IDEMPOTENCY_KEY_INVALID',
    http_status: 400,
    message: `Idempotency-Key must be 1 to ${STRING_LENGTH_MAX} visible ASCII characters.`,
  },
  WALLET_IDEMPOTENCY_KEY_IN_FLIGHT: {
    code: 'IDEMPOTENCY_KEY_IN_FLIGHT',
    http_status: 409,
    message: 'A request with this Idempotency-Key is still being processed; retry after it completes.',
  },
  WALLET_IDEMPOTENCY_KEY_REUSED: {
    code: 'IDEMPOTENCY_KEY_REUSED',
    http_status: 422,
    message: 'This Idempotency-Key was already used for a different request (method, path or body differ).',
  },
});
