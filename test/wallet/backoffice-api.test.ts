import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { API_KEY, get, post } from './helpers.ts';

/** The wallet API's reads that the back office needs: player search, history filters and fields, rounds. */
let server: TestServer;
let base: string;

before(async () => {
  server = await startTestServer();
  base = server.url;
  for (const player of ['bo_10', 'bo_2', 'bo_1', 'bo_01', 'bo_100', 'boz']) {
    assert.equal((await post(base, `/v1/wallets/${player}/topup`, { asset: 'USD', amount: 500 })).status, 201);
  }
});
after(async () => {
  await server.close();
});

const ADMIN = { authorization: `Bearer ${API_KEY}` };
const ids = (r: { json: { players: { playerId: string }[] } }) => r.json.players.map((p) => p.playerId);

describe('GET /v1/players', () => {
  test('orders ids naturally (numbers inside compared as numbers) and pages in that order', async () => {
    const all = await get(base, '/v1/players?prefix=bo_&limit=100');
    assert.equal(all.status, 200);
    assert.deepEqual(ids(all), ['bo_01', 'bo_1', 'bo_2', 'bo_10', 'bo_100']);
    const first = await get(base, '/v1/players?prefix=bo_&limit=2');
    assert.deepEqual(ids(first), ['bo_01', 'bo_1']);
    const second = await get(base, `/v1/players?prefix=bo_&limit=2&cursor=${first.json.next_cursor}`);
    assert.deepEqual(ids(second), ['bo_2', 'bo_10']);
    const third = await get(base, `/v1/players?prefix=bo_&limit=2&cursor=${second.json.next_cursor}`);
    assert.deepEqual(ids(third), ['bo_100']);
    assert.equal(third.json.next_cursor, null);
  });

  test('prefix matches the start of the id literally (an underscore is not a wildcard)', async () => {
    assert.deepEqual(ids(await get(base, '/v1/players?prefix=bo')), [
      'bo_01',
      'bo_1',
      'bo_2',
      'bo_10',
      'bo_100',
      'boz',
    ]);
    assert.deepEqual(ids(await get(base, '/v1/players?prefix=bo_1')), ['bo_1', 'bo_10', 'bo_100']);
    assert.deepEqual(ids(await get(base, '/v1/players?prefix=nobody')), []);
    assert.deepEqual(ids(await get(base, '/v1/players?prefix=user_')), ['user_001', 'user_002']);
  });

  test('refuses an empty or over-long prefix, or one with control characters (400)', async () => {
    for (const prefix of ['', 'x'.repeat(256), '%01']) {
      const r = await get(base, `/v1/players?prefix=${prefix}`);
      assert.equal(r.status, 400, prefix);
      assert.equal(r.json.code, 'VALIDATION_ERROR');
      assert.match(r.json.message, /prefix/);
    }
  });
});

describe('GET /v1/wallets/{id}/transactions', () => {
  test('manual moves carry null game, round and provider, and their stored metadata', async () => {
    const moved = await post(base, '/v1/wallets/bo_2/topup', {
      asset: 'USD',
      amount: 7,
      description: 'goodwill',
      metadata: { ticket: 'T-1' },
    });
    const r = await get(base, '/v1/wallets/bo_2/transactions?limit=1');
    const [item] = r.json.items;
    assert.equal(item.transactionId, moved.json.transactionId);
    assert.deepEqual([item.game, item.round, item.provider], [null, null, null]);
    assert.equal(item.description, 'goodwill');
    assert.deepEqual(item.metadata.metadata, { ticket: 'T-1' });
  });

  test('filters by kind, and the filtered walk ends without an empty last page', async () => {
    await post(base, '/v1/wallets/bo_10/spend', { asset: 'USD', amount: 3 });
    await post(base, '/v1/wallets/bo_10/topup', { asset: 'USD', amount: 4 });
    const spends = await get(base, '/v1/wallets/bo_10/transactions?kind=spend');
    assert.deepEqual(
      spends.json.items.map((i: { type: string; amount: number }) => [i.type, i.amount]),
      [['spend', 3]],
    );
    assert.equal(spends.json.next_cursor, null);
    const topups = await get(base, '/v1/wallets/bo_10/transactions?kind=topup&limit=1');
    assert.equal(topups.json.items[0].amount, 4);
    const older = await get(
      base,
      `/v1/wallets/bo_10/transactions?kind=topup&limit=1&cursor=${topups.json.next_cursor}`,
    );
    assert.equal(older.json.items[0].amount, 500);
    assert.equal(older.json.next_cursor, null);
  });

  test('filters by a creation-time window [from, to), and refuses a malformed instant (400)', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const past = new Date(Date.now() - 3_600_000).toISOString();
    assert.equal((await get(base, `/v1/wallets/bo_1/transactions?from=${future}`)).json.items.length, 0);
    assert.equal((await get(base, `/v1/wallets/bo_1/transactions?from=${past}&to=${future}`)).json.items.length, 1);
    assert.equal((await get(base, `/v1/wallets/bo_1/transactions?to=${past}`)).json.items.length, 0);
    const bad = await get(base, '/v1/wallets/bo_1/transactions?from=yesterday');
    assert.equal(bad.status, 400);
    assert.match(bad.json.message, /from/);
  });
});

