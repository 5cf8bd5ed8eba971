import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hmacSha256Hex } from '../../src/platform/hmac.ts';
import { seedAggregator } from '../../src/aggregator/seed.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { assertLedgerVerifies, balance, batch, processCall, signature, uid, type Action } from './helpers.ts';

/**
 * SPEC §2 over HTTP: the scenarios of the source document (seed 000) from the demo player's
 * 74322001, then every rule of the protocol. Tests in this file run in order and share one server.
 */
let server: TestServer;
let base: string;
const DEMO = '8|USDT|USD';
const INSUFFICIENT = { code: 100, message: 'Player has not enough funds to process an action' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

before(async () => {
  server = await startTestServer();
  base = server.url;
});
after(async () => server.close());

async function ok(body: unknown) {
  const r = await processCall(base, body);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

/** A fresh player holding `amount` (credited by a win, so it came from the house through the protocol). */
async function fundedPlayer(amount: number): Promise<string> {
  const user = uid('player');
  await ok(batch(user, [{ action: 'win', action_id: uid('fund'), amount }]));
  return user;
}

async function counts() {
  const [row] = await server.db.sql`
    select (select count(*) from aggregator_actions)::int as actions, (select count(*) from transfers)::int as transfers,
           (select count(*) from accounts)::int as accounts`;
  return row;
}

describe('signature (SPEC §0, §2)', () => {
  const body = '{"user_id":"8|USDT|USD","currency":"USD","game":"acceptance:test"}';

  test('the known test vector of SPEC §2 verifies, and the server accepts it', async () => {
    assert.equal(hmacSha256Hex('test', body), '442c4cd8926008096225416b21f5a1862fbf4fc4e5224362e3b463e85a39f40a');
    const r = await processCall(base, body);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { balance: 74322001 });
  });

  test('a missing, wrong, unprefixed or tampered signature is a 403 and writes nothing', async () => {
    const raw = JSON.stringify(batch(uid('intruder'), [{ action: 'win', action_id: uid('w'), amount: 5 }]));
    const before_counts = await counts();
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `HMAC-SHA256 ${hmacSha256Hex('not-the-secret', raw)}` },
      { authorization: hmacSha256Hex('test', raw) },
      { authorization: `HMAC-SHA256 ${hmacSha256Hex('test', `${raw} `)}` },
      { authorization: 'HMAC-SHA256 zz' },
    ];
    for (const headers of attempts) {
      const r = await fetch(`${base}/aggregator/takehome/process`, {
        method: 'POST',
        body: raw,
        headers: { 'content-type': 'application/json', ...headers },
      });
      assert.equal(r.status, 403, JSON.stringify(headers));
      assert.equal((await r.json()).code, 'INVALID_SIGNATURE');
    }
    assert.deepEqual(await counts(), before_counts);
  });
});

