import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { ADMIN_KEY, auditOf, bearer, createOperator, move } from './helpers.ts';

let server: TestServer;
let base: string;

before(async () => {
  server = await startTestServer();
  base = server.url;
});
after(async () => {
  await server.close();
});

const transferCount = async () => Number((await server.db.sql`select count(*)::int as n from transfers`)[0].n);

describe('named operators', () => {
  test('an admin creates an operator: 201 with the key once, stored only as its sha256', async () => {
    const r = await call(base, 'POST', '/v1/operators', { name: 'alice', role: 'operator' }, bearer(ADMIN_KEY));
    assert.equal(r.status, 201);
    assert.equal(r.json.name, 'alice');
    assert.equal(r.json.role, 'operator');
    assert.match(r.json.operatorId, /^[0-9a-f-]{36}$/);
    assert.ok(!Number.isNaN(Date.parse(r.json.created_at)));
    assert.ok(r.json.apiKey.length >= 40);
    const [row] = await server.db
      .sql`select key_hash, encode(sha256(convert_to(${r.json.apiKey}, 'UTF8')), 'hex') as expected from operators where id = ${r.json.operatorId}`;
    assert.equal(row.key_hash.toString('hex'), row.expected);
    const stored = await server.db
      .sql`select count(*)::int as n from operators where position(convert_to(${r.json.apiKey}, 'UTF8') in key_hash) > 0`;
    assert.equal(stored[0].n, 0, 'the key itself is never stored');
    const wallet = await call(base, 'GET', '/v1/wallets/user_001', undefined, bearer(r.json.apiKey));
    assert.equal(wallet.status, 200);
  });

  test('the list shows every operator without any key', async () => {
    const created = await createOperator(base, 'viewer');
    const r = await call(base, 'GET', '/v1/operators', undefined, bearer(ADMIN_KEY));
    assert.equal(r.status, 200);
    const listed = r.json.operators.find((o: { operatorId: string }) => o.operatorId === created.operatorId);
    assert.deepEqual(Object.keys(listed).sort(), [
      'created_at',
      'created_by',
      'name',
      'operatorId',
      'revoked_at',
      'role',
    ]);
    assert.equal(listed.created_by, 'bootstrap');
    assert.ok(!r.text.includes(created.apiKey));
  });

  test('a revoked key answers 401 at once; revoking again keeps the first time; an unknown id is 404', async () => {
    const op = await createOperator(base, 'operator');
    assert.equal((await call(base, 'GET', '/v1/players', undefined, bearer(op.apiKey))).status, 200);
    const revoked = await call(base, 'DELETE', `/v1/operators/${op.operatorId}`, undefined, bearer(ADMIN_KEY));
    assert.equal(revoked.status, 200);
    assert.ok(revoked.json.revoked_at);
    const after_revoke = await call(base, 'GET', '/v1/players', undefined, bearer(op.apiKey));
    assert.equal(after_revoke.status, 401);
    assert.equal(after_revoke.json.code, 'UNAUTHORIZED');
    assert.equal(
      (await move(base, op.apiKey, '/v1/wallets/user_001/topup', { asset: 'GOLD_COINS', amount: 1 })).status,
      401,
    );
    const again = await call(base, 'DELETE', `/v1/operators/${op.operatorId}`, undefined, bearer(ADMIN_KEY));
    assert.equal(again.json.revoked_at, revoked.json.revoked_at);
    const unknown = await call(
      base,
      'DELETE',
      '/v1/operators/00000000-0000-7000-8000-000000000000',
      undefined,
      bearer(ADMIN_KEY),
    );
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.code, 'OPERATOR_NOT_FOUND');
    assert.equal((await call(base, 'DELETE', '/v1/operators/not-a-uuid', undefined, bearer(ADMIN_KEY))).status, 400);
  });

  test('a revoked name can be given again; two active operators cannot share a name (409)', async () => {
    const first = await createOperator(base, 'operator', 'bob');
    const twice = await call(base, 'POST', '/v1/operators', { name: 'bob', role: 'viewer' }, bearer(ADMIN_KEY));
    assert.equal(twice.status, 409);
    assert.equal(twice.json.code, 'OPERATOR_NAME_TAKEN');
    await call(base, 'DELETE', `/v1/operators/${first.operatorId}`, undefined, bearer(ADMIN_KEY));
    const reused = await createOperator(base, 'viewer', 'bob');
    assert.notEqual(reused.operatorId, first.operatorId);
  });

  test('only admins manage operators or read the audit: operator and viewer keys get 403 FORBIDDEN', async () => {
    const op = await createOperator(base, 'operator');
    const viewer = await createOperator(base, 'viewer');
    const admin = await createOperator(base, 'admin');
    for (const key of [op.apiKey, viewer.apiKey]) {
      for (const [method, path, body] of [
        ['POST', '/v1/operators', { name: 'x', role: 'admin' }],
        ['GET', '/v1/operators'],
        ['GET', '/v1/audit'],
        ['DELETE', `/v1/operators/${admin.operatorId}`],
      ] as const) {
        const r = await call(base, method, path, body, bearer(key));
        assert.equal(r.status, 403, `${method} ${path}`);
        assert.equal(r.json.code, 'FORBIDDEN');
      }
    }
    const by_admin = await call(
      base,
      'POST',
      '/v1/operators',
      { name: 'made-by-admin', role: 'viewer' },
      bearer(admin.apiKey),
    );
    assert.equal(by_admin.status, 201);
    assert.equal(by_admin.json.created_by, admin.operatorId);
  });

  test('GET /v1/operators/me tells any key who it is: the bootstrap admin, or a named operator of any role', async () => {
    const boot = await call(base, 'GET', '/v1/operators/me', undefined, bearer(ADMIN_KEY));
    assert.equal(boot.status, 200);
    assert.deepEqual(boot.json, { operatorId: 'bootstrap', name: 'bootstrap admin', role: 'admin', bootstrap: true });
    for (const role of ['viewer', 'operator', 'admin']) {
      const op = await createOperator(base, role);
      const me = await call(base, 'GET', '/v1/operators/me', undefined, bearer(op.apiKey));
      assert.equal(me.status, 200, role);
      assert.deepEqual(me.json, { operatorId: op.operatorId, name: op.name, role, bootstrap: false });
    }
    const none = await call(base, 'GET', '/v1/operators/me');
    assert.equal(none.status, 401);
    assert.equal(none.json.code, 'UNAUTHORIZED');
    const revoked = await createOperator(base, 'operator');
    await call(base, 'DELETE', `/v1/operators/${revoked.operatorId}`, undefined, bearer(ADMIN_KEY));
    assert.equal((await call(base, 'GET', '/v1/operators/me', undefined, bearer(revoked.apiKey))).status, 401);
  });

  test('a bad name or role is a 400 naming the field', async () => {
    for (const body of [
      { name: 'x', role: 'root' },
      { name: '', role: 'viewer' },
      { name: 'x'.repeat(256), role: 'viewer' },
      { role: 'viewer' },
    ]) {
      const r = await call(base, 'POST', '/v1/operators', body, bearer(ADMIN_KEY));
      assert.equal(r.status, 400, JSON.stringify(body).slice(0, 40));
      assert.equal(r.json.code, 'VALIDATION_ERROR');
    }
  });
});

