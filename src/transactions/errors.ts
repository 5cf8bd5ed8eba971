import { defineErrors } from '../platform/error-table.ts';

/**
 * Error rows of ingestion, the reporter and settlement (SPEC §7), composed into the one registry in
 * platform/errors.ts. Idempotency rows share the wallet's wire codes: the same semantics (SPEC §4).
 */
export const TRANSACTIONS_ERRORS = defineErrors({
  TRANSACTIONS_USER_NOT_FOUND: {
    code: 'USER_NOT_FOUND',
    http_status: 404,
    message: 'No transaction of this user has been ingested.',
  },
  TRANSACTIONS_IDEMPOTENCY_KEY_MISSING: {
    code: 'IDEMPOTENCY_KEY_MISSING',
    http_status: 400,
    message: 'Idempotency-Key header is required on every request that moves money.',
  },
  TRANSACTIONS_IDEMPOTENCY_KEY_INVALID: {
    code: 'IDEMPOTENCY_KEY_INVALID',
    http_status: 400,
    message: 'Idempotency-Key must be 1 to 255 visible ASCII characters.',
  },
  TRANSACTIONS_IDEMPOTENCY_KEY_IN_FLIGHT: {
    code: 'IDEMPOTENCY_KEY_IN_FLIGHT',
    http_status: 409,
    message: 'A request with this Idempotency-Key is still being processed; retry after it completes.',
  },
  TRANSACTIONS_IDEMPOTENCY_KEY_REUSED: {
    code: 'IDEMPOTENCY_KEY_REUSED',
    http_status: 422,
    message: 'This Idempotency-Key was already used for a different request (method, path or body differ).',
  },
});