describe('scenarios of the source document, from the demo player', () => {
  let expected = 74322001;
  const round = uid('round');
  const id = (name: string) => `${round}-${name}`;

  test('balance lookup', async () => {
    assert.deepEqual(await ok({ user_id: DEMO, currency: 'USD', game: 'acceptance:test' }), { balance: expected });
  });

  test('single bet', async () => {
    const r = await ok(batch(DEMO, [{ action: 'bet', action_id: id('bet-1'), amount: 100 }], { game_id: round }));
    expected -= 100;
    assert.equal(r.balance, expected);
    assert.equal(r.game_id, round);
    assert.equal(r.transactions.length, 1);
    assert.equal(r.transactions[0].action_id, id('bet-1'));
    assert.match(r.transactions[0].tx_id, UUID);
    assert.notEqual(r.transactions[0].tx_id, id('bet-1'));
  });

  test('bet + win in one request', async () => {
    const r = await ok(
      batch(DEMO, [
        { action: 'bet', action_id: id('bet-2'), amount: 200 },
        { action: 'win', action_id: id('win-2'), amount: 350 },
      ]),
    );
    expected += 150;
    assert.equal(r.balance, expected);
    assert.deepEqual(
      r.transactions.map((t: { action_id: string }) => t.action_id),
      [id('bet-2'), id('win-2')],
    );
    assert.notEqual(r.transactions[0].tx_id, r.transactions[1].tx_id);
  });

  test('insufficient funds: 400 code 100 with the exact message, nothing applied', async () => {
    const r = await processCall(
      base,
      batch(DEMO, [
        { action: 'bet', action_id: id('bet-3'), amount: 1 },
        { action: 'bet', action_id: id('bet-too-much'), amount: expected },
      ]),
    );
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, INSUFFICIENT);
    assert.equal(await balance(base, DEMO), expected);
    const [{ n }] = await server.db
      .sql`select count(*)::int as n from aggregator_actions where action_id in (${id('bet-3')}, ${id('bet-too-much')})`;
    assert.equal(n, 0);
  });

  test('bet then win in separate requests', async () => {
    await ok(batch(DEMO, [{ action: 'bet', action_id: id('bet-4'), amount: 500 }]));
    const r = await ok(batch(DEMO, [{ action: 'win', action_id: id('win-4'), amount: 1000 }]));
    expected += 500;
    assert.equal(r.balance, expected);
  });

  test('bet then rollback credits the bet back', async () => {
    await ok(batch(DEMO, [{ action: 'bet', action_id: id('bet-5'), amount: 700 }]));
    const r = await ok(batch(DEMO, [{ action: 'rollback', action_id: id('rb-5'), original_action_id: id('bet-5') }]));
    assert.equal(r.balance, expected);
    assert.match(r.transactions[0].tx_id, UUID);
  });

  test('duplicate + new: the duplicate answers its original tx_id, the new one is applied', async () => {
    const first = await ok(batch(DEMO, [{ action: 'bet', action_id: id('bet-6'), amount: 300 }]));
    expected -= 300;
    const r = await ok(
      batch(DEMO, [
        { action: 'bet', action_id: id('bet-6'), amount: 300 },
        { action: 'bet', action_id: id('bet-7'), amount: 40 },
      ]),
    );
    expected -= 40;
    assert.equal(r.transactions[0].tx_id, first.transactions[0].tx_id);
    assert.notEqual(r.transactions[1].tx_id, first.transactions[0].tx_id);
    assert.equal(r.balance, expected);
  });

  test('pre-rollback: the rollback is recorded first, the late bet is recorded without effect', async () => {
    const rb = await ok(batch(DEMO, [{ action: 'rollback', action_id: id('rb-8'), original_action_id: id('bet-8') }]));
    assert.equal(rb.balance, expected);
    const bet = await ok(batch(DEMO, [{ action: 'bet', action_id: id('bet-8'), amount: 900 }]));
    assert.equal(bet.balance, expected);
    assert.match(bet.transactions[0].tx_id, UUID);
    assert.notEqual(bet.transactions[0].tx_id, rb.transactions[0].tx_id);
  });

  test('multiple pre-rollbacks: each is recorded, the originals arrive later without effect', async () => {
    const rbs = await ok(
      batch(DEMO, [
        { action: 'rollback', action_id: id('rb-9a'), original_action_id: id('bet-9') },
        { action: 'rollback', action_id: id('rb-9b'), original_action_id: id('win-9') },
      ]),
    );
    assert.equal(rbs.balance, expected);
    const late = await ok(
      batch(DEMO, [
        { action: 'bet', action_id: id('bet-9'), amount: 50 },
        { action: 'win', action_id: id('win-9'), amount: 80 },
      ]),
    );
    assert.equal(late.balance, expected);
    const tx_ids = new Set([...rbs.transactions, ...late.transactions].map((t: { tx_id: string }) => t.tx_id));
    assert.equal(tx_ids.size, 4);
  });

  test('the ledger verifies after the scenarios', async () => {
    assert.equal(await balance(base, DEMO), expected);
    await assertLedgerVerifies(server.db.sql);
  });
});

