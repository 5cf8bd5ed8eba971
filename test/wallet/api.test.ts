import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { balanceOf, get, post } from './helpers.ts';

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

describe('operator API key', () => {
  const endpoints: [string, string, unknown?][] = [
    ['POST', '/v1/wallets/user_001/topup', { asset: 'GOLD_COINS', amount: 1 }],
    ['POST', '/v1/wallets/user_001/bonus', { asset: 'GOLD_COINS', amount: 1 }],
    ['POST', '/v1/wallets/user_001/spend', { asset: 'GOLD_COINS', amount: 1 }],
    ['POST', '/v1/wallets/user_001/withdraw', { asset: 'GOLD_COINS', amount: 1 }],
    [
      'POST',
      '/v1/transfers',
      { from: { playerId: 'user_001' }, to: { playerId: 'user_002' }, asset: 'GOLD_COINS', amount: 1 },
    ],
    ['GET', '/v1/wallets/user_001'],
    ['GET', '/v1/wallets/user_001/transactions'],
    ['GET', '/v1/players'],
    ['GET', '/v1/assets'],
  ];

  test('every wallet endpoint answers 401 without the API key, or with a wrong one, and moves nothing', async () => {
    const before_count = await transferCount();
    for (const [method, path, body] of endpoints) {
      const headers = { 'idempotency-key': 'k-401' };
      const missing = await call(base, method, path, body, headers);
      assert.equal(missing.status, 401, `${method} ${path}`);
      assert.equal(missing.json.code, 'UNAUTHORIZED');
      const wrong = await call(base, method, path, body, { ...headers, authorization: 'Bearer not-the-key' });
      assert.equal(wrong.status, 401, `${method} ${path} with a wrong key`);
    }
    assert.equal(await transferCount(), before_count);
  });
});

