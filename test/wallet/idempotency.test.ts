import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { purgeExpiredIdempotencyKeys, idempotencyPurgeJob, parseIdempotencyKey } from '../../src/wallet/idempotency.ts';
import { startPeriodic } from '../../src/platform/periodic.ts';
import { IDEMPOTENCY_RETENTION_MS } from '../../src/wallet/limits.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { auth, balanceOf, post } from './helpers.ts';

let server: TestServer;
let base: string;

before(async () => {
  server = await startTestServer();
  base = server.url;
});
after(async () => {
  await server.close();
});

const storedRows = async () =>
  Number((await server.db.sql`select count(*)::int as n from wallet_idempotency_keys`)[0].n);
const transferCount = async () => Number((await server.db.sql`select count(*)::int as n from transfers`)[0].n);

/** A POST whose body bytes are exactly `raw`. */
const postRaw = (path: string, raw: string, key: string) =>
  call(base, 'POST', path, raw, { ...auth(), 'idempotency-key': key, 'content-type': 'application/json' });

describe('the Idempotency-Key header', () => {
  test('every money-moving POST answers 400 IDEMPOTENCY_KEY_MISSING without it, and moves nothing', async () => {
    await post(base, '/v1/wallets/k_missing/topup', { asset: 'GOLD_COINS', amount: 10 });
    const count = await transferCount();
    const paths = ['topup', 'bonus', 'spend', 'withdraw'].map((k) => `/v1/wallets/k_missing/${k}`);
    for (const path of paths) {
      const r = await post(base, path, { asset: 'GOLD_COINS', amount: 1 }, { key: null });
      assert.equal(r.status, 400, path);
      assert.equal(r.json.code, 'IDEMPOTENCY_KEY_MISSING');
      assert.match(r.json.message, /Idempotency-Key/);
    }
    const transfer = await post(
      base,
      '/v1/transfers',
      { from: { system: 'treasury' }, to: { playerId: 'k_missing' }, asset: 'GOLD_COINS', amount: 1 },
      { key: null },
    );
    assert.equal(transfer.json.code, 'IDEMPOTENCY_KEY_MISSING');
    assert.equal(await transferCount(), count);
  });

  test('a key longer than 255 characters, empty, or not visible ASCII is a 400 IDEMPOTENCY_KEY_INVALID', async () => {
    for (const key of ['k'.repeat(256), '', '   ', '"unterminated', 'clé']) {
      const r = await call(
        base,
        'POST',
        '/v1/wallets/k_len/topup',
        { asset: 'GOLD_COINS', amount: 1 },
        { ...auth(), 'idempotency-key': key },
      );
      assert.equal(r.status, 400, JSON.stringify(key));
      assert.equal(r.json.code, 'IDEMPOTENCY_KEY_INVALID', JSON.stringify(key));
    }
    const longest = await post(
      base,
      '/v1/wallets/k_len/topup',
      { asset: 'GOLD_COINS', amount: 1 },
      { key: 'k'.repeat(255) },
    );
    assert.equal(longest.status, 201);
  });

  test('a structured-field quoted key is the same key as the bare one', () => {
    assert.equal(parseIdempotencyKey('"abc-123"'), 'abc-123');
    assert.equal(parseIdempotencyKey('abc-123'), 'abc-123');
    assert.equal(parseIdempotencyKey('"a\\"b\\\\c"'), 'a"b\\c');
    assert.throws(() => parseIdempotencyKey('"a"b"'), /Idempotency-Key/);
    assert.throws(() => parseIdempotencyKey('"a\\nb"'), /Idempotency-Key/);
    assert.throws(() => parseIdempotencyKey(`"${'k'.repeat(256)}"`), /Idempotency-Key/);
  });
});

