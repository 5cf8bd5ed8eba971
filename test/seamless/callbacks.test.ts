import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hmacSha256Hex } from '../../src/platform/hmac.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { balanceOf, casino, footprint, newPlayer, uid } from './helpers.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

const debit = (p: { base: object }, id: string, amount: unknown, round = `r-${id}`) =>
  casino(s.url, '/casino/debit', { ...p.base, externalTransactionId: id, roundId: round, amount });
const credit = (p: { base: object }, id: string, round: string, amount: unknown) =>
  casino(s.url, '/casino/credit', { ...p.base, externalTransactionId: id, roundId: round, amount });
const rollback = (p: { base: object }, id: string, original: string) =>
  casino(s.url, '/casino/rollback', { ...p.base, externalTransactionId: id, originalTransactionId: original });

describe('signatures', () => {
  test('a missing, wrong or foreign-secret signature is a 403 INVALID_SIGNATURE and writes nothing', async () => {
    const p = await newPlayer(s, 1_000n);
    const body = JSON.stringify({ ...p.base, externalTransactionId: uid('x'), roundId: 'r', amount: 10 });
    for (const path of ['/casino/debit', '/casino/credit', '/casino/rollback', '/casino/getBalance']) {
      const missing = await call(s.url, 'POST', path, body);
      const wrong = await call(s.url, 'POST', path, body, { 'x-casino-signature': 'ab'.repeat(32) });
      const foreign = await call(s.url, 'POST', path, body, {
        'x-casino-signature': hmacSha256Hex('provider-secret', body),
      });
      for (const r of [missing, wrong, foreign]) {
        assert.equal(r.status, 403, path);
        assert.equal(r.json.code, 'INVALID_SIGNATURE');
      }
    }
    assert.deepEqual(await footprint(s, p.user), { rows: 0, transfers: 0 });
    assert.equal(await balanceOf(s, p.user), 1_000n);
  });

  test('the signature covers the exact bytes: the same JSON re-serialised differently is refused', async () => {
    const p = await newPlayer(s, 1_000n);
    const signed = JSON.stringify({ ...p.base, externalTransactionId: uid('x'), roundId: 'r', amount: 10 });
    const spaced = signed.replace(/,/g, ', ');
    const r = await call(s.url, 'POST', '/casino/debit', spaced, {
      'x-casino-signature': hmacSha256Hex('casino-secret', signed),
    });
    assert.equal(r.status, 403);
    const ok = await casino(s.url, '/casino/debit', spaced);
    assert.equal(ok.status, 200, 'the same bytes, signed, are accepted whatever their spacing');
  });
});

describe('getBalance', () => {
  test('answers the balance and currency, without a transactionId', async () => {
    const p = await newPlayer(s, 4_321n);
    const r = await casino(s.url, '/casino/getBalance', p.base);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { balance: 4321, currency: 'USD' });
  });

  test('accepts an integer userId as the same player', async () => {
    const r = await casino(s.url, '/casino/getBalance', {
      sessionToken: (await newPlayer(s, 1n)).token,
      userId: 1,
      currency: 'USD',
    });
    assert.equal(r.status, 401, 'bound to another user');
    const own = await call(
      s.url,
      'POST',
      '/casino/launchGame',
      { userId: 1, gameId: 2, currency: 'USD' },
      { authorization: 'Bearer dev-admin-key' },
    );
    const mine = await casino(s.url, '/casino/getBalance', {
      sessionToken: own.json.sessionToken,
      userId: 1,
      currency: 'USD',
      gameId: 2,
    });
    assert.equal(mine.status, 200);
    assert.equal(mine.json.balance, Number(await balanceOf(s, '1')));
  });
});