describe('batches: atomic, in order, idempotent', () => {
  test('the bet that goes below zero at its point of the batch fails the batch, even if a later win would cover it', async () => {
    const user = await fundedPlayer(100);
    const r = await processCall(
      base,
      batch(user, [
        { action: 'bet', action_id: uid('b'), amount: 150 },
        { action: 'win', action_id: uid('w'), amount: 100 },
      ]),
    );
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, INSUFFICIENT);
    assert.equal(await balance(base, user), 100);
    const in_order = await ok(
      batch(user, [
        { action: 'win', action_id: uid('w'), amount: 100 },
        { action: 'bet', action_id: uid('b'), amount: 150 },
      ]),
    );
    assert.equal(in_order.balance, 50);
  });

  test('transactions answer every action in request order with server tx_ids; balance is after the batch', async () => {
    const user = await fundedPlayer(1000);
    const actions: Action[] = [
      { action: 'bet', action_id: uid('b'), amount: 10 },
      { action: 'win', action_id: uid('w'), amount: 0 },
      { action: 'bet', action_id: uid('b'), amount: 20 },
      { action: 'win', action_id: uid('w'), amount: 5 },
    ];
    const r = await ok(batch(user, actions));
    assert.deepEqual(
      r.transactions.map((t: { action_id: string }) => t.action_id),
      actions.map((a) => a.action_id),
    );
    for (const t of r.transactions) assert.match(t.tx_id, UUID);
    assert.equal(new Set(r.transactions.map((t: { tx_id: string }) => t.tx_id)).size, 4);
    assert.equal(r.balance, 975);
  });

  test('the same action twice in one request is applied once and answers the same tx_id', async () => {
    const user = await fundedPlayer(100);
    const bet = { action: 'bet' as const, action_id: uid('b'), amount: 30 };
    const r = await ok(batch(user, [bet, bet]));
    assert.equal(r.transactions[0].tx_id, r.transactions[1].tx_id);
    assert.equal(r.balance, 70);
  });

  test('the same action_id with another type, amount, user, currency or original → 409 code 110, nothing applied', async () => {
    const user = await fundedPlayer(1000);
    const bet_id = uid('b');
    const rb_id = uid('rb');
    await ok(
      batch(user, [
        { action: 'bet', action_id: bet_id, amount: 10 },
        { action: 'rollback', action_id: rb_id, original_action_id: uid('unknown') },
      ]),
    );
    const other = await fundedPlayer(1000);
    const fresh = () => ({ action: 'win' as const, action_id: uid('w'), amount: 0 });
    const conflicts: [unknown, string][] = [
      [batch(user, [fresh(), { action: 'win', action_id: bet_id, amount: 10 }]), 'action'],
      [batch(user, [fresh(), { action: 'bet', action_id: bet_id, amount: 11 }]), 'amount'],
      [batch(other, [fresh(), { action: 'bet', action_id: bet_id, amount: 10 }]), 'user_id'],
      [batch(user, [fresh(), { action: 'bet', action_id: bet_id, amount: 10 }], { currency: 'EUR' }), 'currency'],
      [
        batch(user, [fresh(), { action: 'rollback', action_id: rb_id, original_action_id: uid('elsewhere') }]),
        'original_action_id',
      ],
    ];
    const before_counts = await counts();
    for (const [body, field] of conflicts) {
      const r = await processCall(base, body);
      assert.equal(r.status, 409, r.text);
      assert.equal(r.json.code, 110);
      assert.match(r.json.message, new RegExp(field));
    }
    const accounts_created = 2; // the EUR attempt creates the player's EUR wallet (first sight: cash and its bonus twin), nothing else
    const after_counts = await counts();
    assert.deepEqual({ ...after_counts, accounts: after_counts.accounts - accounts_created }, before_counts);
    assert.equal(await balance(base, user), 990);
    assert.equal(await balance(base, other), 1000);
  });

  test('two different contents for one action_id inside one request → 409', async () => {
    const user = await fundedPlayer(100);
    const id = uid('b');
    const r = await processCall(
      base,
      batch(user, [
        { action: 'bet', action_id: id, amount: 1 },
        { action: 'bet', action_id: id, amount: 2 },
      ]),
    );
    assert.equal(r.status, 409);
    assert.equal(r.json.code, 110);
    assert.equal(await balance(base, user), 100);
  });

  test('the ledger verifies after the batch rules', async () => {
    await assertLedgerVerifies(server.db.sql);
  });
});