describe('replay', () => {
  test('a completed request is replayed byte for byte with Idempotent-Replayed: true, and money moves once', async () => {
    const key = randomUUID();
    const body = { asset: 'DIAMONDS', amount: 25, description: 'pack', metadata: { order: 'A-1', gift: false } };
    const first = await post(base, '/v1/wallets/k_replay/topup', body, { key });
    assert.equal(first.status, 201);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    for (let i = 0; i < 3; i++) {
      const again = await post(base, '/v1/wallets/k_replay/topup', body, { key });
      assert.equal(again.status, 201);
      assert.equal(again.text, first.text);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.headers.get('content-type'), first.headers.get('content-type'));
    }
    assert.equal(await balanceOf(base, 'k_replay', 'DIAMONDS'), 25);
    const quoted = await call(base, 'POST', '/v1/wallets/k_replay/topup', body, {
      ...auth(),
      'idempotency-key': `"${key}"`,
    });
    assert.equal(quoted.text, first.text);
  });

  test('a replay of a spend returns the balance of the time, not the current one', async () => {
    await post(base, '/v1/wallets/k_then/topup', { asset: 'GOLD_COINS', amount: 100 });
    const key = randomUUID();
    const spend = await post(base, '/v1/wallets/k_then/spend', { asset: 'GOLD_COINS', amount: 10 }, { key });
    assert.equal(spend.json.balance, 90);
    await post(base, '/v1/wallets/k_then/spend', { asset: 'GOLD_COINS', amount: 40 });
    const replay = await post(base, '/v1/wallets/k_then/spend', { asset: 'GOLD_COINS', amount: 10 }, { key });
    assert.equal(replay.text, spend.text);
    assert.equal(await balanceOf(base, 'k_then', 'GOLD_COINS'), 50);
  });

  test('transfers are replayed too', async () => {
    const key = randomUUID();
    const body = { from: { system: 'treasury' }, to: { playerId: 'user_002' }, asset: 'LOYALTY_POINTS', amount: 3 };
    const before_balance = await balanceOf(base, 'user_002', 'LOYALTY_POINTS');
    const first = await post(base, '/v1/transfers', body, { key });
    const again = await post(base, '/v1/transfers', body, { key });
    assert.equal(first.status, 201);
    assert.equal(again.text, first.text);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(await balanceOf(base, 'user_002', 'LOYALTY_POINTS'), before_balance! + 3);
  });

  test('the same key with a different body, other body bytes, or another path is a 422 and moves nothing', async () => {
    const key = randomUUID();
    const raw = '{"asset":"GOLD_COINS","amount":5}';
    assert.equal((await postRaw('/v1/wallets/k_reuse/topup', raw, key)).status, 201);
    const count = await transferCount();
    const variants: [string, string][] = [
      ['/v1/wallets/k_reuse/topup', '{"asset":"GOLD_COINS","amount":6}'],
      ['/v1/wallets/k_reuse/topup', '{"amount":5,"asset":"GOLD_COINS"}'],
      ['/v1/wallets/k_reuse/topup', '{ "asset":"GOLD_COINS","amount":5}'],
      ['/v1/wallets/k_reuse/bonus', raw],
      ['/v1/wallets/k_other/topup', raw],
    ];
    for (const [path, body] of variants) {
      const r = await postRaw(path, body, key);
      assert.equal(r.status, 422, `${path} ${body}`);
      assert.equal(r.json.code, 'IDEMPOTENCY_KEY_REUSED');
    }
    assert.equal(await transferCount(), count);
    assert.equal(await balanceOf(base, 'k_reuse', 'GOLD_COINS'), 5);
  });

  test('a refused request is not stored: after a top-up, the same key and body succeed', async () => {
    await post(base, '/v1/wallets/k_retry/topup', { asset: 'GOLD_COINS', amount: 10 });
    const key = randomUUID();
    const rows = await storedRows();
    const refused = await post(base, '/v1/wallets/k_retry/spend', { asset: 'GOLD_COINS', amount: 50 }, { key });
    assert.equal(refused.status, 400);
    assert.equal(refused.json.code, 'INSUFFICIENT_FUNDS');
    assert.equal(await storedRows(), rows);
    await post(base, '/v1/wallets/k_retry/topup', { asset: 'GOLD_COINS', amount: 100 });
    const retried = await post(base, '/v1/wallets/k_retry/spend', { asset: 'GOLD_COINS', amount: 50 }, { key });
    assert.equal(retried.status, 201);
    assert.equal(retried.headers.get('idempotent-replayed'), null);
    assert.equal(retried.json.balance, 60);
  });

  test('each stored response commits with exactly the transfer it reports', async () => {
    const rows = await server.db.sql`
      select s.response_status, convert_from(s.response_body, 'UTF8') as body, t.id, t.amount_minor
      from wallet_idempotency_keys s left join transfers t on t.id = s.transfer_id`;
    assert.ok(rows.length > 5, `${rows.length} stored responses`);
    for (const row of rows) {
      assert.equal(row.response_status, 201);
      const body = JSON.parse(row.body);
      assert.equal(body.transactionId, row.id);
      assert.equal(BigInt(body.amount), row.amount_minor);
    }
  });
});

