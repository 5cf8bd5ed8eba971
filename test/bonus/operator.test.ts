import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { call, type TestServer } from '../support/server.ts';
import { auditOf, bearer, createOperator } from '../operators/helpers.ts';
import { inOneHour, uid, verifiedServer } from './helpers.ts';

/** Grants and forfeits are manual money movements (SPEC §4): operator and reason on the transfer and in the audit log. */
let s: TestServer;
verifiedServer((server) => (s = server));

function grant(key: string, player: string, body: Record<string, unknown>, idempotency_key = randomUUID()) {
  return call(
    s.url,
    'POST',
    `/v1/players/${player}/bonuses`,
    { asset: 'USD', wagering_multiplier: 5, expires_at: inOneHour(), ...body },
    { ...bearer(key), 'idempotency-key': idempotency_key },
  );
}

function forfeit(key: string, player: string, bonus_id: string, body?: unknown, idempotency_key = randomUUID()) {
  return call(s.url, 'POST', `/v1/players/${player}/bonuses/${bonus_id}/forfeit`, body, {
    ...bearer(key),
    'idempotency-key': idempotency_key,
  });
}

async function transfersOf(bonus_id: string) {
  return s.db.sql<{ id: string; kind: string; metadata: Record<string, unknown> }[]>`
    select id::text, kind, metadata from transfers where metadata->>'bonus_id' = ${bonus_id} order by created_at, id`;
}

describe('bonus grants and forfeits record the operator and the reason', () => {
  test('a grant: reason and operator in its bonus_grant transfer and in the audit entry (with the transaction), also on a replay', async () => {
    const op = await createOperator(s.url, 'operator');
    const player = uid('op');
    const key = randomUUID();
    const body = { amount: 500, reason: 'welcome bonus, ticket #7', expires_at: inOneHour() };
    const first = await grant(op.apiKey, player, body, key);
    assert.equal(first.status, 201, first.text);
    const replay = await grant(op.apiKey, player, body, key);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    const [moved] = await transfersOf(first.json.bonusId);
    assert.equal(moved.kind, 'bonus_grant');
    assert.deepEqual(moved.metadata, {
      bonus_id: first.json.bonusId,
      operator_id: op.operatorId,
      operator_name: op.name,
      reason: 'welcome bonus, ticket #7',
    });
    const audit = await auditOf(s.url, `?operatorId=${op.operatorId}`);
    assert.deepEqual(
      audit.entries.map((e) => [e.method, e.path, e.status, e.reason, e.transactionId]),
      [
        ['POST', `/v1/players/${player}/bonuses`, 201, 'welcome bonus, ticket #7', moved.id],
        ['POST', `/v1/players/${player}/bonuses`, 201, 'welcome bonus, ticket #7', moved.id],
      ],
    );
  });

  test("a pending grant keeps its operator and reason until its money moves, in another operator's forfeit command", async () => {
    const granting = await createOperator(s.url, 'operator');
    const forfeiting = await createOperator(s.url, 'admin');
    const player = uid('op');
    const active = await grant(granting.apiKey, player, { amount: 100, reason: 'first deposit match' });
    const pending = await grant(granting.apiKey, player, { amount: 50, reason: 'reload bonus' });
    assert.equal(pending.json.status, 'pending');
    assert.equal((await transfersOf(pending.json.bonusId)).length, 0, 'no money moved for a pending grant');
    assert.equal(
      (await auditOf(s.url, `?operatorId=${granting.operatorId}&limit=1`)).entries[0].transactionId,
      undefined,
    );

    const f = await forfeit(forfeiting.apiKey, player, active.json.bonusId, { reason: 'bonus abuse, case 19' });
    assert.equal(f.status, 200, f.text);
    assert.equal(f.json.status, 'forfeited');
    const [forfeited] = (await transfersOf(active.json.bonusId)).filter((t) => t.kind === 'bonus_forfeit');
    assert.deepEqual(forfeited.metadata, {
      bonus_id: active.json.bonusId,
      operator_id: forfeiting.operatorId,
      operator_name: forfeiting.name,
      reason: 'bonus abuse, case 19',
    });
    // The pending grant activated in the forfeit's command: its transfer names who granted it, not who forfeited.
    const [activated] = await transfersOf(pending.json.bonusId);
    assert.equal(activated.kind, 'bonus_grant');
    assert.equal(activated.metadata.operator_id, granting.operatorId);
    assert.equal(activated.metadata.reason, 'reload bonus');
    const [entry] = (await auditOf(s.url, `?operatorId=${forfeiting.operatorId}&limit=1`)).entries;
    assert.deepEqual(
      [entry.path, entry.status, entry.reason, entry.transactionId],
      [`/v1/players/${player}/bonuses/${active.json.bonusId}/forfeit`, 200, 'bonus abuse, case 19', forfeited.id],
    );
  });

  test('a forfeit without a body or without a reason still works (reason null); a bad reason is a 400 naming it', async () => {
    const player = uid('op');
    const one = await grant('dev-admin-key', player, { amount: 10 });
    const two = await grant('dev-admin-key', player, { amount: 10 });
    const bare = await forfeit('dev-admin-key', player, one.json.bonusId);
    assert.equal(bare.status, 200, bare.text);
    const [moved] = (await transfersOf(one.json.bonusId)).filter((t) => t.kind === 'bonus_forfeit');
    assert.equal(moved.metadata.reason, null);
    assert.equal(moved.metadata.operator_id, 'bootstrap');
    for (const body of [{ reason: '' }, { reason: 'x'.repeat(256) }, { why: 'no' }]) {
      const r = await forfeit('dev-admin-key', player, two.json.bonusId, body);
      assert.equal(r.status, 400, r.text);
      assert.match(r.json.message, /reason|why/);
    }
    const long = await grant('dev-admin-key', player, { amount: 10, reason: 'y'.repeat(256) });
    assert.equal(long.status, 400);
    assert.match(long.json.message, /reason/);
    assert.equal(
      (await call(s.url, 'GET', `/v1/players/${player}/bonuses`, undefined, bearer('dev-admin-key'))).json.data.length,
      2,
    );
  });

  test('a viewer may neither grant nor forfeit (403), and is audited', async () => {
    const viewer = await createOperator(s.url, 'viewer');
    const player = uid('op');
    const r = await grant(viewer.apiKey, player, { amount: 10, reason: 'not allowed' });
    assert.equal(r.status, 403);
    const [entry] = (await auditOf(s.url, `?operatorId=${viewer.operatorId}&limit=1`)).entries;
    assert.equal(entry.status, 403);
  });
});
