import { PLATFORM_ERRORS } from './platform-errors.ts';
import type { FastifyRequest, preParsingAsyncHookHandler, onRequestAsyncHookHandler } from 'fastify';
import { AppError } from './errors.ts';
import type { ErrorDefinition } from './error-table.ts';
import { signatureMatches } from './hmac.ts';
import { WRITE_METHODS, type OperatorAuth } from './operator.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact bytes of the body (HMAC is computed over these, never over re-serialized JSON). */
    rawBody?: Buffer;
  }
}

/**
 * A wrong or missing API key or signature. Its own class so the error handler (platform/http.ts) can
 * count it against the client's auth-failure limit without each guard knowing about the limiter.
 */
export class AuthenticationError extends AppError {}

const BEARER_PREFIX = 'Bearer ';

/**
 * `Authorization: Bearer <key>` resolved to its operator (SPEC §0, §4), attached as `request.operator`.
 * Missing or wrong key → 401; a wrong key also counts against the client address (429 past the
 * auth-failure limit, http.ts); a viewer sending any write → 403 FORBIDDEN. The resolver compares keys in
 * constant time (operators module). One guard for every domain: they pass `ctx.operator_auth`.
 */
export function apiKeyGuard(auth: OperatorAuth): onRequestAsyncHookHandler {
  return async (request) => {
    const header = request.headers.authorization;
    const presented =
      typeof header === 'string' && header.startsWith(BEARER_PREFIX) ? header.slice(BEARER_PREFIX.length) : '';
    // A missing key is not a guess; only presented keys that resolve to nobody count as failures.
    if (presented === '') throw new AppError(PLATFORM_ERRORS.UNAUTHORIZED);
    const operator = await auth.resolve(presented);
    // A wrong key counts against the client address (the error handler's auth-failure limit); a right one never does.
    if (!operator) throw new AuthenticationError(PLATFORM_ERRORS.UNAUTHORIZED);
    request.operator = operator;
    if (operator.role === 'viewer' && WRITE_METHODS.has(request.method)) {
      throw new AppError(
        PLATFORM_ERRORS.FORBIDDEN,
        `A viewer may only read; ${request.method} needs the role operator or admin.`,
      );
    }
  };
}

export interface HmacGuardOptions {
  secret: () => string;
  /** Header carrying the signature, lower-case. */
  header: string;
  /** Text before the hex in the header, e.g. 'HMAC-SHA256 '. */
  prefix?: string;
  /** Registry row for a missing or wrong signature (default INVALID_SIGNATURE). */
  error?: ErrorDefinition;
}

/**
 * Verifies the HMAC of the raw body before anything is parsed (SPEC §0). This hook only marks the
 * request; the JSON parser (platform/http.ts) checks the signature over the exact bytes it received,
 * before JSON.parse, and a request without a body is checked before validation. Marking instead of
 * re-streaming the body keeps the hot path to one read of the bytes.
 */
export function hmacGuard(options: HmacGuardOptions): preParsingAsyncHookHandler {
  // One shared, immutable check per route; each request only records whether it passed.
  const check: SignatureCheck = { ...options, error: options.error ?? PLATFORM_ERRORS.INVALID_SIGNATURE };
  return async (request, _reply, payload) => {
    request.signature_check = check;
    request.signature_verified = false;
    return payload;
  };
}

export interface SignatureCheck extends HmacGuardOptions {
  error: ErrorDefinition;
}

declare module 'fastify' {
  interface FastifyRequest {
    signature_check?: SignatureCheck;
    signature_verified?: boolean;
  }
}

/** Throws the route's signature error unless `body` is signed as the guard requires. */
export function verifySignature(request: FastifyRequest, body: Buffer): void {
  const check = request.signature_check;
  if (!check || request.signature_verified) return;
  const header = request.headers[check.header];
  let presented = typeof header === 'string' ? header.trim() : undefined;
  if (presented !== undefined && check.prefix) {
    presented = presented.startsWith(check.prefix) ? presented.slice(check.prefix.length).trim() : undefined;
  }
  if (!signatureMatches(check.secret(), body, presented)) throw new AuthenticationError(check.error);
  request.signature_verified = true;
}