describe('concurrency', () => {
  test('20 concurrent requests with one key apply once: one fresh 201, the others 409 or the same bytes replayed', async () => {
    await post(base, '/v1/wallets/k_race/topup', { asset: 'GOLD_COINS', amount: 1 });
    const key = randomUUID();
    const body = { asset: 'GOLD_COINS', amount: 100 };
    const results = await Promise.all(
      Array.from({ length: 20 }, () => post(base, '/v1/wallets/k_race/topup', body, { key })),
    );
    const fresh = results.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null);
    const replays = results.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === 'true');
    const in_flight = results.filter((r) => r.status === 409);
    assert.equal(fresh.length, 1);
    assert.equal(fresh.length + replays.length + in_flight.length, 20);
    for (const r of replays) assert.equal(r.text, fresh[0].text);
    for (const r of in_flight) assert.equal(r.json.code, 'IDEMPOTENCY_KEY_IN_FLIGHT');
    assert.ok(in_flight.length > 0, 'some duplicates arrived while the first was in flight');
    assert.equal(await balanceOf(base, 'k_race', 'GOLD_COINS'), 101);
    const [row] = await server.db
      .sql`select count(*)::int as n from wallet_idempotency_keys where idempotency_key = ${key}`;
    assert.equal(row.n, 1);
  });

  test('200 concurrent spends of 1 on a balance of 100 with distinct keys: exactly 100 succeed', async () => {
    await post(base, '/v1/wallets/k_crowd/topup', { asset: 'LOYALTY_POINTS', amount: 100 });
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        post(base, '/v1/wallets/k_crowd/spend', { asset: 'LOYALTY_POINTS', amount: 1 }),
      ),
    );
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 400);
    assert.equal(ok.length, 100);
    assert.equal(refused.length, 100);
    for (const r of refused) assert.equal(r.json.code, 'INSUFFICIENT_FUNDS');
    assert.deepEqual(
      ok.map((r) => r.json.balance).sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i),
    );
    assert.equal(await balanceOf(base, 'k_crowd', 'LOYALTY_POINTS'), 0);
  });
});

describe('retention', () => {
  test('the purge keeps keys younger than 24 h and deletes older ones; a purged key applies anew', async () => {
    const key = randomUUID();
    const body = { asset: 'GOLD_COINS', amount: 7 };
    const first = await post(base, '/v1/wallets/k_purge/topup', body, { key });
    const [{ created_at }] = await server.db
      .sql`select created_at from wallet_idempotency_keys where idempotency_key = ${key}`;
    const stored_at = (created_at as Date).getTime();
    await purgeExpiredIdempotencyKeys(server.db.sql, new Date(stored_at + IDEMPOTENCY_RETENTION_MS - 1_000));
    const kept = await post(base, '/v1/wallets/k_purge/topup', body, { key });
    assert.equal(kept.headers.get('idempotent-replayed'), 'true');
    assert.equal(kept.text, first.text);
    const deleted = await purgeExpiredIdempotencyKeys(
      server.db.sql,
      new Date(stored_at + IDEMPOTENCY_RETENTION_MS + 1_000),
    );
    assert.ok(deleted >= 1, `${deleted} deleted`);
    const [{ n }] = await server.db
      .sql`select count(*)::int as n from wallet_idempotency_keys where idempotency_key = ${key}`;
    assert.equal(n, 0);
    const anew = await post(base, '/v1/wallets/k_purge/topup', body, { key });
    assert.equal(anew.status, 201);
    assert.equal(anew.headers.get('idempotent-replayed'), null);
    assert.equal(await balanceOf(base, 'k_purge', 'GOLD_COINS'), 14);
  });

  test('the declared purge job, run by the periodic helper, purges expired keys on its timer and stops', async () => {
    const key = randomUUID();
    await post(base, '/v1/wallets/k_timer/topup', { asset: 'GOLD_COINS', amount: 1 }, { key });
    await server.db
      .sql`update wallet_idempotency_keys set created_at = now() - interval '25 hours' where idempotency_key = ${key}`;
    const job = startPeriodic(
      idempotencyPurgeJob.name,
      20,
      (signal) => idempotencyPurgeJob.run(server.ctx, signal),
      server.ctx.logger,
    );
    const deadline = Date.now() + 5_000;
    let left = 1;
    while (left > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      left = Number(
        (await server.db.sql`select count(*)::int as n from wallet_idempotency_keys where idempotency_key = ${key}`)[0]
          .n,
      );
    }
    await job.stop();
    assert.equal(left, 0);
  });
});

describe('ledger invariants', () => {
  test('verifyLedger passes after the races above', async () => {
    const report = await verifyLedger(server.db.sql);
    assert.ok(report.passed, JSON.stringify(report.checks.filter((c) => !c.passed)));
  });
});
