import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hmacSha256Hex } from '../../src/platform/hmac.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { balanceOf, newPlayer, provider, uid } from '../seamless/helpers.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

async function providerCounts(): Promise<{ sessions: number; rounds: number }> {
  const [row] = await s.db
    .sql`select (select count(*)::int from provider_sessions) as sessions, (select count(*)::int from provider_rounds) as rounds`;
  return { sessions: row.sessions, rounds: row.rounds };
}

describe('provider endpoints', () => {
  test('a missing or wrong x-provider-signature is a 403 INVALID_SIGNATURE and writes nothing', async () => {
    const before_counts = await providerCounts();
    const launch = JSON.stringify({
      sessionToken: uid('tok-aaaaaaaaaaaaaaaa'),
      userId: '1',
      gameId: '1',
      currency: 'USD',
    });
    const simulate = JSON.stringify({ sessionToken: 'whatever', rounds: 5 });
    for (const [path, body] of [
      ['/provider/launch', launch],
      ['/provider/simulate', simulate],
    ]) {
      for (const headers of [
        {},
        { 'x-provider-signature': hmacSha256Hex('casino-secret', body) },
        { 'x-provider-signature': 'zz' },
      ] as Record<string, string>[]) {
        const r = await call(s.url, 'POST', path, body, headers);
        assert.equal(r.status, 403, `${path} ${JSON.stringify(headers)}`);
        assert.equal(r.json.code, 'INVALID_SIGNATURE');
      }
    }
    assert.deepEqual(await providerCounts(), before_counts);
  });

  test('launch: unknown game 404, same token again is idempotent, same token for someone else 409', async () => {
    const token = uid('token-launch-xxxxxxxx');
    const unknown = await provider(s.url, '/provider/launch', {
      sessionToken: token,
      userId: '1',
      gameId: '7',
      currency: 'USD',
    });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.code, 'GAME_NOT_FOUND');
    const first = await provider(s.url, '/provider/launch', {
      sessionToken: token,
      userId: '1',
      gameId: '1',
      currency: 'USD',
    });
    const again = await provider(s.url, '/provider/launch', {
      sessionToken: token,
      userId: 1,
      gameId: 1,
      currency: 'USD',
    });
    assert.equal(first.status, 200);
    assert.equal(again.text, first.text);
    const other = await provider(s.url, '/provider/launch', {
      sessionToken: token,
      userId: '2',
      gameId: '1',
      currency: 'USD',
    });
    assert.equal(other.status, 409);
    assert.equal(other.json.code, 'SESSION_CONFLICT');
  });

  test('simulate: an unknown session is a 404; out-of-range options are a 400 naming the field', async () => {
    const unknown = await provider(s.url, '/provider/simulate', { sessionToken: 'never-launched', rounds: 3 });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.code, 'SESSION_NOT_FOUND');
    for (const [body, field] of [
      [{ sessionToken: 'x', rounds: 10_001 }, 'rounds'],
      [{ sessionToken: 'x', rounds: 1, dropRate: 0.9 }, 'dropRate'],
      [{ sessionToken: 'x', rounds: 1, concurrency: 0 }, 'concurrency'],
    ] as const) {
      const r = await provider(s.url, '/provider/simulate', body);
      assert.equal(r.status, 400);
      assert.match(r.json.message, new RegExp(field));
    }
  });
});

describe('game rounds', () => {
  test('rounds move money only through the casino callbacks, and the balance moves exactly as the provider recorded', async () => {
    const p = await newPlayer(s, 100_000n, '1');
    const r = await provider(s.url, '/provider/simulate', { sessionToken: p.token, rounds: 200, concurrency: 4 });
    assert.equal(r.status, 200, r.text);
    const { initialBalance, finalBalance, summary } = r.json;
    assert.equal(summary.settled, 200);
    assert.equal(summary.retries, 0);
    assert.equal(finalBalance - initialBalance, summary.balanceDeltaMinor);
    assert.equal(summary.balanceDeltaMinor, summary.winMinor - summary.betMinor);
    assert.equal(BigInt(finalBalance), await balanceOf(s, p.user));
    const [rounds] = await s.db
      .sql`select count(*)::int as n, sum(bet_minor)::bigint as bet, sum(win_minor)::bigint as win from provider_rounds where session_token = ${p.token} and status = 'settled'`;
    assert.deepEqual([rounds.n, Number(rounds.bet), Number(rounds.win)], [200, summary.betMinor, summary.winMinor]);
    const casino_rows = await s.db
      .sql`select kind, count(*)::int as n, sum(amount_minor)::bigint as total from seamless_transactions where session_token = ${p.token} group by kind order by kind`;
    assert.deepEqual(
      casino_rows.map((x) => [x.kind, x.n, Number(x.total)]),
      [
        ['credit', 200, summary.winMinor],
        ['debit', 200, summary.betMinor],
      ],
    );
    const [calls] = await s.db
      .sql`select count(*)::int as n from provider_calls c join provider_rounds r using (round_id) where r.session_token = ${p.token} and c.state = 'ok'`;
    assert.equal(calls.n, 400);
    assert.ok((await verifyLedger(s.db.sql)).passed);
  });

  test('the same seed replays the same outcomes in another session, whatever the concurrency', async () => {
    const wins = async (concurrency: number, seed: number) => {
      const p = await newPlayer(s, 100_000n, '1');
      const r = await provider(s.url, '/provider/simulate', {
        sessionToken: p.token,
        rounds: 60,
        concurrency,
        seed,
        firstRound: 0,
      });
      assert.equal(r.status, 200, r.text);
      const rows = await s.db
        .sql`select win_minor from provider_rounds where session_token = ${p.token} order by round_number`;
      return rows.map((x) => Number(x.win_minor));
    };
    const one = await wins(1, 42);
    assert.deepEqual(await wins(8, 42), one);
    assert.notDeepEqual(await wins(1, 43), one);
    assert.ok(new Set(one).size > 1, 'outcomes vary within a session');
  });

  test('round numbers continue across requests of one session', async () => {
    const p = await newPlayer(s, 100_000n, '2');
    for (let i = 0; i < 2; i++)
      assert.equal((await provider(s.url, '/provider/simulate', { sessionToken: p.token, rounds: 5 })).status, 200);
    const rows = await s.db
      .sql`select round_number from provider_rounds where session_token = ${p.token} order by round_number`;
    assert.deepEqual(
      rows.map((x) => Number(x.round_number)),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  test('a player who runs out of money gets refused rounds that move nothing', async () => {
    const p = await newPlayer(s, 250n, '2');
    const r = await provider(s.url, '/provider/simulate', {
      sessionToken: p.token,
      rounds: 40,
      betMinor: 100,
      seed: 9,
      firstRound: 0,
    });
    assert.equal(r.status, 200, r.text);
    const { summary, initialBalance, finalBalance } = r.json;
    assert.ok(summary.refused > 0);
    assert.deepEqual(Object.keys(summary.refusals), ['INSUFFICIENT_FUNDS']);
    assert.equal(summary.settled + summary.refused, 40);
    assert.equal(finalBalance - initialBalance, summary.balanceDeltaMinor);
    assert.ok(finalBalance >= 0);
  });
});
