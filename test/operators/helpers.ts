import { randomUUID } from 'node:crypto';
import { call } from '../support/server.ts';

export const ADMIN_KEY = 'dev-admin-key';
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export interface Created {
  operatorId: string;
  name: string;
  role: string;
  apiKey: string;
  created_at: string;
}

/** Creates an operator with the bootstrap admin key; fails the test unless it is a 201. */
export async function createOperator(
  base: string,
  role: string,
  name: string = `${role}-${randomUUID().slice(0, 8)}`,
): Promise<Created> {
  const r = await call(base, 'POST', '/v1/operators', { name, role }, bearer(ADMIN_KEY));
  if (r.status !== 201) throw new Error(`creating ${name} answered ${r.status} ${r.text}`);
  return r.json;
}

/** A money-moving POST with a fresh Idempotency-Key. */
export function move(base: string, key: string, path: string, body: unknown) {
  return call(base, 'POST', path, body, { ...bearer(key), 'idempotency-key': randomUUID() });
}

export async function auditOf(base: string, query = '') {
  const r = await call(base, 'GET', `/v1/audit${query}`, undefined, bearer(ADMIN_KEY));
  if (r.status !== 200) throw new Error(`audit answered ${r.status} ${r.text}`);
  return r.json as { entries: Record<string, unknown>[]; next_cursor: string | null };
}