describe('roles', () => {
  const writes: [string, string, unknown][] = [
    ['POST', '/v1/wallets/user_001/topup', { asset: 'GOLD_COINS', amount: 1 }],
    ['POST', '/v1/wallets/user_001/bonus', { asset: 'GOLD_COINS', amount: 1 }],
    ['POST', '/v1/wallets/user_001/spend', { asset: 'GOLD_COINS', amount: 1 }],
    ['POST', '/v1/wallets/user_001/withdraw', { asset: 'GOLD_COINS', amount: 1 }],
    [
      'POST',
      '/v1/transfers',
      { from: { playerId: 'user_001' }, to: { playerId: 'user_002' }, asset: 'GOLD_COINS', amount: 1 },
    ],
    ['POST', '/casino/launchGame', { userId: 'user_001', gameId: 'jaqpot-classic', currency: 'USD' }],
    ['POST', '/casino/simulateRound', { userId: 'user_001', gameId: 'jaqpot-classic', currency: 'USD' }],
    ['POST', '/v1/operators', { name: 'by-viewer', role: 'admin' }],
    ['DELETE', '/v1/operators/00000000-0000-7000-8000-000000000000', undefined],
  ];

  test('a viewer is refused every write with 403 FORBIDDEN, nothing moves, and every refusal is audited', async () => {
    const viewer = await createOperator(base, 'viewer');
    const before_count = await transferCount();
    for (const [method, path, body] of writes) {
      const r = await call(base, method, path, body, { ...bearer(viewer.apiKey), 'idempotency-key': `viewer-${path}` });
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.json.code, 'FORBIDDEN');
      assert.ok(r.json.message.length > 0);
    }
    assert.equal(await transferCount(), before_count);
    const audit = await auditOf(base, `?operatorId=${viewer.operatorId}`);
    assert.equal(audit.entries.length, writes.length);
    for (const entry of audit.entries) {
      assert.equal(entry.status, 403);
      assert.equal(entry.name, viewer.name);
    }
    assert.deepEqual(
      audit.entries.map((e) => `${e.method} ${e.path}`).reverse(),
      writes.map(([m, p]) => `${m} ${p}`),
    );
  });

  test('a viewer reads: wallets, history, players, assets, RTP', async () => {
    const viewer = await createOperator(base, 'viewer');
    for (const path of [
      '/v1/wallets/user_001',
      '/v1/wallets/user_001/transactions',
      '/v1/players',
      '/v1/assets',
      '/aggregator/takehome/rtp?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z',
    ]) {
      const r = await call(base, 'GET', path, undefined, bearer(viewer.apiKey));
      assert.equal(r.status, 200, path);
    }
  });

  test("an operator moves money; its Idempotency-Keys are its own, not the admin's", async () => {
    const op = await createOperator(base, 'operator');
    const body = { asset: 'DIAMONDS', amount: 3 };
    const headers = { 'idempotency-key': 'shared-key' };
    const a = await call(base, 'POST', '/v1/wallets/op_scope/topup', body, { ...bearer(op.apiKey), ...headers });
    const b = await call(base, 'POST', '/v1/wallets/op_scope/topup', body, { ...bearer(ADMIN_KEY), ...headers });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.notEqual(a.json.transactionId, b.json.transactionId);
    const replay = await call(base, 'POST', '/v1/wallets/op_scope/topup', body, { ...bearer(op.apiKey), ...headers });
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(replay.json.transactionId, a.json.transactionId);
  });
});
