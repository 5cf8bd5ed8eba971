import { defineErrors } from '../platform/error-table.ts';
import { STRING_LENGTH_MAX } from '../platform/limits.ts';

/**
 * Error rows of the bonus module (SPEC §5). The surfaces' own max-bet rows (§2 code 101, §3
 * BONUS_MAX_BET) live in their tables; these are the operator API's.
 */
export const BONUS_ERRORS = defineErrors({
  BONUS_NOT_FOUND: {
    code: 'BONUS_NOT_FOUND',
    http_status: 404,
    message: 'No bonus with this id exists for this player.',
  },
  BONUS_NOT_ACTIVE: {
    code: 'BONUS_NOT_ACTIVE',
    http_status: 409,
    message: 'The bonus has already ended (converted, expired or forfeited).',
  },
  BONUS_INVALID_CURSOR: {
    code: 'INVALID_CURSOR',
    http_status: 400,
    message: 'cursor is not a cursor this endpoint returned.',
  },
  BONUS_IDEMPOTENCY_KEY_MISSING: {
    code: 'IDEMPOTENCY_KEY_MISSING',
    http_status: 400,
    message: 'Idempotency-Key header is required on every request that moves money.',
  },
  BONUS_IDEMPOTENCY_KEY_INVALID: {
    code: 'IDEMPOTENCY_KEY_INVALID',
    http_status: 400,
    message: `Idempotency-Key must be 1 to ${STRING_LENGTH_MAX} visible ASCII characters.`,
  },
  BONUS_IDEMPOTENCY_KEY_IN_FLIGHT: {
    code: 'IDEMPOTENCY_KEY_IN_FLIGHT',
    http_status: 409,
    message: 'A request with this Idempotency-Key is still being processed; retry after it completes.',
  },
  BONUS_IDEMPOTENCY_KEY_REUSED: {
    code: 'IDEMPOTENCY_KEY_REUSED',
    http_status: 422,
    message: 'This Idempotency-Key was already used for a different request (method, path or body differ).',
  },
});
