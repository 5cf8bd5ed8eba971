import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256Hex(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Constant-time comparison of a presented hex signature with the expected one. */
export function signatureMatches(secret: string, body: Buffer, presented_hex: string | undefined): boolean {
  if (!presented_hex || !/^[0-9a-fA-F]{64}$/.test(presented_hex)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(presented_hex, 'hex'));
}