describe('debit', () => {
  test('moves the amount to the house and answers the balance after, with the ledger transfer id', async () => {
    const p = await newPlayer(s, 1_000n);
    const r = await debit(p, uid('d'), 250);
    assert.equal(r.status, 200);
    assert.equal(r.json.balance, 750);
    assert.equal(r.json.currency, 'USD');
    const [transfer] = await s.db
      .sql`select amount_minor, kind, scope from transfers where id = ${r.json.transactionId}`;
    assert.deepEqual({ ...transfer }, { amount_minor: 250n, kind: 'bet', scope: 'seamless' });
    assert.equal(await balanceOf(s, p.user), 750n);
  });

  test('a duplicate gets the first response byte for byte and moves nothing more', async () => {
    const p = await newPlayer(s, 1_000n);
    const id = uid('d');
    const first = await debit(p, id, 100);
    await debit(p, uid('d'), 1);
    const again = await debit(p, id, 100);
    assert.equal(again.status, 200);
    assert.equal(again.text, first.text, 'balance in the replay is the balance after the first call, not now');
    assert.equal(await balanceOf(s, p.user), 899n);
    assert.deepEqual(await footprint(s, p.user), { rows: 2, transfers: 2 });
  });

  test('the same id with a different amount is a 409 IDEMPOTENCY_CONFLICT and moves nothing', async () => {
    const p = await newPlayer(s, 1_000n);
    const id = uid('d');
    await debit(p, id, 100);
    const r = await debit(p, id, 101);
    assert.equal(r.status, 409);
    assert.equal(r.json.code, 'IDEMPOTENCY_CONFLICT');
    assert.equal(await balanceOf(s, p.user), 900n);
  });

  test('insufficient funds is a 400 INSUFFICIENT_FUNDS, nothing written, and the id stays usable', async () => {
    const p = await newPlayer(s, 100n);
    const id = uid('d');
    const r = await debit(p, id, 101);
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 'INSUFFICIENT_FUNDS');
    assert.deepEqual(await footprint(s, p.user), { rows: 0, transfers: 0 });
    const exact = await debit(p, id, 100);
    assert.equal(exact.status, 200, 'a refusal is not stored: the retried id is decided afresh');
    assert.equal(exact.json.balance, 0);
  });

  for (const [amount, why] of [
    ['100', 'a string'],
    [1.5, 'a fraction'],
    [0, 'zero'],
    [-5, 'negative'],
    [9007199254740992, 'beyond 2^53 - 1'],
  ] as const) {
    test(`an amount that is ${why} is a 400 VALIDATION_ERROR naming amount`, async () => {
      const p = await newPlayer(s, 1_000n);
      const r = await debit(p, uid('d'), amount);
      assert.equal(r.status, 400);
      assert.equal(r.json.code, 'VALIDATION_ERROR');
      assert.match(r.json.message, /amount/);
      assert.deepEqual(await footprint(s, p.user), { rows: 0, transfers: 0 });
    });
  }

  test('missing fields, unknown fields, over-long ids and bad JSON are 400 naming the problem', async () => {
    const p = await newPlayer(s, 1_000n);
    const cases: [unknown, RegExp][] = [
      [{ ...p.base, roundId: 'r', amount: 1 }, /externalTransactionId/],
      [{ ...p.base, externalTransactionId: uid('d'), roundId: 'r', amount: 1, bonus: true }, /bonus/],
      [{ ...p.base, externalTransactionId: 'x'.repeat(256), roundId: 'r', amount: 1 }, /externalTransactionId/],
      ['{"sessionToken":', /JSON/],
    ];
    for (const [body, message] of cases) {
      const r = await casino(s.url, '/casino/debit', body);
      assert.equal(r.status, 400);
      assert.equal(r.json.code, 'VALIDATION_ERROR');
      assert.match(r.json.message, message);
    }
    assert.deepEqual(await footprint(s, p.user), { rows: 0, transfers: 0 });
  });

  test('an unknown currency is a 400 UNKNOWN_ASSET', async () => {
    const p = await newPlayer(s, 1_000n);
    const r = await casino(s.url, '/casino/debit', {
      ...p.base,
      currency: 'XYZ',
      externalTransactionId: uid('d'),
      roundId: 'r',
      amount: 1,
    });
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 'UNKNOWN_ASSET');
  });
});

describe('credit', () => {
  test('pays a round that has a debit; zero closes a lost round without a transfer', async () => {
    const p = await newPlayer(s, 1_000n);
    await debit(p, uid('d'), 100, 'round-a');
    const win = await credit(p, uid('c'), 'round-a', 300);
    assert.equal(win.status, 200);
    assert.equal(win.json.balance, 1_200);
    const zero = await credit(p, uid('c'), 'round-a', 0);
    assert.equal(zero.status, 200);
    assert.equal(zero.json.balance, 1_200);
    assert.deepEqual(await footprint(s, p.user), { rows: 3, transfers: 2 });
  });

  test('a credit that would take the balance beyond 2^53 - 1 is a 400 BALANCE_LIMIT_EXCEEDED, not a 500', async () => {
    const p = await newPlayer(s, 1_000n);
    await debit(p, uid('d'), 100, 'round-big');
    const r = await credit(p, uid('c'), 'round-big', 9007199254740991);
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 'BALANCE_LIMIT_EXCEEDED');
    assert.equal(await balanceOf(s, p.user), 900n);
  });

  test('a credit for a round with no debit is a 404 UNKNOWN_TRANSACTION and moves nothing', async () => {
    const p = await newPlayer(s, 1_000n);
    const r = await credit(p, uid('c'), 'never-bet', 500);
    assert.equal(r.status, 404);
    assert.equal(r.json.code, 'UNKNOWN_TRANSACTION');
    assert.deepEqual(await footprint(s, p.user), { rows: 0, transfers: 0 });
  });

  test("a credit for a round whose only debit was rolled back, or another player's round, is a 404", async () => {
    const p = await newPlayer(s, 1_000n);
    const q = await newPlayer(s, 1_000n);
    const d = uid('d');
    await debit(p, d, 100, 'round-b');
    assert.equal((await credit(q, uid('c'), 'round-b', 500)).status, 404, "round-b is p's round");
    await rollback(p, uid('rb'), d);
    const r = await credit(p, uid('c'), 'round-b', 500);
    assert.equal(r.status, 404);
    assert.equal(await balanceOf(s, p.user), 1_000n);
  });
});

