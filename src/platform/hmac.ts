import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

// A KeyObject per secret, prepared once: createHmac with a string key re-imports it on every call.
const keys = new Map<string, KeyObject>();
const KEYS_CACHED_MAX = 16;

function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= KEYS_CACHED_MAX) keys.clear();
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

export function hmacSha256Hex(secret: string, body: Buffer | string): string {
  return createHmac('sha256', keyOf(secret)).update(body).digest('hex');
}

/** Constant-time comparison of a presented hex signature with the expected one. */
export function signatureMatches(secret: string, body: Buffer, presented_hex: string | undefined): boolean {
  if (!presented_hex || !/^[0-9a-fA-F]{64}$/.test(presented_hex)) return false;
  const expected = createHmac('sha256', keyOf(secret)).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(presented_hex, 'hex'));
}
