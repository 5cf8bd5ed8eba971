import { defineErrors } from '../platform/error-table.ts';

/**
 * Error rows of "Jaqpot Games", the built-in provider (composed into the one registry in
 * platform/errors.ts). Signature and validation failures use the platform's INVALID_SIGNATURE and
 * VALIDATION_ERROR rows.
 */
export const PROVIDER_ERRORS = defineErrors({
  PROVIDER_GAME_NOT_FOUND: {
    code: 'GAME_NOT_FOUND',
    http_status: 404,
    message: 'Jaqpot Games has no game with this gameId.',
  },
  PROVIDER_SESSION_NOT_FOUND: {
    code: 'SESSION_NOT_FOUND',
    http_status: 404,
    message: 'No session with this token was launched at Jaqpot Games.',
  },
  PROVIDER_SESSION_CONFLICT: {
    code: 'SESSION_CONFLICT',
    http_status: 409,
    message: 'This session token was already launched for another user, game or currency.',
  },
  PROVIDER_CASINO_UNAVAILABLE: {
    code: 'CASINO_UNAVAILABLE',
    http_status: 502,
    message: 'The casino did not answer the balance call.',
  },
  // A definitive refusal (e.g. 401/403 for a wrong CASINO_SECRET, an expired session) is not an outage:
  // 424 Failed Dependency, with the casino's status and code in the message, so it is fixed, not retried.
  PROVIDER_CASINO_REFUSED: {
    code: 'CASINO_REFUSED',
    http_status: 424,
    message: 'The casino refused the balance call.',
  },
});
