import { hmacSha256Hex } from '../../src/platform/hmac.ts';
import { call } from '../support/server.ts';

export const CASINO_SECRET = 'casino-secret';
export const PROVIDER_SECRET = 'provider-secret';
export const ADMIN = { authorization: 'Bearer dev-admin-key' };

/** A provider callback, signed over the exact bytes sent. */
export function casino(base: string, path: string, body: unknown, secret = CASINO_SECRET) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return call(base, 'POST', path, text, { 'x-casino-signature': hmacSha256Hex(secret, text) });
}

/** A call to the provider, signed with PROVIDER_SECRET. */
export function provider(base: string, path: string, body: unknown, secret = PROVIDER_SECRET) {
  const text = JSON.stringify(body);
  return call(base, 'POST', path, text, { 'x-provider-signature': hmacSha256Hex(secret, text) });
}

export async function launch(base: string, userId: string | number, gameId: string | number = '1', currency = 'USD'): Promise<string> {
  const r = await call(base, 'POST', '/casino/launchGame', { userId, gameId, currency }, ADMIN);
  if (r.status !== 200) throw new Error(`launch failed: ${r.status} ${r.text}`);
  return r.json.sessionToken as string;
}

let counter = 0;
/** A fresh id per call of a test file. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}