describe('rollbacks', () => {
  test('rollback of a win debits it; if the player no longer holds it → code 100, nothing applied', async () => {
    const user = await fundedPlayer(100);
    const win = uid('w');
    await ok(batch(user, [{ action: 'win', action_id: win, amount: 500 }]));
    const rolled = await ok(batch(user, [{ action: 'rollback', action_id: uid('rb'), original_action_id: win }]));
    assert.equal(rolled.balance, 100);

    const win2 = uid('w');
    await ok(
      batch(user, [
        { action: 'win', action_id: win2, amount: 50 },
        { action: 'bet', action_id: uid('b'), amount: 120 },
      ]),
    );
    const rb = uid('rb');
    const r = await processCall(base, batch(user, [{ action: 'rollback', action_id: rb, original_action_id: win2 }]));
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, INSUFFICIENT);
    assert.equal(await balance(base, user), 30);
    const [row] = await server.db.sql`select rolled_back from aggregator_actions where action_id = ${win2}`;
    assert.equal(row.rolled_back, false);
  });

  test('a rollback of an action already rolled back is a no-op with its own tx_id', async () => {
    const user = await fundedPlayer(100);
    const bet = uid('b');
    await ok(batch(user, [{ action: 'bet', action_id: bet, amount: 40 }]));
    const first = await ok(batch(user, [{ action: 'rollback', action_id: uid('rb'), original_action_id: bet }]));
    const second = await ok(batch(user, [{ action: 'rollback', action_id: uid('rb'), original_action_id: bet }]));
    assert.equal(first.balance, 100);
    assert.equal(second.balance, 100);
    assert.notEqual(second.transactions[0].tx_id, first.transactions[0].tx_id);
  });

  test('a rollback of a rollback is a 400, also when the first rollback named it in advance', async () => {
    const user = await fundedPlayer(100);
    const bet = uid('b');
    const rb = uid('rb');
    await ok(
      batch(user, [
        { action: 'bet', action_id: bet, amount: 10 },
        { action: 'rollback', action_id: rb, original_action_id: bet },
      ]),
    );
    const r = await processCall(
      base,
      batch(user, [{ action: 'rollback', action_id: uid('rb'), original_action_id: rb }]),
    );
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 130);

    const later = uid('rb-late');
    await ok(batch(user, [{ action: 'rollback', action_id: uid('rb'), original_action_id: later }]));
    const r2 = await processCall(
      base,
      batch(user, [{ action: 'rollback', action_id: later, original_action_id: bet }]),
    );
    assert.equal(r2.status, 400);
    assert.equal(r2.json.code, 130);
    assert.equal(await balance(base, user), 100);
  });

  test('pre-rollback within one request: rollback before its bet, both recorded, no balance change', async () => {
    const user = await fundedPlayer(100);
    const bet = uid('b');
    const r = await ok(
      batch(user, [
        { action: 'rollback', action_id: uid('rb'), original_action_id: bet },
        { action: 'bet', action_id: bet, amount: 60 },
      ]),
    );
    assert.equal(r.balance, 100);
    assert.equal(r.transactions.length, 2);
    const again = await ok(batch(user, [{ action: 'rollback', action_id: uid('rb'), original_action_id: bet }]));
    assert.equal(again.balance, 100);
  });

  test('bet and its rollback in one request leave the balance as it was', async () => {
    const user = await fundedPlayer(100);
    const bet = uid('b');
    const r = await ok(
      batch(user, [
        { action: 'bet', action_id: bet, amount: 100 },
        { action: 'rollback', action_id: uid('rb'), original_action_id: bet },
      ]),
    );
    assert.equal(r.balance, 100);
  });

  test("a rollback naming another player's or currency's action → 409, nothing applied", async () => {
    const owner = await fundedPlayer(100);
    const bet = uid('b');
    await ok(batch(owner, [{ action: 'bet', action_id: bet, amount: 25 }]));
    const thief = await fundedPlayer(100);
    for (const body of [
      batch(thief, [
        { action: 'win', action_id: uid('w'), amount: 1 },
        { action: 'rollback', action_id: uid('rb'), original_action_id: bet },
      ]),
      batch(owner, [{ action: 'rollback', action_id: uid('rb'), original_action_id: bet }], { currency: 'EUR' }),
    ]) {
      const r = await processCall(base, body);
      assert.equal(r.status, 409, r.text);
      assert.equal(r.json.code, 120);
    }
    assert.equal(await balance(base, owner), 75);
    assert.equal(await balance(base, thief), 100);
  });

  test('an original arriving for another player than the one whose rollback named it in advance → 409', async () => {
    const a = await fundedPlayer(100);
    const b = await fundedPlayer(100);
    const bet = uid('b');
    await ok(batch(a, [{ action: 'rollback', action_id: uid('rb'), original_action_id: bet }]));
    const r = await processCall(base, batch(b, [{ action: 'bet', action_id: bet, amount: 10 }]));
    assert.equal(r.status, 409);
    assert.equal(r.json.code, 120);
    assert.equal(await balance(base, b), 100);
  });

  test('a win of 0 is recorded, and its rollback moves nothing', async () => {
    const user = await fundedPlayer(10);
    const win = uid('w');
    const rb = uid('rb');
    const r = await ok(
      batch(user, [
        { action: 'win', action_id: win, amount: 0 },
        { action: 'rollback', action_id: rb, original_action_id: win },
      ]),
    );
    assert.equal(r.balance, 10);
    const [{ actions, transfers }] = await server.db.sql`
      select count(*)::int as actions, count(t.id)::int as transfers
      from aggregator_actions a left join transfers t on t.id = a.tx_id where a.action_id in (${win}, ${rb})`;
    assert.equal(actions, 2, 'both actions recorded');
    assert.equal(transfers, 0, 'neither moved money');
  });

  test('money moves between the player and the house, each transfer linked to its action', async () => {
    const user = await fundedPlayer(100);
    const bet = uid('b');
    const r = await ok(
      batch(user, [
        { action: 'bet', action_id: bet, amount: 7 },
        { action: 'rollback', action_id: uid('rb'), original_action_id: bet },
      ]),
    );
    const rows = await server.db.sql`
      select t.id, t.kind, t.reverses_id, t.metadata, t.round_surface, t.round_provider, t.round_game, t.round_id,
             f.owner as from_owner, c.owner as to_owner from transfers t
      join accounts f on f.id = t.from_account_id join accounts c on c.id = t.to_account_id
      where t.id = any(${r.transactions.map((t: { tx_id: string }) => t.tx_id)}::uuid[])`;
    assert.equal(rows.length, 2);
    // One vocabulary of transfer kinds on every game surface, the round in its own columns (not the metadata).
    const bet_transfer = rows.find((t) => t.kind === 'bet')!;
    const rollback_transfer = rows.find((t) => t.kind === 'rollback')!;
    for (const t of [bet_transfer, rollback_transfer]) {
      assert.deepEqual(
        [t.round_surface, t.round_provider, t.round_game, t.round_id, t.metadata],
        ['aggregator', 'acceptance', 'test', 'round-1', null],
      );
    }
    assert.deepEqual([bet_transfer.from_owner, bet_transfer.to_owner], [user, 'house']);
    assert.deepEqual([rollback_transfer.from_owner, rollback_transfer.to_owner], ['house', user]);
    assert.equal(rollback_transfer.reverses_id, bet_transfer.id);
  });

  test('the ledger verifies after the rollbacks', async () => {
    await assertLedgerVerifies(server.db.sql);
  });
});

