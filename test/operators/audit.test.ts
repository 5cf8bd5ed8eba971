import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { AUTH_FAILURES_PER_WINDOW_MAX } from '../../src/platform/limits.ts';
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

async function transferMetadata(id: string): Promise<Record<string, unknown>> {
  const [row] = await server.db.sql`select metadata from transfers where id = ${id}`;
  return row.metadata;
}

describe('manual movements carry the operator and the reason', () => {
  test("every wallet move and transfer is in the audit log with operator, reason and transaction id, and in its transfer's metadata", async () => {
    const op = await createOperator(base, 'operator');
    const moves: [string, unknown][] = [
      ['/v1/wallets/m_audit/topup', { asset: 'GOLD_COINS', amount: 100, reason: 'deposit by bank wire #1' }],
      ['/v1/wallets/m_audit/bonus', { asset: 'GOLD_COINS', amount: 10, reason: 'birthday gift' }],
      ['/v1/wallets/m_audit/spend', { asset: 'GOLD_COINS', amount: 5, reason: 'shop purchase' }],
      ['/v1/wallets/m_audit/withdraw', { asset: 'GOLD_COINS', amount: 7, reason: 'cash-out request 42' }],
      [
        '/v1/transfers',
        {
          from: { playerId: 'm_audit' },
          to: { playerId: 'user_002' },
          asset: 'GOLD_COINS',
          amount: 1,
          reason: 'goodwill',
        },
      ],
      ['/v1/wallets/m_audit/topup', { asset: 'GOLD_COINS', amount: 1 }],
    ];
    const ids: string[] = [];
    for (const [path, body] of moves) {
      const r = await move(base, op.apiKey, path, body);
      assert.equal(r.status, 201, `${path} ${r.text}`);
      ids.push(r.json.transactionId);
    }
    const audit = await auditOf(base, `?operatorId=${op.operatorId}`);
    assert.equal(audit.entries.length, moves.length);
    const oldest_first = [...audit.entries].reverse();
    moves.forEach(([path, body], i) => {
      const entry = oldest_first[i];
      const reason = (body as { reason?: string }).reason ?? null;
      assert.deepEqual(
        { ...entry, at: undefined },
        {
          at: undefined,
          operatorId: op.operatorId,
          name: op.name,
          method: 'POST',
          path,
          status: 201,
          reason,
          transactionId: ids[i],
        },
      );
    });
    for (const [i, id] of ids.entries()) {
      const metadata = await transferMetadata(id);
      assert.equal(metadata.operator_id, op.operatorId);
      assert.equal(metadata.operator_name, op.name);
      assert.equal(metadata.reason, (moves[i][1] as { reason?: string }).reason ?? null);
    }
  });

  test('the bootstrap admin is audited as "bootstrap"; a replay is audited with the original transaction', async () => {
    const key = randomUUID();
    const body = { asset: 'DIAMONDS', amount: 2, reason: 'manual correction' };
    const headers = { ...bearer(ADMIN_KEY), 'idempotency-key': key };
    const first = await call(base, 'POST', '/v1/wallets/m_boot/topup', body, headers);
    const replay = await call(base, 'POST', '/v1/wallets/m_boot/topup', body, headers);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    const audit = await auditOf(base, '?operatorId=bootstrap&limit=2');
    assert.deepEqual(
      audit.entries.map((e) => [e.path, e.status, e.reason, e.transactionId, e.name]),
      [
        ['/v1/wallets/m_boot/topup', 201, 'manual correction', first.json.transactionId, 'bootstrap admin'],
        ['/v1/wallets/m_boot/topup', 201, 'manual correction', first.json.transactionId, 'bootstrap admin'],
      ],
    );
    assert.equal((await transferMetadata(first.json.transactionId)).operator_id, 'bootstrap');
  });

  test('a reason over 255 characters, or empty, is a 400 naming the field, and nothing moves', async () => {
    const op = await createOperator(base, 'operator');
    for (const reason of ['x'.repeat(256), '']) {
      const r = await move(base, op.apiKey, '/v1/wallets/m_reason/topup', { asset: 'GOLD_COINS', amount: 1, reason });
      assert.equal(r.status, 400);
      assert.equal(r.json.code, 'VALIDATION_ERROR');
      assert.match(r.json.message, /reason/);
    }
    const ok = await move(base, op.apiKey, '/v1/wallets/m_reason/topup', {
      asset: 'GOLD_COINS',
      amount: 1,
      reason: 'y'.repeat(255),
    });
    assert.equal(ok.status, 201);
  });
});

