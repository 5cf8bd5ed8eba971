import { timingSafeEqual, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyRequest, preParsingAsyncHookHandler, onRequestAsyncHookHandler } from 'fastify';
import { AppError } from './errors.ts';
import { signatureMatches } from './hmac.ts';
import { BODY_SIZE_MAX_BYTES } from './limits.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact bytes of the body (HMAC is computed over these, never over re-serialized JSON). */
    rawBody?: Buffer;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** `Authorization: Bearer <key>`; 401 otherwise. Compared as digests, so in constant time whatever the length. */
export function apiKeyGuard(api_key: () => string): onRequestAsyncHookHandler {
  return async (request) => {
    const header = request.headers.authorization;
    const presented = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!timingSafeEqual(digest(presented), digest(api_key()))) throw new AppError('UNAUTHORIZED');
  };
}

export function isAuthorized(request: FastifyRequest, api_key: string): boolean {
  const header = request.headers.authorization;
  const presented = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : '';
  return timingSafeEqual(digest(presented), digest(api_key));
}

export interface HmacGuardOptions {
  secret: () => string;
  /** Header carrying the signature, lower-case. */
  header: string;
  /** Text before the hex in the header, e.g. 'HMAC-SHA256 '. */
  prefix?: string;
  /** Error key for a missing or wrong signature. */
  error_key?: string;
}

/**
 * Verifies the HMAC of the raw body before anything is parsed (SPEC §0): the body is read here,
 * bounded, checked, and only then handed on to the JSON parser.
 */
export function hmacGuard(options: HmacGuardOptions): preParsingAsyncHookHandler {
  const error_key = options.error_key ?? 'INVALID_SIGNATURE';
  return async (request, _reply, payload) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > BODY_SIZE_MAX_BYTES) throw new AppError('BODY_TOO_LARGE');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      size += (chunk as Buffer).length;
      if (size > BODY_SIZE_MAX_BYTES) throw new AppError('BODY_TOO_LARGE');
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    const header = request.headers[options.header];
    let presented = typeof header === 'string' ? header.trim() : undefined;
    if (presented !== undefined && options.prefix) {
      presented = presented.startsWith(options.prefix) ? presented.slice(options.prefix.length).trim() : undefined;
    }
    if (!signatureMatches(options.secret(), body, presented)) throw new AppError(error_key);
    request.rawBody = body;
    const replay = Readable.from([body]) as Readable & { receivedEncodedLength?: number };
    replay.receivedEncodedLength = body.length;
    return replay;
  };
}
