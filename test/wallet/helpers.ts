import { randomUUID } from 'node:crypto';
import { call } from '../support/server.ts';

export const API_KEY = 'dev-admin-key';
export const auth = (key: string = API_KEY) => ({ authorization: `Bearer ${key}` });

/** A money-moving POST with a fresh Idempotency-Key unless one is given. */
export function post(
  base: string,
  path: string,
  body: unknown,
  options: { key?: string | null; api_key?: string } = {},
) {
  const headers: Record<string, string> = { ...auth(options.api_key) };
  if (options.key !== null) headers['idempotency-key'] = options.key ?? randomUUID();
  return call(base, 'POST', path, body, headers);
}

export function get(base: string, path: string, api_key?: string) {
  return call(base, 'GET', path, undefined, auth(api_key));
}

export async function balanceOf(base: string, player: string, asset: string): Promise<number | undefined> {
  const r = await get(base, `/v1/wallets/${encodeURIComponent(player)}`);
  return r.status === 200 ? r.json.balances[asset] : undefined;
}