describe('the audit log', () => {
  test('refused writes are audited with their status and reason; a wrong key is not (no operator); reads are not', async () => {
    const op = await createOperator(base, 'operator');
    const refused = await move(base, op.apiKey, '/v1/wallets/user_001/spend', {
      asset: 'GOLD_COINS',
      amount: 10 ** 15,
      reason: 'too much',
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.json.code, 'INSUFFICIENT_FUNDS');
    const no_key = await call(
      base,
      'POST',
      '/v1/wallets/user_001/topup',
      { asset: 'GOLD_COINS', amount: 1 },
      { ...bearer(op.apiKey) },
    );
    assert.equal(no_key.status, 400, 'no Idempotency-Key');
    await call(base, 'GET', '/v1/players', undefined, bearer(op.apiKey));
    const total_before = (await server.db.sql`select count(*)::int as n from operator_audit`)[0].n;
    const wrong = await move(base, 'not-a-key', '/v1/wallets/user_001/topup', { asset: 'GOLD_COINS', amount: 1 });
    assert.equal(wrong.status, 401);
    assert.equal((await server.db.sql`select count(*)::int as n from operator_audit`)[0].n, total_before);
    const audit = await auditOf(base, `?operatorId=${op.operatorId}`);
    assert.deepEqual(
      audit.entries.map((e) => [e.path, e.status, e.reason, e.transactionId]),
      [
        ['/v1/wallets/user_001/topup', 400, null, undefined],
        ['/v1/wallets/user_001/spend', 400, 'too much', undefined],
      ],
    );
  });

  test('operator management is audited too', async () => {
    const made = await createOperator(base, 'viewer');
    await call(base, 'DELETE', `/v1/operators/${made.operatorId}`, undefined, bearer(ADMIN_KEY));
    const audit = await auditOf(base, '?operatorId=bootstrap&limit=2');
    assert.deepEqual(
      audit.entries.map((e) => [e.method, e.path, e.status]),
      [
        ['DELETE', `/v1/operators/${made.operatorId}`, 200],
        ['POST', '/v1/operators', 201],
      ],
    );
  });

  test('cursor paging walks every entry once, newest first, and the last page has no cursor', async () => {
    const op = await createOperator(base, 'operator');
    const count = 23;
    for (let i = 0; i < count; i++)
      await move(base, op.apiKey, '/v1/wallets/m_page/topup', {
        asset: 'LOYALTY_POINTS',
        amount: i + 1,
        reason: `r${i}`,
      });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await auditOf(base, `?operatorId=${op.operatorId}&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      assert.ok(page.entries.length <= 5);
      seen.push(...page.entries.map((e) => e.reason as string));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 5);
    assert.deepEqual(
      seen,
      Array.from({ length: count }, (_, i) => `r${count - 1 - i}`),
    );
  });

  test('from and to bound the entries by time; a window ending before it starts is a 400', async () => {
    const op = await createOperator(base, 'operator');
    await move(base, op.apiKey, '/v1/wallets/m_window/topup', { asset: 'GOLD_COINS', amount: 1 });
    const [{ at }] = await server.db.sql`select at from operator_audit where operator_id = ${op.operatorId}`;
    const iso = (ms: number) => new Date(ms).toISOString();
    const inside = await auditOf(
      base,
      `?operatorId=${op.operatorId}&from=${iso(at.getTime() - 1000)}&to=${iso(at.getTime() + 1000)}`,
    );
    assert.equal(inside.entries.length, 1);
    const later = await auditOf(base, `?operatorId=${op.operatorId}&from=${iso(at.getTime() + 1000)}`);
    assert.equal(later.entries.length, 0);
    const backwards = await call(
      base,
      'GET',
      `/v1/audit?from=${iso(at.getTime())}&to=${iso(at.getTime() - 1)}`,
      undefined,
      bearer(ADMIN_KEY),
    );
    assert.equal(backwards.status, 400);
  });

  test('a cursor the endpoint did not hand out is a 400 INVALID_CURSOR; a limit over 1000 is a 400', async () => {
    for (const cursor of [
      'garbage!',
      Buffer.from('a0').toString('base64url'),
      Buffer.from('b12').toString('base64url'),
    ]) {
      const r = await call(base, 'GET', `/v1/audit?cursor=${encodeURIComponent(cursor)}`, undefined, bearer(ADMIN_KEY));
      assert.equal(r.status, 400, cursor);
    }
    assert.equal((await call(base, 'GET', '/v1/audit?limit=1001', undefined, bearer(ADMIN_KEY))).status, 400);
  });
});

describe('failed sign-ins', () => {
  test(`past ${AUTH_FAILURES_PER_WINDOW_MAX} wrong keys from one address further wrong keys answer 429; a right key still works; a missing key does not count`, async () => {
    // A server of its own: this leaves 127.0.0.1 limited for the rest of the window.
    const fresh = await startTestServer();
    try {
      for (let i = 0; i < AUTH_FAILURES_PER_WINDOW_MAX * 2; i++)
        assert.equal((await call(fresh.url, 'GET', '/v1/players')).status, 401);
      for (let i = 0; i < AUTH_FAILURES_PER_WINDOW_MAX; i++) {
        assert.equal((await call(fresh.url, 'GET', '/v1/players', undefined, bearer(`guess-${i}`))).status, 401);
      }
      const limited = await call(fresh.url, 'GET', '/v1/players', undefined, bearer('one-more-guess'));
      assert.equal(limited.status, 429);
      assert.equal(limited.json.code, 'TOO_MANY_FAILURES');
      assert.equal(
        (await call(fresh.url, 'GET', '/v1/players', undefined, bearer(ADMIN_KEY))).status,
        200,
        'a right key is never slowed',
      );
    } finally {
      await fresh.close();
    }
  });
});
