import { PLATFORM_ERRORS } from './platform-errors.ts';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyRequest, preParsingAsyncHookHandler, onRequestAsyncHookHandler } from 'fastify';
import { AppError } from './errors.ts';
import type { ErrorDefinition } from './error-table.ts';
import { signatureMatches } from './hmac.ts';

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

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Whether a presented key is the expected one, compared as digests: constant time whatever the lengths. */
export function apiKeyMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** `Authorization: Bearer <key>`; 401 otherwise. Compared as digests, so in constant time whatever the length. */
export function apiKeyGuard(api_key: () => string): onRequestAsyncHookHandler {
  return async (request) => {
    const header = request.headers.authorization;
    const presented = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!timingSafeEqual(digest(presented), digest(api_key()))) throw new AuthenticationError(PLATFORM_ERRORS.UNAUTHORIZED);
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