describe('wallets, lookups and balances', () => {
  test('the demo seed is idempotent: running it again moves no money', async () => {
    const before_seed = await balance(base, DEMO);
    assert.deepEqual(await seedAggregator(server.ctx), ['player 8|USDT|USD funded with 74322001 USD minor units']);
    assert.equal(await balance(base, DEMO), before_seed);
    const [{ n }] = await server.db
      .sql`select count(*)::int as n from transfers where kind = 'seed_funding' and external_id = 'aggregator-demo-8|USDT|USD'`;
    assert.equal(n, 1);
  });

  test('a player seen for the first time gets an empty wallet', async () => {
    const user = uid('new');
    assert.deepEqual(await ok({ user_id: user, currency: 'EUR' }), { balance: 0 });
    const rows = await server.db
      .sql`select balance_minor from accounts where kind = 'player' and owner = ${user} and asset = 'EUR' and purpose = 'cash'`;
    assert.equal(rows.length, 1);
    assert.deepEqual(await ok({ user_id: user, currency: 'EUR', actions: [] }), { balance: 0 });
  });

  test('game_id is echoed, null when absent', async () => {
    const user = await fundedPlayer(10);
    const r = await ok({
      user_id: user,
      currency: 'USD',
      actions: [{ action: 'bet', action_id: uid('b'), amount: 1 }],
    });
    assert.equal(r.game_id, null);
  });

  test('a win that would take the balance beyond 2^53 - 1 is refused (code 140), not answered wrong', async () => {
    const user = await fundedPlayer(9007199254740991);
    const r = await processCall(base, batch(user, [{ action: 'win', action_id: uid('w'), amount: 1 }]));
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 140);
    assert.equal(await balance(base, user), 9007199254740991);
  });
});