describe('top-up, bonus, spend, withdraw', () => {
  test('a first top-up opens the wallet and answers 201 with the balance after', async () => {
    const r = await post(base, '/v1/wallets/p_open/topup', {
      asset: 'GOLD_COINS',
      amount: 700,
      description: 'first deposit',
    });
    assert.equal(r.status, 201);
    assert.match(r.json.transactionId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      { ...r.json, transactionId: undefined },
      { transactionId: undefined, playerId: 'p_open', asset: 'GOLD_COINS', amount: 700, balance: 700 },
    );
    assert.equal(r.headers.get('idempotent-replayed'), null);
    assert.equal(await balanceOf(base, 'p_open', 'GOLD_COINS'), 700);
  });

  test('top-up and bonus come from the treasury, spend goes to revenue, withdraw back to the treasury', async () => {
    const treasury = async () =>
      (await server.ctx.ledger.account({ kind: 'system', owner: 'treasury', purpose: 'main', asset: 'DIAMONDS' }))!
        .balance_minor;
    const revenue = async () =>
      (await server.ctx.ledger.account({ kind: 'system', owner: 'revenue', purpose: 'main', asset: 'DIAMONDS' }))!
        .balance_minor;
    const t0 = await treasury();
    const r0 = await revenue();
    assert.equal((await post(base, '/v1/wallets/p_flows/topup', { asset: 'DIAMONDS', amount: 100 })).json.balance, 100);
    assert.equal((await post(base, '/v1/wallets/p_flows/bonus', { asset: 'DIAMONDS', amount: 50 })).json.balance, 150);
    assert.equal(await treasury(), t0 - 150n);
    const spend = await post(base, '/v1/wallets/p_flows/spend', { asset: 'DIAMONDS', amount: 30 });
    assert.equal(spend.status, 201);
    assert.equal(spend.json.balance, 120);
    assert.equal(await revenue(), r0 + 30n);
    const withdraw = await post(base, '/v1/wallets/p_flows/withdraw', { asset: 'DIAMONDS', amount: 20 });
    assert.equal(withdraw.status, 201);
    assert.equal(withdraw.json.balance, 100);
    assert.equal(await treasury(), t0 - 130n);
  });

  test('spend, withdraw, balances and history of an unknown player answer 404 PLAYER_NOT_FOUND and create nothing', async () => {
    for (const kind of ['spend', 'withdraw']) {
      const r = await post(base, `/v1/wallets/nobody/${kind}`, { asset: 'GOLD_COINS', amount: 1 });
      assert.equal(r.status, 404, kind);
      assert.equal(r.json.code, 'PLAYER_NOT_FOUND');
      assert.match(r.json.message, /nobody/);
    }
    assert.equal((await get(base, '/v1/wallets/nobody')).status, 404);
    assert.equal((await get(base, '/v1/wallets/nobody/transactions')).json.code, 'PLAYER_NOT_FOUND');
    assert.deepEqual(await server.ctx.ledger.accountsOf('player', 'nobody'), []);
  });

  test('insufficient funds answers 400 INSUFFICIENT_FUNDS and moves nothing', async () => {
    await post(base, '/v1/wallets/p_poor/topup', { asset: 'LOYALTY_POINTS', amount: 10 });
    const before_account = await server.ctx.ledger.account({
      kind: 'player',
      owner: 'p_poor',
      purpose: 'cash',
      asset: 'LOYALTY_POINTS',
    });
    const before_count = await transferCount();
    for (const kind of ['spend', 'withdraw']) {
      const r = await post(base, `/v1/wallets/p_poor/${kind}`, { asset: 'LOYALTY_POINTS', amount: 11 });
      assert.equal(r.status, 400);
      assert.equal(r.json.code, 'INSUFFICIENT_FUNDS');
      assert.match(r.json.message, /holds 10 LOYALTY_POINTS, 11 requested/);
    }
    assert.deepEqual(
      await server.ctx.ledger.account({ kind: 'player', owner: 'p_poor', purpose: 'cash', asset: 'LOYALTY_POINTS' }),
      before_account,
    );
    assert.equal(await transferCount(), before_count);
  });

  test('a known player spending an asset they never held gets INSUFFICIENT_FUNDS, not 404', async () => {
    await post(base, '/v1/wallets/p_one_asset/topup', { asset: 'GOLD_COINS', amount: 5 });
    const r = await post(base, '/v1/wallets/p_one_asset/spend', { asset: 'DIAMONDS', amount: 1 });
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 'INSUFFICIENT_FUNDS');
  });

  test('an unknown asset is a 400 UNKNOWN_ASSET naming it, and opens no wallet', async () => {
    const r = await post(base, '/v1/wallets/p_asset/topup', { asset: 'MONOPOLY_MONEY', amount: 5 });
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 'UNKNOWN_ASSET');
    assert.match(r.json.message, /MONOPOLY_MONEY/);
    assert.equal((await get(base, '/v1/wallets/p_asset')).status, 404);
  });

  test('amounts must be JSON integers from 1 to 2^53-1; anything else is a 400 naming amount', async () => {
    for (const amount of [0, -5, 1.5, '10', null, 9007199254740992, 1e300]) {
      const r = await post(base, '/v1/wallets/p_amounts/topup', { asset: 'GOLD_COINS', amount });
      assert.equal(r.status, 400, JSON.stringify(amount));
      assert.equal(r.json.code, 'VALIDATION_ERROR');
      assert.match(r.json.message, /^amount /);
    }
    const missing = await post(base, '/v1/wallets/p_amounts/topup', { asset: 'GOLD_COINS' });
    assert.equal(missing.json.message, 'amount is required');
    assert.equal((await get(base, '/v1/wallets/p_amounts')).status, 404);
  });

  test('the body is checked: unknown fields, long strings, bad metadata, malformed JSON', async () => {
    const cases: [unknown, RegExp][] = [
      [{ asset: 'GOLD_COINS', amount: 1, colour: 'red' }, /colour is not an allowed field/],
      [{ asset: 'GOLD_COINS', amount: 1, description: 'x'.repeat(256) }, /^description /],
      [{ asset: 'GOLD_COINS', amount: 1, metadata: { nested: { a: 1 } } }, /^metadata\.nested /],
      [{ asset: 'GOLD_COINS', amount: 1, metadata: { k: 'v'.repeat(256) } }, /^metadata\.k /],
      [{ asset: 'x'.repeat(256), amount: 1 }, /^asset /],
      ['{"asset": "GOLD_COINS", "amount": ', /not valid JSON/],
    ];
    for (const [body, message] of cases) {
      const r = await post(base, '/v1/wallets/p_body/topup', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.json.message, message);
    }
  });

  test('a player id with control characters, or longer than 255 characters, is refused', async () => {
    const r = await post(base, `/v1/wallets/${encodeURIComponent('bad\u0001id')}/topup`, {
      asset: 'GOLD_COINS',
      amount: 1,
    });
    assert.equal(r.status, 400);
    assert.match(r.json.message, /^playerId /);
    const longest = await post(base, `/v1/wallets/${'p'.repeat(255)}/topup`, { asset: 'GOLD_COINS', amount: 1 });
    assert.equal(longest.status, 201, 'a 255-character id is a valid player id');
    const long = await post(base, `/v1/wallets/${'p'.repeat(256)}/topup`, { asset: 'GOLD_COINS', amount: 1 });
    assert.equal(long.status, 414);
    assert.equal(long.json.code, 'URI_TOO_LONG', "our error shape, not the framework's");
  });

  test('a credit that would take a balance beyond 2^53-1 is refused with BALANCE_LIMIT_EXCEEDED', async () => {
    const max = 9007199254740991;
    assert.equal((await post(base, '/v1/wallets/p_whale/topup', { asset: 'GOLD_COINS', amount: max })).status, 201);
    const r = await post(base, '/v1/wallets/p_whale/bonus', { asset: 'GOLD_COINS', amount: 1 });
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 'BALANCE_LIMIT_EXCEEDED');
    assert.equal(await balanceOf(base, 'p_whale', 'GOLD_COINS'), max);
    assert.equal(
      (await post(base, '/v1/wallets/p_whale/withdraw', { asset: 'GOLD_COINS', amount: max })).json.balance,
      0,
    );
  });
});