/** One whole round on the built-in provider (SPEC §3 simulateRound), asserted answered. */
async function simulateRound(userId: string, gameId: string) {
  const played = await call(base, 'POST', '/casino/simulateRound', { userId, gameId, currency: 'USD' }, ADMIN);
  assert.equal(played.status, 200, played.text);
  return played;
}

describe('GET /v1/players/{id}/rounds', () => {
  test('a seamless round shows its bets, its rollback and its win with ids, and the history rows name game and round', async () => {
    const played = await simulateRound('user_002', '1');
    const r = await get(base, '/v1/players/user_002/rounds');
    assert.equal(r.status, 200);
    assert.equal(r.json.rounds.length, 1);
    const [round] = r.json.rounds;
    assert.equal(round.surface, 'casino');
    assert.equal(round.asset, 'USD');
    const kinds = round.transfers.map((t: { kind: string }) => t.kind);
    assert.deepEqual(kinds.filter((k: string) => k === 'bet').length, 2);
    assert.ok(kinds.includes('rollback'));
    const rollback = round.transfers.find((t: { kind: string }) => t.kind === 'rollback');
    assert.ok(
      round.transfers.some(
        (t: { kind: string; transactionId: string }) => t.kind === 'bet' && t.transactionId === rollback.reverses,
      ),
    );
    assert.equal(round.net, played.json.finalBalance - played.json.initialBalance);
    assert.equal(round.net, round.win + round.rolled_back - round.bet);

    const history = await get(base, '/v1/wallets/user_002/transactions?kind=bet');
    assert.equal(history.json.items.length, 2);
    for (const item of history.json.items) {
      assert.equal(item.round, round.round);
      assert.equal(item.game, round.game);
      assert.equal(item.provider, round.provider);
      assert.equal(item.metadata.surface, 'casino');
    }
    const one = await get(base, `/v1/players/user_002/rounds?round=${encodeURIComponent(round.round)}`);
    assert.deepEqual(one.json.rounds, [round]);
  });

  test('pages rounds newest first with a cursor', async () => {
    for (let i = 0; i < 3; i++) await simulateRound('bo_100', '2');
    const all = await get(base, '/v1/players/bo_100/rounds');
    assert.equal(all.json.rounds.length, 3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(base, `/v1/players/bo_100/rounds?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200, page.text);
      seen.push(...page.json.rounds.map((r: { round: string }) => r.round));
      cursor = page.json.next_cursor;
    } while (cursor);
    assert.deepEqual(
      seen,
      all.json.rounds.map((r: { round: string }) => r.round),
    );
  });

  test('game transfers written before migration 090 (the round in their metadata) read as the same rounds and history', async () => {
    assert.equal((await post(base, '/v1/wallets/pre090_player/topup', { asset: 'USD', amount: 500 })).status, 201);
    await simulateRound('pre090_player', '1');
    const rounds = (await get(base, '/v1/players/pre090_player/rounds')).json;
    const history = (await get(base, '/v1/wallets/pre090_player/transactions')).json;
    assert.equal(rounds.rounds.length, 1);
    // Transfers are immutable (a trigger refuses updates); a replica-role session skips it, so this test
    // can put the round back where the ledger used to write it.
    const rewritten = await server.db.sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      return tx`
        update transfers set metadata = jsonb_build_object('surface', round_surface, 'provider', round_provider,
                                                           'game', round_game, 'round', round_id),
               round_surface = null, round_provider = null, round_game = null, round_id = null
        where round_surface is not null and id = any(${history.items.map((i: { transactionId: string }) => i.transactionId)}::uuid[])`;
    });
    assert.ok(rewritten.count >= 2, `${rewritten.count} transfers rewritten`);
    assert.deepEqual((await get(base, '/v1/players/pre090_player/rounds')).json, rounds);
    assert.deepEqual((await get(base, '/v1/wallets/pre090_player/transactions')).json, history);
  });

  test('a player without rounds has none; an unknown player is 404; a foreign cursor is 400', async () => {
    assert.deepEqual((await get(base, '/v1/players/boz/rounds')).json.rounds, []);
    assert.equal((await get(base, '/v1/players/nobody_here/rounds')).status, 404);
    const bad = await get(base, '/v1/players/boz/rounds?cursor=eyJwIjoidXNlcl8wMDEifQ');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.code, 'INVALID_CURSOR');
  });
});