describe('validation and limits (SPEC §0)', () => {
  const user = 'validation-user';
  const cases: [string, unknown, RegExp][] = [
    ['user_id missing', { currency: 'USD' }, /user_id is required/],
    ['currency missing', { user_id: user }, /currency is required/],
    ['user_id not a string', { user_id: 8, currency: 'USD' }, /user_id must be string/],
    ['user_id over 255', { user_id: 'u'.repeat(256), currency: 'USD' }, /user_id must NOT have more than 255/],
    ['game over 255', { user_id: user, currency: 'USD', game: 'g'.repeat(256) }, /game must NOT have more than 255/],
    ['finished not boolean', { user_id: user, currency: 'USD', finished: 'yes' }, /finished must be boolean/],
    [
      'unknown action',
      batch(user, [{ action: 'cashout', action_id: 'a', amount: 1 } as never]),
      /actions\[0\]\.action must be equal to one of/,
    ],
    ['action_id missing', batch(user, [{ action: 'bet', amount: 1 } as never]), /actions\[0\]\.action_id is required/],
    [
      'action_id over 255',
      batch(user, [{ action: 'bet', action_id: 'a'.repeat(256), amount: 1 }]),
      /actions\[0\]\.action_id must NOT have more than 255/,
    ],
    [
      'amount not an integer',
      batch(user, [{ action: 'bet', action_id: 'a', amount: 1.5 }]),
      /actions\[0\]\.amount must be integer/,
    ],
    [
      'amount as a string',
      batch(user, [{ action: 'bet', action_id: 'a', amount: '100' as never }]),
      /actions\[0\]\.amount must be integer/,
    ],
    [
      'amount negative',
      batch(user, [{ action: 'win', action_id: 'a', amount: -1 }]),
      /actions\[0\]\.amount must be >= 0/,
    ],
    [
      'amount above 2^53 - 1',
      batch(user, [{ action: 'win', action_id: 'a', amount: 9007199254740992 }]),
      /actions\[0\]\.amount must be <= 9007199254740991/,
    ],
    [
      'bet without amount',
      batch(user, [{ action: 'bet', action_id: 'a' }]),
      /actions\[0\]\.amount is required for a bet/,
    ],
    [
      'bet of zero',
      batch(user, [
        { action: 'win', action_id: 'w', amount: 1 },
        { action: 'bet', action_id: 'a', amount: 0 },
      ]),
      /actions\[1\]\.amount must be greater than 0/,
    ],
    [
      'win without amount',
      batch(user, [{ action: 'win', action_id: 'a' }]),
      /actions\[0\]\.amount is required for a win/,
    ],
    [
      'rollback without original',
      batch(user, [{ action: 'rollback', action_id: 'a' } as never]),
      /actions\[0\]\.original_action_id is required for a rollback/,
    ],
    [
      'rollback of itself',
      batch(user, [{ action: 'rollback', action_id: 'a', original_action_id: 'a' }]),
      /actions\[0\]\.original_action_id must name another action/,
    ],
    ['actions not an array', { user_id: user, currency: 'USD', actions: {} }, /actions must be array/],
    [
      '101 actions',
      batch(
        user,
        Array.from({ length: 101 }, (_, i) => ({ action: 'win' as const, action_id: `w${i}`, amount: 1 })),
      ),
      /actions must NOT have more than 100 items/,
    ],
  ];
  for (const [name, body, message] of cases) {
    test(`400 naming the field: ${name}`, async () => {
      const r = await processCall(base, body);
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.code, 'VALIDATION_ERROR');
      assert.match(r.json.message, message);
    });
  }

  test('nothing was written by the refused requests', async () => {
    const [{ n }] = await server.db.sql`select count(*)::int as n from aggregator_actions where user_id = ${user}`;
    assert.equal(n, 0);
  });

  test('an unknown currency is a 400 naming it', async () => {
    const r = await processCall(base, { user_id: user, currency: 'XYZ' });
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 'UNKNOWN_ASSET');
    assert.match(r.json.message, /XYZ/);
  });

  test('invalid JSON (correctly signed) is a 400, not a 500', async () => {
    const r = await processCall(base, '{"user_id": ');
    assert.equal(r.status, 400);
  });

  test('at the limits: 100 actions, 255-character strings and the largest amount are accepted', async () => {
    const long = 'x'.repeat(255);
    const funded = await fundedPlayer(1);
    const actions: Action[] = Array.from({ length: 99 }, (_, i) => ({
      action: 'win' as const,
      action_id: `${uid('w')}-${i}`,
      amount: 0,
    }));
    actions.push({ action: 'win', action_id: long, amount: 1 });
    const r = await ok({ user_id: funded, currency: 'USD', game: long, game_id: long, actions });
    assert.equal(r.transactions.length, 100);
    assert.equal(r.balance, 2);
    const max = await ok(batch(long, [{ action: 'win', action_id: uid('w'), amount: 9007199254740991 }]));
    assert.equal(max.balance, 9007199254740991);
  });

  test('a correctly signed body that is not application/json is a 415, not a signature error', async () => {
    const raw = JSON.stringify({ user_id: user, currency: 'USD' });
    for (const type of ['application/xml', 'text/plain', 'text/plain; charset=utf-8', 'application/octet-stream']) {
      const r = await call(base, 'POST', '/aggregator/takehome/process', raw, {
        authorization: signature(raw),
        'content-type': type,
      });
      assert.equal(r.status, 415, `${type}: ${r.text}`);
      assert.equal(r.json.code, 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  test('a body over 1 MiB is a 413', async () => {
    const raw = JSON.stringify({ user_id: user, currency: 'USD', game: 'g', padding: 'p'.repeat(1024 * 1024) });
    const r = await processCall(base, raw);
    assert.equal(r.status, 413);
  });

  test('the ledger verifies after the refusals', async () => {
    await assertLedgerVerifies(server.db.sql);
  });
});
