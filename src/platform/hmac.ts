import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { BoundedCache } from './bounded-cache.ts';
import { HMAC_KEYS_CACHED_MAX } from './limits.ts';

// A KeyObject per secret, prepared once: createHmac with a string key re-imports it on every call.
const keys = new BoundedCache<string, KeyObject>(HMAC_KEYS_CACHED_MAX);
const keyOf = (secret: string) => keys.get(secret, () => createSecretKey(Buffer.from(secret, 'utf8')));

export function hmacSha256Hex(secret: string, body: Buffer | string): string {
  return createHmac('sha256', keyOf(secret)).update(body).digest('hex');
}

/** Constant-time comparison of a presented hex signature with the expected one. */
export function signatureMatches(secret: string, body: Buffer, presented_hex: string | undefined): boolean {
  if (!presented_hex || !/^[0-9a-fA-F]{64}$/.test(presented_hex)) return false;
  const expected = createHmac('sha256', keyOf(secret)).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(presented_hex, 'hex'));
}
