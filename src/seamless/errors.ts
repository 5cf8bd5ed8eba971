import { defineErrors } from '../platform/error-table.ts';
import { PLAYER_BALANCE_MAX_MINOR } from '../platform/limits.ts';

/**
 * Error rows of the casino side of the seamless protocol (composed into the one registry in
 * platform/errors.ts). Keys carry the SEAMLESS_ prefix; the wire code is the plain name SPEC §3 fixes.
 * Signature, validation and unknown-currency errors use the platform's INVALID_SIGNATURE,
 * VALIDATION_ERROR and UNKNOWN_ASSET rows; a missing operator key uses UNAUTHORIZED.
 */
export const SEAMLESS_ERRORS = defineErrors({
  SEAMLESS_INVALID_SESSION: {
    code: 'INVALID_SESSION',
    http_status: 401,
    message: 'The session token is unknown, expired, or bound to another user, game or currency.',
  },
  SEAMLESS_INSUFFICIENT_FUNDS: {
    code: 'INSUFFICIENT_FUNDS',
    http_status: 400,
    message: 'The player has not enough funds for this debit. Nothing was moved.',
  },
  SEAMLESS_TRANSACTION_ROLLED_BACK: {
    code: 'TRANSACTION_ROLLED_BACK',
    http_status: 409,
    message: 'This externalTransactionId was already rolled back; the debit is refused and nothing was moved.',
  },
  SEAMLESS_UNKNOWN_TRANSACTION: {
    code: 'UNKNOWN_TRANSACTION',
    http_status: 404,
    message: 'The round has no standing debit of this player and currency; nothing to credit.',
  },
  SEAMLESS_ROLLBACK_NOT_ALLOWED: {
    code: 'ROLLBACK_NOT_ALLOWED',
    http_status: 400,
    message: 'Only debits can be rolled back; originalTransactionId names a credit or a rollback.',
  },
  SEAMLESS_TRANSACTION_MISMATCH: {
    code: 'TRANSACTION_MISMATCH',
    http_status: 409,
    message: 'originalTransactionId names a debit of another player, currency or round. Nothing was moved.',
  },
  SEAMLESS_IDEMPOTENCY_CONFLICT: {
    code: 'IDEMPOTENCY_CONFLICT',
    http_status: 409,
    message:
      'This externalTransactionId was already used for a different call (type, user, currency, round or amount).',
  },
  SEAMLESS_BALANCE_LIMIT_EXCEEDED: {
    code: 'BALANCE_LIMIT_EXCEEDED',
    http_status: 400,
    message: `The balance would exceed ${PLAYER_BALANCE_MAX_MINOR} minor units, the largest amount JSON carries exactly. Nothing was moved.`,
  },
  SEAMLESS_PLAYER_NOT_FOUND: {
    code: 'PLAYER_NOT_FOUND',
    http_status: 404,
    message: 'The player has no wallet in this currency.',
  },
  SEAMLESS_GAME_NOT_FOUND: {
    code: 'GAME_NOT_FOUND',
    http_status: 404,
    message: 'No enabled game with this gameId in the casino catalogue.',
  },
  SEAMLESS_PROVIDER_UNAVAILABLE: {
    code: 'PROVIDER_UNAVAILABLE',
    http_status: 502,
    message: 'The game provider did not answer or refused the call.',
  },
  SEAMLESS_ROUND_FAILED: {
    code: 'ROUND_FAILED',
    http_status: 409,
    message: 'The simulated round could not complete; the provider rolled back what it could not settle.',
  },
});
