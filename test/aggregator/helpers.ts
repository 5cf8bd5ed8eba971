import assert from 'node:assert/strict';
import { call } from '../support/server.ts';
import { hmacSha256Hex } from '../../src/platform/hmac.ts';
import { verifyLedger, formatReport } from '../../src/ledger/verify.ts';
import type { Sql } from '../../src/db/sql.ts';

/** Test helpers of the aggregator suite: signed calls as the aggregator makes them. */

export const SECRET = 'test';
export const PROCESS = '/aggregator/takehome/process';
export const ADMIN = { authorization: 'Bearer dev-admin-key' };

export function signature(body: string, secret = SECRET): string {
  return `HMAC-SHA256 ${hmacSha256Hex(secret, body)}`;
}

/** POST /process with the exact bytes signed. */
export function processCall(base: string, body: unknown, secret = SECRET) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return call(base, 'POST', PROCESS, raw, { authorization: signature(raw, secret) });
}

export type Action =
  | { action: 'bet' | 'win'; action_id: string; amount?: number }
  | { action: 'rollback'; action_id: string; original_action_id: string; amount?: number };

export function batch(user_id: string, actions: Action[], extra: Record<string, unknown> = {}) {
  return { user_id, currency: 'USD', game: 'acceptance:test', game_id: 'round-1', finished: true, actions, ...extra };
}

export async function balance(base: string, user_id: string, currency = 'USD'): Promise<number> {
  const r = await processCall(base, { user_id, currency });
  assert.equal(r.status, 200, r.text);
  return r.json.balance;
}

export async function assertLedgerVerifies(sql: Sql): Promise<void> {
  const report = await verifyLedger(sql);
  assert.ok(report.passed, formatReport(report));
}

let counter = 0;
/** Unique ids per run, so a test never collides with another's actions. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}