describe('rollback', () => {
  test('refunds a debit; a second rollback of it is a 200 no-op; a duplicate replays', async () => {
    const p = await newPlayer(s, 1_000n);
    const d = uid('d');
    await debit(p, d, 400);
    const rb = uid('rb');
    const first = await rollback(p, rb, d);
    assert.equal(first.status, 200);
    assert.equal(first.json.balance, 1_000);
    const [transfer] = await s.db.sql`select kind, reverses_id from transfers where id = ${first.json.transactionId}`;
    assert.equal(transfer.kind, 'rollback');
    assert.ok(transfer.reverses_id, 'the refund references the bet it reverses');
    const duplicate = await rollback(p, rb, d);
    assert.equal(duplicate.text, first.text);
    const second = await rollback(p, uid('rb'), d);
    assert.equal(second.status, 200);
    assert.notEqual(second.json.transactionId, first.json.transactionId);
    assert.equal(await balanceOf(s, p.user), 1_000n);
    assert.equal((await footprint(s, p.user)).transfers, 2);
  });

  test('a rollback of a credit or of a rollback is a 400 ROLLBACK_NOT_ALLOWED', async () => {
    const p = await newPlayer(s, 1_000n);
    const d = uid('d');
    const c = uid('c');
    await debit(p, d, 100, 'round-c');
    await credit(p, c, 'round-c', 50);
    const of_credit = await rollback(p, uid('rb'), c);
    assert.equal(of_credit.status, 400);
    assert.equal(of_credit.json.code, 'ROLLBACK_NOT_ALLOWED');
    const rb = uid('rb');
    await rollback(p, rb, d);
    const of_rollback = await rollback(p, uid('rb'), rb);
    assert.equal(of_rollback.status, 400);
    assert.equal(of_rollback.json.code, 'ROLLBACK_NOT_ALLOWED');
    assert.equal(await balanceOf(s, p.user), 1_050n);
  });

  test("a rollback naming another player's debit is a 409 TRANSACTION_MISMATCH and moves nothing", async () => {
    const p = await newPlayer(s, 1_000n);
    const q = await newPlayer(s, 1_000n);
    const d = uid('d');
    await debit(p, d, 100);
    const r = await rollback(q, uid('rb'), d);
    assert.equal(r.status, 409);
    assert.equal(r.json.code, 'TRANSACTION_MISMATCH');
    assert.equal(await balanceOf(s, p.user), 900n);
    assert.equal(await balanceOf(s, q.user), 1_000n);
  });

  test('a rollback whose amount differs from the debit is a 409 TRANSACTION_MISMATCH', async () => {
    const p = await newPlayer(s, 1_000n);
    const d = uid('d');
    await debit(p, d, 100);
    const r = await casino(s.url, '/casino/rollback', {
      ...p.base,
      externalTransactionId: uid('rb'),
      originalTransactionId: d,
      amount: 99,
    });
    assert.equal(r.status, 409);
    assert.equal(await balanceOf(s, p.user), 900n);
  });

  test('a rollback naming itself is a 400 VALIDATION_ERROR', async () => {
    const p = await newPlayer(s, 1_000n);
    const id = uid('rb');
    const r = await rollback(p, id, id);
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 'VALIDATION_ERROR');
  });
});

