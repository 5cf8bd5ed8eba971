import { defineErrors } from './error-table.ts';
import { BODY_SIZE_MAX_BYTES, STRING_LENGTH_MAX } from './limits.ts';

/** Errors every surface shares. */
export const PLATFORM_ERRORS = defineErrors({
  VALIDATION_ERROR: { code: 'VALIDATION_ERROR', http_status: 400, message: 'The request is not valid.' },
  MALFORMED_REQUEST: { code: 'MALFORMED_REQUEST', http_status: 400, message: 'The request is not valid HTTP/1.1.' },
  INVALID_JSON: { code: 'VALIDATION_ERROR', http_status: 400, message: 'The request body is not valid JSON.' },
  UNKNOWN_ASSET: { code: 'UNKNOWN_ASSET', http_status: 400, message: 'Unknown asset or currency.' },
  UNAUTHORIZED: {
    code: 'UNAUTHORIZED',
    http_status: 401,
    message: 'Missing or wrong API key (Authorization: Bearer <key>).',
  },
  FORBIDDEN: {
    code: 'FORBIDDEN',
    http_status: 403,
    message: "Not allowed: this API key's role may not do this, or this path may not be served.",
  },
  INVALID_SIGNATURE: { code: 'INVALID_SIGNATURE', http_status: 403, message: 'Missing or wrong request signature.' },
  NOT_FOUND: { code: 'NOT_FOUND', http_status: 404, message: 'No such endpoint.' },
  METHOD_NOT_ALLOWED: { code: 'METHOD_NOT_ALLOWED', http_status: 405, message: 'Method not allowed on this endpoint.' },
  REQUEST_TIMEOUT: {
    code: 'REQUEST_TIMEOUT',
    http_status: 408,
    message: 'The request did not arrive in time; it was dropped.',
  },
  BODY_TOO_LARGE: {
    code: 'BODY_TOO_LARGE',
    http_status: 413,
    message: `Request body exceeds ${BODY_SIZE_MAX_BYTES / 1024 / 1024} MiB.`,
  },
  URI_TOO_LONG: {
    code: 'URI_TOO_LONG',
    http_status: 414,
    message: `A path parameter exceeds ${STRING_LENGTH_MAX} characters.`,
  },
  UNSUPPORTED_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    http_status: 415,
    message: 'Content-Type must be application/json.',
  },
  RANGE_NOT_SATISFIABLE: {
    code: 'RANGE_NOT_SATISFIABLE',
    http_status: 416,
    message: 'The requested byte range is outside the file.',
  },
  TOO_MANY_FAILURES: {
    code: 'TOO_MANY_FAILURES',
    http_status: 429,
    message: 'Too many failed authentications from this address; retry after the seconds in Retry-After.',
  },
  HEADERS_TOO_LARGE: {
    code: 'HEADERS_TOO_LARGE',
    http_status: 431,
    message: 'The request line and headers exceed 16 KiB (an over-long URL counts).',
  },
  OVERLOADED: { code: 'OVERLOADED', http_status: 503, message: 'The ledger queue is full; retry shortly.' },
  NOT_READY: {
    code: 'NOT_READY',
    http_status: 503,
    message: 'The database is not reachable or migrations are not applied.',
  },
  INTERNAL: { code: 'INTERNAL', http_status: 500, message: 'Internal error; it has been logged.' },
});
