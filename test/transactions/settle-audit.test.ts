import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { ingestHandler, itemAccounts } from '../../src/transactions/handler.ts';
import { auditOf, bearer, createOperator } from '../operators/helpers.ts';

/** SPEC §4: a payout settlement is a manual money movement — operator and reason with the transfer and in the audit log. */
let server: TestServer;

before(async () => {
  server = await startTestServer();
  const item = {
    id: 'audit-p1',
    user_id: 'aud001',
    type: 'payout' as const,
    amount_minor: 5000n,
    created_at: new Date(),
  };
  const ingested = await server.ctx.ledger.submit({
    handler: ingestHandler,
    input: item,
    accounts: itemAccounts(item).needs,
  });
  assert.equal(ingested.ok, true);
});
after(async () => {
  await server.close();
});

const settle = (key: string, body: unknown, idempotency_key = randomUUID()) =>
  call(server.url, 'POST', '/v1/payouts/aud001/settle', body, { ...bearer(key), 'idempotency-key': idempotency_key });

test("a settlement carries the operator and the reason in its transfer's metadata and in the audit log", async () => {
  const op = await createOperator(server.url, 'operator');
  const idempotency_key = randomUUID();
  const r = await settle(op.apiKey, { amount: 1250, reason: 'weekly payout run #7' }, idempotency_key);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { userId: 'aud001', settled: 1250, payout: 3750, paidOut: 1250 });
  const [transfer] = await server.db.sql`select id, metadata from transfers where kind = 'payout_settle'`;
  assert.equal(transfer.metadata.operator_id, op.operatorId);
  assert.equal(transfer.metadata.operator_name, op.name);
  assert.equal(transfer.metadata.reason, 'weekly payout run #7');

  // A replay names the same transfer; both requests are audited.
  const replay = await settle(op.apiKey, { amount: 1250, reason: 'weekly payout run #7' }, idempotency_key);
  assert.equal(replay.headers.get('idempotent-replayed'), 'true');
  const audit = await auditOf(server.url, `?operatorId=${op.operatorId}`);
  assert.equal(audit.entries.length, 2);
  for (const entry of audit.entries) {
    assert.deepEqual(
      { ...entry, at: undefined },
      {
        at: undefined,
        operatorId: op.operatorId,
        name: op.name,
        method: 'POST',
        path: '/v1/payouts/aud001/settle',
        status: 200,
        reason: 'weekly payout run #7',
        transactionId: transfer.id,
      },
    );
  }
});

test('a viewer may not settle (403, audited); nothing left to settle moves nothing and names no transfer', async () => {
  const viewer = await createOperator(server.url, 'viewer');
  const refused = await settle(viewer.apiKey, { reason: 'trying' });
  assert.equal(refused.status, 403);
  const op = await createOperator(server.url, 'operator');
  assert.equal((await settle(op.apiKey, {})).json.settled, 3750);
  const empty = await settle(op.apiKey, { reason: 'again' });
  assert.equal(empty.json.settled, 0);
  const viewer_audit = await auditOf(server.url, `?operatorId=${viewer.operatorId}`);
  assert.equal(viewer_audit.entries[0].status, 403);
  const audit = await auditOf(server.url, `?operatorId=${op.operatorId}`);
  assert.equal(audit.entries.length, 2);
  assert.equal(audit.entries[0].reason, 'again');
  assert.equal(audit.entries[0].transactionId, undefined);
  assert.equal(audit.entries[1].reason, null);
  assert.match(String(audit.entries[1].transactionId), /^[0-9a-f-]{36}$/);
});