describe('tombstones', () => {
  test('a rollback of an unknown id answers 200 with a transactionId and moves nothing', async () => {
    const p = await newPlayer(s, 1_000n);
    const r = await rollback(p, uid('rb'), uid('never'));
    assert.equal(r.status, 200);
    assert.equal(r.json.balance, 1_000);
    assert.match(r.json.transactionId, /^[0-9a-f-]{36}$/);
    assert.equal((await footprint(s, p.user)).transfers, 0);
  });

  test('a debit arriving after its rollback is refused with 409 TRANSACTION_ROLLED_BACK, every time', async () => {
    const p = await newPlayer(s, 1_000n);
    const late = uid('late');
    await rollback(p, uid('rb'), late);
    for (let i = 0; i < 2; i++) {
      const r = await debit(p, late, 100);
      assert.equal(r.status, 409);
      assert.equal(r.json.code, 'TRANSACTION_ROLLED_BACK');
    }
    assert.equal(await balanceOf(s, p.user), 1_000n);
    assert.equal((await footprint(s, p.user)).transfers, 0);
  });

  test('a second rollback of the tombstoned id is a 200 no-op; reusing the id for a credit is a conflict', async () => {
    const p = await newPlayer(s, 1_000n);
    const late = uid('late');
    await rollback(p, uid('rb'), late);
    const again = await rollback(p, uid('rb'), late);
    assert.equal(again.status, 200);
    assert.equal(again.json.balance, 1_000);
    const reuse = await credit(p, late, 'r', 10);
    assert.equal(reuse.status, 409);
    assert.equal(reuse.json.code, 'IDEMPOTENCY_CONFLICT');
  });
});

describe('sessions', () => {
  test('an unknown token is a 401 INVALID_SESSION for every call', async () => {
    const p = await newPlayer(s, 1_000n);
    const bad = { ...p.base, sessionToken: 'no-such-session-token-0000' };
    for (const [path, extra] of [
      ['/casino/getBalance', {}],
      ['/casino/debit', { externalTransactionId: uid('d'), roundId: 'r', amount: 1 }],
      ['/casino/credit', { externalTransactionId: uid('c'), roundId: 'r', amount: 1 }],
      ['/casino/rollback', { externalTransactionId: uid('rb'), originalTransactionId: 'x' }],
    ] as const) {
      const r = await casino(s.url, path, { ...bad, ...extra });
      assert.equal(r.status, 401, path);
      assert.equal(r.json.code, 'INVALID_SESSION');
    }
    assert.deepEqual(await footprint(s, p.user), { rows: 0, transfers: 0 });
  });

  test('a session is bound to its user, currency and game', async () => {
    const p = await newPlayer(s, 1_000n, '1');
    const q = await newPlayer(s, 1_000n);
    await s.ctx.ledger.execute([
      {
        from: { kind: 'system', owner: 'treasury', purpose: 'main', asset: 'EUR' },
        to: { kind: 'player', owner: p.user, purpose: 'cash', asset: 'EUR' },
        amount_minor: 1_000n,
        kind: 'topup',
      },
    ]);
    const variants = [{ userId: q.user }, { currency: 'EUR' }, { gameId: '2' }];
    for (const variant of variants) {
      const r = await debit({ base: { ...p.base, ...variant } }, uid('d'), 10);
      assert.equal(r.status, 401, JSON.stringify(variant));
      assert.equal(r.json.code, 'INVALID_SESSION');
      assert.equal((await casino(s.url, '/casino/getBalance', { ...p.base, ...variant })).status, 401);
    }
    assert.equal(
      (await debit({ base: { ...p.base, gameId: 1 } }, uid('d'), 10)).status,
      200,
      'its own game, as an integer',
    );
    assert.deepEqual(
      [await balanceOf(s, p.user), await balanceOf(s, p.user, 'EUR'), await balanceOf(s, q.user)],
      [990n, 1_000n, 1_000n],
    );
  });

  test('an expired session refuses balance and debits but still settles its own rounds', async () => {
    const p = await newPlayer(s, 1_000n);
    const d = uid('d');
    await debit(p, d, 100, 'round-x');
    await s.db
      .sql`update seamless_sessions set created_at = now() - interval '2 hours', expires_at = now() - interval '1 second' where token = ${p.token}`;
    // This process caches sessions (they never change in production); a second process reads the expired row.
    const fresh = await startTestServer({ DATABASE_URL: s.db.url });
    try {
      const at = (path: string, body: object) => casino(fresh.url, path, body);
      assert.equal((await at('/casino/getBalance', p.base)).json.code, 'INVALID_SESSION');
      const late_debit = await at('/casino/debit', {
        ...p.base,
        externalTransactionId: uid('d'),
        roundId: 'round-y',
        amount: 10,
      });
      assert.equal(late_debit.status, 401);
      assert.match(late_debit.json.message, /expired/);
      const replay = await at('/casino/debit', {
        ...p.base,
        externalTransactionId: d,
        roundId: 'round-x',
        amount: 100,
      });
      assert.equal(replay.status, 200, 'a duplicate of a call made while the session lived still gets its answer');
      const settle = await at('/casino/credit', {
        ...p.base,
        externalTransactionId: uid('c'),
        roundId: 'round-x',
        amount: 30,
      });
      assert.equal(settle.status, 200, 'a round started in the session is settled within the grace period');
      assert.equal(settle.json.balance, 930);
    } finally {
      await fresh.stop();
      await fresh.db.drop();
    }
  });
});
