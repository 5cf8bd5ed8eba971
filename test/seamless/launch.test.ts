import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../../src/db/free-port.ts';
import { SESSION_TTL_MS } from '../../src/seamless/limits.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { ADMIN, balanceOf, casino, newPlayer, uid } from './helpers.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

const launchGame = (body: unknown, headers: Record<string, string> = ADMIN) =>
  call(s.url, 'POST', '/casino/launchGame', body, headers);
const simulateRound = (body: unknown, headers: Record<string, string> = ADMIN) =>
  call(s.url, 'POST', '/casino/simulateRound', body, headers);

describe('launchGame', () => {
  test('needs the operator API key (401 without it or with a wrong one)', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }] as Record<string, string>[]) {
      assert.equal((await launchGame({ userId: '1', gameId: '1', currency: 'USD' }, headers)).status, 401);
      assert.equal((await simulateRound({ userId: '1', gameId: '1', currency: 'USD' }, headers)).status, 401);
    }
    const [{ n }] = await s.db.sql`select count(*)::int as n from seamless_sessions`;
    assert.equal(n, 0);
  });

  test('creates a session bound to user, game and currency, known to the provider, with a working launch URL', async () => {
    const before_ms = Date.now();
    const r = await launchGame({ userId: 1, gameId: 2, currency: 'USD' });
    assert.equal(r.status, 200);
    const { sessionToken, launchUrl, expiresAt } = r.json;
    assert.ok(sessionToken.length >= 32);
    const ttl_ms = Date.parse(expiresAt) - before_ms;
    assert.ok(ttl_ms >= SESSION_TTL_MS - 5_000 && ttl_ms <= SESSION_TTL_MS + 5_000, `expiresAt ${expiresAt}`);
    const [row] = await s.db
      .sql`select user_id, game_id, currency from seamless_sessions where token = ${sessionToken}`;
    assert.deepEqual({ ...row }, { user_id: '1', game_id: '2', currency: 'USD' });
    const [provider_row] = await s.db
      .sql`select user_id, game_id, currency from provider_sessions where session_token = ${sessionToken}`;
    assert.deepEqual({ ...provider_row }, { user_id: '1', game_id: '2', currency: 'USD' });
    const page = await fetch(launchUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Jaqpot Coin Flip/);
  });

  test('refuses an unknown game (404), a player without a wallet (404) and an unknown currency (400)', async () => {
    const cases: [object, number, string][] = [
      [{ userId: '1', gameId: '99', currency: 'USD' }, 404, 'GAME_NOT_FOUND'],
      [{ userId: uid('nobody'), gameId: '1', currency: 'USD' }, 404, 'PLAYER_NOT_FOUND'],
      [{ userId: '1', gameId: '1', currency: 'XYZ' }, 400, 'UNKNOWN_ASSET'],
      [{ userId: '1', gameId: '1' }, 400, 'VALIDATION_ERROR'],
    ];
    for (const [body, status, code] of cases) {
      const r = await launchGame(body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.equal(r.json.code, code);
    }
  });

  test('answers 502 PROVIDER_UNAVAILABLE when the provider is down, leaving no session behind', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const lonely = await startTestServer({ PROVIDER_URL: dead });
    try {
      const r = await call(
        lonely.url,
        'POST',
        '/casino/launchGame',
        { userId: '1', gameId: '1', currency: 'USD' },
        ADMIN,
      );
      assert.equal(r.status, 502);
      assert.equal(r.json.code, 'PROVIDER_UNAVAILABLE');
      const [{ n }] = await lonely.db.sql`select count(*)::int as n from seamless_sessions`;
      assert.equal(n, 0);
    } finally {
      await lonely.close();
    }
  });
});

describe('simulateRound', () => {
  test('runs launch → balance → 2 bets → rollback → payout → balance, and finalBalance = initial − bets + rolled-back bet + payout', async () => {
    const p = await newPlayer(s, 50_000n);
    const start = await balanceOf(s, p.user);
    const r = await simulateRound({ userId: p.user, gameId: '1', currency: 'USD' });
    assert.equal(r.status, 200, r.text);
    const { steps, initialBalance, finalBalance, roundId, sessionToken } = r.json;
    assert.deepEqual(
      steps.map((x: { call: string }) => x.call),
      ['launchGame', 'getBalance', 'debit', 'debit', 'rollback', 'credit', 'getBalance'],
    );
    assert.ok(steps.every((x: { status: number }) => x.status === 200));
    const [, , bet1, bet2, rolled, payout] = steps;
    assert.equal(
      rolled.request.originalTransactionId,
      bet2.request.externalTransactionId,
      'the second bet is the one rolled back',
    );
    assert.equal(initialBalance, Number(start));
    assert.equal(
      finalBalance,
      initialBalance - bet1.request.amount - bet2.request.amount + bet2.request.amount + payout.request.amount,
    );
    assert.equal(BigInt(finalBalance), await balanceOf(s, p.user), 'the ledger agrees');
    assert.ok(
      steps
        .slice(2, 6)
        .every(
          (x: { request: { roundId: string; sessionToken: string } }) =>
            x.request.roundId === roundId && x.request.sessionToken === sessionToken,
        ),
    );
    // Every money step reached the casino callbacks over HTTP and is in their table with its answer.
    const rows = await s.db
      .sql`select kind, response_body from seamless_transactions where round_id = ${roundId} order by created_at`;
    assert.deepEqual(
      rows.map((x) => x.kind),
      ['debit', 'debit', 'rollback', 'credit'],
    );
    assert.deepEqual(
      rows.map((x) => JSON.parse(x.response_body)),
      steps.slice(2, 6).map((x: { response: unknown }) => x.response),
    );
  });

  test('a player who cannot cover the bets gets 409 ROUND_FAILED and keeps every cent', async () => {
    const p = await newPlayer(s, 120n);
    const r = await simulateRound({ userId: p.user, gameId: '1', currency: 'USD' });
    assert.equal(r.status, 409);
    assert.equal(r.json.code, 'ROUND_FAILED');
    assert.match(r.json.message, /debit 2/);
    assert.equal(await balanceOf(s, p.user), 120n, 'the first bet was rolled back');
  });

  test('coin flip rounds settle too, on user 2 of the demo seed', async () => {
    const r = await simulateRound({ userId: 2, gameId: 2, currency: 'USD' });
    assert.equal(r.status, 200, r.text);
    const payout = r.json.steps[5].request.amount;
    assert.ok(payout === 0 || payout === 200, `a coin flip pays 0 or 2 × the bet, got ${payout}`);
    assert.equal(r.json.finalBalance, r.json.initialBalance - 100 + payout);
    const balance = await casino(s.url, '/casino/getBalance', {
      sessionToken: r.json.sessionToken,
      userId: '2',
      currency: 'USD',
    });
    assert.equal(balance.json.balance, r.json.finalBalance);
  });
});