describe('balances and players', () => {
  test('GET /v1/wallets/{playerId} lists the balance of every asset the player holds', async () => {
    await post(base, '/v1/wallets/p_multi/topup', { asset: 'GOLD_COINS', amount: 3 });
    await post(base, '/v1/wallets/p_multi/bonus', { asset: 'USD', amount: 250 });
    const r = await get(base, '/v1/wallets/p_multi');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { playerId: 'p_multi', balances: { GOLD_COINS: 3, USD: 250 } });
  });

  test('GET /v1/players pages through every player once, in id order, with balances', async () => {
    for (let i = 0; i < 7; i++) await post(base, `/v1/wallets/list_${i}/topup`, { asset: 'DIAMONDS', amount: i + 1 });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await get(base, `/v1/players?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200);
      assert.ok(r.json.players.length <= 3, 'page size respected');
      for (const p of r.json.players) {
        seen.push(p.playerId);
        if (p.playerId.startsWith('list_')) assert.equal(p.balances.DIAMONDS, Number(p.playerId.slice(5)) + 1);
      }
      cursor = r.json.next_cursor;
      pages++;
    } while (cursor);
    const owners = (await server.db.sql`select distinct owner from accounts where kind = 'player' order by owner`).map(
      (r) => r.owner,
    );
    assert.deepEqual(seen, owners);
    assert.equal(pages, Math.ceil(owners.length / 3));
    assert.ok(seen.includes('user_001') && seen.includes('user_002'), 'demo players listed');
  });

  test('page sizes above 1000 and foreign cursors are refused with 400', async () => {
    const big = await get(base, '/v1/players?limit=1001');
    assert.equal(big.status, 400);
    assert.match(big.json.message, /limit must be <= 1000/);
    assert.equal((await get(base, '/v1/players?limit=0')).status, 400);
    assert.equal((await get(base, '/v1/players?cursor=!!!')).json.code, 'INVALID_CURSOR');
    assert.equal(
      (await get(base, `/v1/players?cursor=${Buffer.from('[1]').toString('base64url')}`)).json.code,
      'INVALID_CURSOR',
    );
  });

  test('GET /v1/assets lists the wallet assets and currencies with their scale', async () => {
    const r = await get(base, '/v1/assets');
    const codes = Object.fromEntries(r.json.assets.map((a: { code: string; scale: number }) => [a.code, a.scale]));
    assert.equal(codes.GOLD_COINS, 0);
    assert.equal(codes.DIAMONDS, 0);
    assert.equal(codes.LOYALTY_POINTS, 0);
    assert.equal(codes.USD, 2);
  });
});

describe('seed', () => {
  test('user_001 and user_002 hold GOLD_COINS, DIAMONDS, LOYALTY_POINTS and USD, and seeding again changes nothing', async () => {
    for (const player of ['user_001', 'user_002']) {
      const r = await get(base, `/v1/wallets/${player}`);
      for (const asset of ['GOLD_COINS', 'DIAMONDS', 'LOYALTY_POINTS', 'USD'])
        assert.ok(r.json.balances[asset] > 0, `${player} ${asset}`);
    }
    const { seedWallet } = await import('../../src/wallet/seed.ts');
    const count = await transferCount();
    await seedWallet(server.ctx);
    assert.equal(await transferCount(), count);
  });
});

describe('transfers', () => {
  const transfer = (body: unknown) => post(base, '/v1/transfers', body);

  test('player → player moves one asset and reports both balances', async () => {
    await post(base, '/v1/wallets/t_alice/topup', { asset: 'GOLD_COINS', amount: 100 });
    await post(base, '/v1/wallets/t_bob/topup', { asset: 'DIAMONDS', amount: 1 });
    const r = await transfer({
      from: { playerId: 't_alice' },
      to: { playerId: 't_bob', asset: 'GOLD_COINS' },
      asset: 'GOLD_COINS',
      amount: 40,
      description: 'gift',
    });
    assert.equal(r.status, 201);
    assert.deepEqual(
      { ...r.json, transactionId: undefined },
      {
        transactionId: undefined,
        asset: 'GOLD_COINS',
        amount: 40,
        from: { playerId: 't_alice', balance: 60 },
        to: { playerId: 't_bob', balance: 40 },
      },
    );
    const history = await get(base, '/v1/wallets/t_bob/transactions?asset=GOLD_COINS');
    assert.equal(history.json.items[0].counterparty_kind, 'player');
    assert.equal(history.json.items[0].counterparty, 't_alice');
    assert.equal(history.json.items[0].description, 'gift');
  });

  test('player ↔ system and system → system transfers', async () => {
    await post(base, '/v1/wallets/t_carol/topup', { asset: 'LOYALTY_POINTS', amount: 10 });
    const toHouse = await transfer({
      from: { playerId: 't_carol' },
      to: { system: 'house' },
      asset: 'LOYALTY_POINTS',
      amount: 4,
    });
    assert.equal(toHouse.status, 201);
    assert.deepEqual(toHouse.json.to, { system: 'house' });
    assert.equal(toHouse.json.from.balance, 6);
    const funding = await transfer({
      from: { system: 'treasury' },
      to: { system: 'bonus_pool' },
      asset: 'LOYALTY_POINTS',
      amount: 1000,
    });
    assert.equal(funding.status, 201);
  });

  test('a self-transfer is refused with SELF_TRANSFER', async () => {
    for (const side of [{ playerId: 't_alice' }, { system: 'treasury' }]) {
      const r = await transfer({ from: side, to: side, asset: 'GOLD_COINS', amount: 1 });
      assert.equal(r.status, 400);
      assert.equal(r.json.code, 'SELF_TRANSFER');
    }
  });

  test('a side naming another asset is refused with ASSET_MISMATCH', async () => {
    const r = await transfer({
      from: { playerId: 't_alice', asset: 'DIAMONDS' },
      to: { playerId: 't_bob' },
      asset: 'GOLD_COINS',
      amount: 1,
    });
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 'ASSET_MISMATCH');
    assert.match(r.json.message, /from\.asset is DIAMONDS/);
  });

  test('each side names exactly one of playerId or system', async () => {
    for (const from of [{}, { playerId: 't_alice', system: 'house' }]) {
      const r = await transfer({ from, to: { playerId: 't_bob' }, asset: 'GOLD_COINS', amount: 1 });
      assert.equal(r.status, 400);
      assert.match(r.json.message, /from must name exactly one of playerId or system/);
    }
    const bad_system = await transfer({
      from: { system: 'vault' },
      to: { playerId: 't_bob' },
      asset: 'GOLD_COINS',
      amount: 1,
    });
    assert.equal(bad_system.status, 400);
    assert.match(bad_system.json.message, /^from\.system /);
  });

  test('unknown players on either side are a 404 naming the side; missing funds a 400; nothing moves', async () => {
    const count = await transferCount();
    const from = await transfer({
      from: { playerId: 'ghost' },
      to: { playerId: 't_bob' },
      asset: 'GOLD_COINS',
      amount: 1,
    });
    assert.equal(from.status, 404);
    assert.match(from.json.message, /ghost \(from\.playerId\)/);
    const to = await transfer({
      from: { playerId: 't_alice' },
      to: { playerId: 'ghost' },
      asset: 'GOLD_COINS',
      amount: 1,
    });
    assert.equal(to.status, 404);
    assert.match(to.json.message, /ghost \(to\.playerId\)/);
    const poor = await transfer({
      from: { playerId: 't_alice' },
      to: { playerId: 't_bob' },
      asset: 'GOLD_COINS',
      amount: 1_000_000,
    });
    assert.equal(poor.json.code, 'INSUFFICIENT_FUNDS');
    assert.equal(await transferCount(), count);
    assert.deepEqual(await server.ctx.ledger.accountsOf('player', 'ghost'), []);
  });
});

describe('history', () => {
  test('items are newest first with amount, direction, counterparty, balance_after, created_at and description', async () => {
    await post(base, '/v1/wallets/h_one/topup', { asset: 'GOLD_COINS', amount: 100, description: 'deposit' });
    await post(base, '/v1/wallets/h_one/spend', { asset: 'GOLD_COINS', amount: 30, description: 'sword' });
    await post(base, '/v1/wallets/h_one/bonus', { asset: 'DIAMONDS', amount: 5 });
    const r = await get(base, '/v1/wallets/h_one/transactions');
    assert.equal(r.status, 200);
    assert.equal(r.json.next_cursor, null);
    const items = r.json.items.map(
      ({ transactionId, created_at, game, round, provider, metadata, ...rest }: Record<string, unknown>) => {
        assert.match(String(transactionId), /^[0-9a-f-]{36}$/);
        // Manual moves are not game money: no game, round or provider; their metadata carries the Idempotency-Key.
        assert.deepEqual([game, round, provider], [null, null, null]);
        assert.match(String((metadata as { idempotency_key?: unknown }).idempotency_key), /^[0-9a-f-]{36}$/);
        assert.ok(
          !Number.isNaN(Date.parse(String(created_at))) && String(created_at).endsWith('Z'),
          `created_at ${created_at} is ISO-8601 UTC`,
        );
        return rest;
      },
    );
    assert.deepEqual(items, [
      {
        type: 'bonus',
        asset: 'DIAMONDS',
        amount: 5,
        direction: 'credit',
        counterparty_kind: 'system',
        counterparty: 'treasury',
        balance_after: 5,
        description: null,
      },
      {
        type: 'spend',
        asset: 'GOLD_COINS',
        amount: 30,
        direction: 'debit',
        counterparty_kind: 'system',
        counterparty: 'revenue',
        balance_after: 70,
        description: 'sword',
      },
      {
        type: 'topup',
        asset: 'GOLD_COINS',
        amount: 100,
        direction: 'credit',
        counterparty_kind: 'system',
        counterparty: 'treasury',
        balance_after: 100,
        description: 'deposit',
      },
    ]);
    const gold = await get(base, '/v1/wallets/h_one/transactions?asset=GOLD_COINS');
    assert.deepEqual(
      gold.json.items.map((i: { type: string }) => i.type),
      ['spend', 'topup'],
    );
    assert.deepEqual((await get(base, '/v1/wallets/h_one/transactions?asset=USD')).json.items, []);
    assert.equal((await get(base, '/v1/wallets/h_one/transactions?asset=NOPE')).json.code, 'UNKNOWN_ASSET');
  });

  test('pagination walks the whole history without gaps or duplicates, even while new movements arrive', async () => {
    const assets = ['GOLD_COINS', 'DIAMONDS', 'LOYALTY_POINTS'];
    for (let i = 0; i < 45; i++) {
      const r = await post(base, '/v1/wallets/h_walk/topup', {
        asset: assets[i % 3],
        amount: i + 1,
        description: `move ${i}`,
      });
      assert.equal(r.status, 201);
    }
    const expected = (await get(base, '/v1/wallets/h_walk/transactions?limit=1000')).json.items.map(
      (i: { transactionId: string }) => i.transactionId,
    );
    assert.equal(expected.length, 45);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await get(base, `/v1/wallets/h_walk/transactions?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200);
      seen.push(...r.json.items.map((i: { transactionId: string }) => i.transactionId));
      cursor = r.json.next_cursor;
      // Movements landing mid-walk belong to a fresh first page, not to this walk.
      await post(base, '/v1/wallets/h_walk/topup', { asset: assets[seen.length % 3], amount: 1 });
    } while (cursor);
    assert.deepEqual(seen, expected);
    assert.equal(new Set(seen).size, 45);
  });

  test('an asset-filtered walk and a cursor from another player are handled', async () => {
    const walk: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await get(
        base,
        `/v1/wallets/h_walk/transactions?asset=DIAMONDS&limit=4${cursor ? `&cursor=${cursor}` : ''}`,
      );
      walk.push(...r.json.items.map((i: { asset: string; transactionId: string }) => i.asset));
      cursor = r.json.next_cursor;
    } while (cursor);
    assert.ok(walk.length >= 15 && walk.every((a) => a === 'DIAMONDS'), `DIAMONDS only: ${walk.join(',')}`);
    const first = await get(base, '/v1/wallets/h_walk/transactions?limit=2');
    const foreign = await get(base, `/v1/wallets/h_one/transactions?cursor=${first.json.next_cursor}`);
    assert.equal(foreign.status, 400);
    assert.equal(foreign.json.code, 'INVALID_CURSOR');
    assert.equal((await get(base, '/v1/wallets/h_walk/transactions?limit=1001')).status, 400);
    assert.equal(
      (await get(base, '/v1/wallets/h_walk/transactions?cursor=eyJoIjpbWyIxIiwiLTEiXV19')).json.code,
      'INVALID_CURSOR',
    );
  });
});

describe('ledger invariants', () => {
  test('verifyLedger passes after everything above', async () => {
    const report = await verifyLedger(server.db.sql);
    assert.ok(report.passed, JSON.stringify(report.checks.filter((c) => !c.passed)));
  });
});
