import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { call, type TestServer } from '../support/server.ts';
import { processCall } from '../aggregator/helpers.ts';
import { casino, newPlayer } from '../seamless/helpers.ts';
import { BonusService } from '../../src/bonus/service.ts';
import { ADMIN, bonuses, fund, grant, grantOk, uid, verifiedServer, wallet } from './helpers.ts';

let s: TestServer;
verifiedServer((server) => (s = server));

/** One aggregator request on demo:starburst (slots) unless told otherwise. */
function play(user: string, actions: unknown[], extra: Record<string, unknown> = {}) {
  return processCall(s.url, {
    user_id: user,
    currency: 'USD',
    game: 'demo:starburst',
    game_id: uid('round'),
    finished: true,
    actions,
    ...extra,
  });
}

describe('grants', () => {
  test('a grant answers 201 with the grant object of SPEC §5 and moves bonus_pool → the bonus account', async () => {
    const player = uid('g');
    const expires_at = new Date(Date.now() + 3_600_000).toISOString();
    const r = await grant(s, player, { amount: 100, wagering_multiplier: 10, expires_at, max_bet: 40 });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(
      Object.keys(r.json).sort(),
      [
        'amount',
        'asset',
        'bonusId',
        'bonus_balance',
        'created_at',
        'expires_at',
        'max_bet',
        'max_conversion',
        'percent',
        'playerId',
        'required',
        'status',
        'wagered',
      ].sort(),
    );
    assert.equal(r.json.status, 'active');
    assert.equal(r.json.bonus_balance, 100);
    assert.equal(r.json.required, 1000);
    assert.equal(r.json.max_bet, 40);
    assert.equal(r.json.max_conversion, null);
    assert.equal(r.json.expires_at, expires_at);
    assert.deepEqual(await wallet(s, player), { playerId: player, balances: { USD: 0 }, bonus_balances: { USD: 100 } });
  });

  test('the same Idempotency-Key replays the first answer; with another body it is a 422; without one a 400', async () => {
    const player = uid('g');
    const key = randomUUID();
    const body = { amount: 100, expires_at: new Date(Date.now() + 3_600_000).toISOString() };
    const first = await grant(s, player, body, key);
    const again = await grant(s, player, body, key);
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.text, first.text);
    const other = await grant(s, player, { ...body, amount: 200 }, key);
    assert.equal(other.status, 422);
    const missing = await call(
      s.url,
      'POST',
      `/v1/players/${player}/bonuses`,
      { asset: 'USD', amount: 1, wagering_multiplier: 1, expires_at: body.expires_at },
      ADMIN,
    );
    assert.equal(missing.status, 400);
    assert.equal((await bonuses(s, player)).length, 1);
  });

  test('invalid fields are 400s naming the field, and nothing is granted', async () => {
    const player = uid('g');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ amount: 0 }, /amount/],
      [{ amount: 1.5 }, /amount/],
      [{ amount: 10, wagering_multiplier: 101 }, /wagering_multiplier/],
      [{ amount: 10, expires_at: 'tomorrow' }, /expires_at/],
      [{ amount: 10, expires_at: new Date(Date.now() - 1000).toISOString() }, /expires_at/],
      [{ amount: 10, asset: 'NOPE' }, /NOPE/],
      [{ amount: 10, max_bet: -1 }, /max_bet/],
    ];
    for (const [body, field] of cases) {
      const r = await grant(s, player, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.json.message, field);
    }
    assert.deepEqual(await bonuses(s, player), []);
  });

  test('a second grant is pending; forfeiting the active one activates it, in grant order', async () => {
    const player = uid('g');
    const first = await grantOk(s, player, { amount: 100 });
    const second = await grantOk(s, player, { amount: 70 });
    const third = await grantOk(s, player, { amount: 30 });
    assert.equal(second.status, 'pending');
    assert.equal(second.bonus_balance, 0);
    const f = await call(s.url, 'POST', `/v1/players/${player}/bonuses/${first.bonusId}/forfeit`, undefined, {
      ...ADMIN,
      'idempotency-key': randomUUID(),
    });
    assert.equal(f.status, 200, f.text);
    assert.equal(f.json.status, 'forfeited');
    const list = await bonuses(s, player);
    assert.deepEqual(
      list.map((b) => [b.bonusId, b.status, b.bonus_balance]),
      [
        [third.bonusId, 'pending', 0],
        [second.bonusId, 'active', 70],
        [first.bonusId, 'forfeited', 0],
      ],
    );
    assert.equal((await wallet(s, player)).bonus_balances.USD, 70);
    const again = await call(s.url, 'POST', `/v1/players/${player}/bonuses/${first.bonusId}/forfeit`, undefined, {
      ...ADMIN,
      'idempotency-key': randomUUID(),
    });
    assert.equal(again.status, 409);
    assert.equal(again.json.code, 'BONUS_NOT_ACTIVE');
    const key = randomUUID();
    const path = `/v1/players/${player}/bonuses/${second.bonusId}/forfeit`;
    const once = await call(s.url, 'POST', path, undefined, { ...ADMIN, 'idempotency-key': key });
    const twice = await call(s.url, 'POST', path, undefined, { ...ADMIN, 'idempotency-key': key });
    assert.deepEqual(
      [once.status, twice.status, twice.headers.get('idempotent-replayed'), twice.text],
      [200, 200, 'true', once.text],
    );
    assert.equal(
      (await bonuses(s, player))[0].status,
      'active',
      'the third grant activated once the second was forfeited',
    );
    const unknown = await call(s.url, 'POST', `/v1/players/${player}/bonuses/${randomUUID()}/forfeit`, undefined, {
      ...ADMIN,
      'idempotency-key': randomUUID(),
    });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.code, 'BONUS_NOT_FOUND');
  });

  test('a withdraw of the asset while a bonus is active forfeits it first', async () => {
    const player = uid('g');
    await fund(s, player, 500n);
    const b = await grantOk(s, player, { amount: 100 });
    const w = await call(
      s.url,
      'POST',
      `/v1/wallets/${player}/withdraw`,
      { asset: 'USD', amount: 200 },
      { ...ADMIN, 'idempotency-key': randomUUID() },
    );
    assert.equal(w.status, 201, w.text);
    const [after] = await bonuses(s, player);
    assert.equal(after.bonusId, b.bonusId);
    assert.equal(after.status, 'forfeited');
    assert.deepEqual(await wallet(s, player), { playerId: player, balances: { USD: 300 }, bonus_balances: { USD: 0 } });
  });
});

/** The first grant expired, the second active with `bonus_minor` in the bonus account. */
async function assertExpiredThenActive(player: string, expired: string, active: string, bonus_minor: number) {
  assert.deepEqual(
    (await bonuses(s, player)).map((x) => [x.bonusId, x.status]),
    [
      [active, 'active'],
      [expired, 'expired'],
    ],
  );
  assert.equal((await wallet(s, player)).bonus_balances.USD, bonus_minor);
}

describe('expiry and history', () => {
  test('the sweep expires an idle bonus past expires_at: its balance returns to the pool and the next pending activates', async () => {
    const player = uid('e');
    const b = await grantOk(s, player, { amount: 100, expires_at: new Date(Date.now() + 1000).toISOString() });
    const next = await grantOk(s, player, { amount: 40 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.ok((await new BonusService(s.ctx).expireDue()) >= 1);
    await assertExpiredThenActive(player, b.bonusId, next.bonusId, 40);
  });

  test('a grant made after the active one is due ends it and becomes active in the same batch (found by the bonus property test)', async () => {
    const player = uid('e');
    const b = await grantOk(s, player, { amount: 100, expires_at: new Date(Date.now() + 1000).toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // The batch expires the due grant and inserts the new one as active: bonuses_one_active is checked
    // row by row, so the expired row must leave `active` first (it answered 500 before).
    const next = await grantOk(s, player, { amount: 40 });
    assert.equal(next.status, 'active');
    await assertExpiredThenActive(player, b.bonusId, next.bonusId, 40);
  });

  test('the wallet history shows bonus movements with their kinds', async () => {
    const player = uid('h');
    await grantOk(s, player, { amount: 100 });
    await play(player, [{ action: 'bet', action_id: uid('b'), amount: 10 }]);
    const r = await call(s.url, 'GET', `/v1/wallets/${player}/transactions`, undefined, ADMIN);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      r.json.items.map((t: any) => [t.type, t.account, t.direction, t.amount]),
      [
        ['bonus_bet', 'bonus', 'debit', 10],
        ['bonus_grant', 'bonus', 'credit', 100],
      ],
    );
  });
});

describe('aggregator play with a bonus', () => {
  test("a player's first request creates its cash account with a bonus twin, so later batches find both cached", async () => {
    const player = uid('a');
    const r = await play(player, [{ action: 'win', action_id: uid('w'), amount: 5 }]);
    assert.equal(r.status, 200, r.text);
    const rows = await s.db
      .sql`select purpose, balance_minor from accounts where kind = 'player' and owner = ${player} order by purpose`;
    assert.deepEqual(
      rows.map((a) => [a.purpose, a.balance_minor]),
      [
        ['bonus', 0n],
        ['cash', 5n],
      ],
    );
  });

  test('a stake takes cash first, then bonus; balance is cash + bonus; wagering counts the whole stake', async () => {
    const player = uid('a');
    await fund(s, player, 30n);
    await grantOk(s, player, { amount: 100 });
    const r = await play(player, [{ action: 'bet', action_id: uid('b'), amount: 50 }]);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.balance, 80);
    assert.deepEqual((await wallet(s, player)).bonus_balances, { USD: 80 });
    const [b] = await bonuses(s, player);
    assert.equal(b.wagered, 50);
    assert.equal(b.percent, 5);
  });

  test("a win is split in the round's cash : bonus proportion, the bonus part rounded down", async () => {
    const player = uid('a');
    await fund(s, player, 30n);
    await grantOk(s, player, { amount: 100 });
    const round = uid('round');
    // stake 50 = 30 cash + 20 bonus; win 101 → bonus floor(101 × 20 / 50) = 40, cash 61
    await processCall(s.url, {
      user_id: player,
      currency: 'USD',
      game: 'demo:starburst',
      game_id: round,
      actions: [{ action: 'bet', action_id: uid('b'), amount: 50 }],
    });
    const win = await processCall(s.url, {
      user_id: player,
      currency: 'USD',
      game: 'demo:starburst',
      game_id: round,
      actions: [{ action: 'win', action_id: uid('w'), amount: 101 }],
    });
    assert.equal(win.status, 200, win.text);
    const w = await wallet(s, player);
    assert.deepEqual([w.balances.USD, w.bonus_balances.USD], [61, 120]);
    // The action rows carry the bonus part each counts (a report's partial hour sums them).
    const rows = await s.ctx.sql<{ action: string; bonus_minor: bigint }[]>`
      select action, bonus_minor from aggregator_actions where user_id = ${player} order by created_at, action`;
    assert.deepEqual(
      rows.map((r) => [r.action, r.bonus_minor]),
      [
        ['bet', 20n],
        ['win', 40n],
      ],
    );
  });

  test("a win counts its round's bets of earlier requests from their rows, without one rolled back since", async () => {
    const player = uid('a');
    await fund(s, player, 50n);
    await grantOk(s, player, { amount: 100 });
    const round = uid('round');
    const request = (actions: unknown[]) =>
      processCall(s.url, { user_id: player, currency: 'USD', game: 'demo:starburst', game_id: round, actions });
    const second = uid('b');
    // 60 = 50 cash + 10 bonus; then 40 of bonus, rolled back in a request of its own
    assert.equal((await request([{ action: 'bet', action_id: uid('b'), amount: 60 }])).status, 200);
    assert.equal((await request([{ action: 'bet', action_id: second, amount: 40 }])).status, 200);
    const back = await request([{ action: 'rollback', action_id: uid('r'), original_action_id: second }]);
    assert.equal(back.status, 200, back.text);
    const win = await request([{ action: 'win', action_id: uid('w'), amount: 120 }]);
    assert.equal(win.status, 200, win.text);
    // stakes standing: 50 cash + 10 bonus → bonus part floor(120 × 10 / 60) = 20, cash 100
    const w = await wallet(s, player);
    assert.deepEqual([w.balances.USD, w.bonus_balances.USD], [100, 110]);
    assert.equal((await bonuses(s, player))[0].wagered, 60, "the rolled-back bet's contribution came back");
  });

  test('without a game_id the request is the round: its win follows its own stakes', async () => {
    const player = uid('a');
    await fund(s, player, 30n);
    await grantOk(s, player, { amount: 100 });
    const r = await processCall(s.url, {
      user_id: player,
      currency: 'USD',
      game: 'demo:starburst',
      actions: [
        { action: 'bet', action_id: uid('b'), amount: 50 },
        { action: 'win', action_id: uid('w'), amount: 100 },
      ],
    });
    assert.equal(r.status, 200, r.text);
    const w = await wallet(s, player);
    // stake 30 cash + 20 bonus: the win's bonus part is floor(100 × 20 / 50) = 40
    assert.deepEqual([w.balances.USD, w.bonus_balances.USD], [60, 120]);
  });

  test('a stake above max_bet is refused with code 101 and nothing is applied; cash + bonus < stake is code 100', async () => {
    const player = uid('a');
    await fund(s, player, 10n);
    await grantOk(s, player, { amount: 100, max_bet: 40 });
    const big = await play(player, [{ action: 'bet', action_id: uid('b'), amount: 41 }]);
    assert.equal(big.status, 400);
    assert.deepEqual(big.json, { code: 101, message: 'Bet exceeds the maximum bet allowed while a bonus is wagered' });
    // 40 + 40 + 40 > 10 cash + 100 bonus: the third bet fails, and with it the whole request.
    const poor = await play(
      player,
      [40, 40, 40].map((amount) => ({ action: 'bet', action_id: uid('b'), amount })),
    );
    assert.equal(poor.status, 400);
    assert.equal(poor.json.code, 100);
    const w = await wallet(s, player);
    assert.deepEqual([w.balances.USD, w.bonus_balances.USD], [10, 100]);
    assert.equal((await bonuses(s, player))[0].wagered, 0);
  });

  test('reaching the requirement converts min(balance, max_conversion) to cash, the rest to the pool, in the same request', async () => {
    const player = uid('a');
    await grantOk(s, player, { amount: 100, wagering_multiplier: 1, max_conversion: 30 });
    const round = uid('round');
    const r = await processCall(s.url, {
      user_id: player,
      currency: 'USD',
      game: 'demo:starburst',
      game_id: round,
      actions: [
        { action: 'bet', action_id: uid('b'), amount: 50 },
        { action: 'win', action_id: uid('w'), amount: 80 },
        { action: 'bet', action_id: uid('b'), amount: 50 },
      ],
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.balance, 30);
    const [b] = await bonuses(s, player);
    assert.deepEqual([b.status, b.wagered, b.percent, b.bonus_balance], ['converted', 100, 100, 0]);
    const w = await wallet(s, player);
    assert.deepEqual([w.balances.USD, w.bonus_balances.USD], [30, 0]);
  });

  test('table games count 10 %, live 0 %, unregistered games 0 %; a rollback takes the contribution back', async () => {
    const player = uid('a');
    await grantOk(s, player, { amount: 1000 });
    const bet = uid('b');
    await play(player, [{ action: 'bet', action_id: uid('b'), amount: 55 }], { game: 'demo:blackjack' });
    await play(player, [{ action: 'bet', action_id: uid('b'), amount: 50 }], { game: 'demo:roulette-live' });
    await play(player, [{ action: 'bet', action_id: uid('b'), amount: 50 }], { game: 'nobody:nothing' });
    await play(player, [{ action: 'bet', action_id: bet, amount: 70 }]);
    assert.equal((await bonuses(s, player))[0].wagered, 5 + 70);
    const back = await play(player, [{ action: 'rollback', action_id: uid('r'), original_action_id: bet }]);
    assert.equal(back.status, 200, back.text);
    assert.equal((await bonuses(s, player))[0].wagered, 5);
    assert.equal((await wallet(s, player)).bonus_balances.USD, 1000 - 55 - 50 - 50);
  });

  test("a win paid to the bonus account stores no split; its rollback in a later request takes each part back from its row's count", async () => {
    const player = uid('a');
    await fund(s, player, 30n);
    await grantOk(s, player, { amount: 100 });
    const round = uid('round');
    const win = uid('w');
    const request = (actions: unknown[]) =>
      processCall(s.url, { user_id: player, currency: 'USD', game: 'demo:starburst', game_id: round, actions });
    // stake 50 = 30 cash + 20 bonus; win 101 → bonus 40 to the bonus account, cash 61
    assert.equal((await request([{ action: 'bet', action_id: uid('b'), amount: 50 }])).status, 200);
    const paid = await request([{ action: 'win', action_id: win, amount: 101 }]);
    assert.equal(paid.status, 200, paid.text);
    const [{ tx_id }] = await s.ctx.sql<
      { tx_id: string }[]
    >`select tx_id from aggregator_actions where action_id = ${win}`;
    const stored = await s.ctx.sql`select 1 from bonus_plays where transfer_id = ${tx_id}`;
    assert.equal(stored.length, 0, 'the win is not stored as a split');
    const back = await request([{ action: 'rollback', action_id: uid('r'), original_action_id: win }]);
    assert.equal(back.status, 200, back.text);
    assert.equal(back.json.balance, 80, 'cash 0 + bonus 80 again');
    const w = await wallet(s, player);
    assert.deepEqual([w.balances.USD, w.bonus_balances.USD], [0, 80]);
    const kinds = await s.ctx.sql<{ kind: string; amount_minor: bigint }[]>`
      select kind, amount_minor from transfers where reverses_id = ${tx_id} order by kind`;
    assert.deepEqual(
      kinds.map((k) => `${k.kind}:${k.amount_minor}`),
      ['bonus_rollback:40', 'rollback:61'],
    );
    const rows = await s.ctx.sql<{ action: string; bonus_minor: bigint }[]>`
      select action, bonus_minor from aggregator_actions where user_id = ${player} and action <> 'bet' order by action`;
    assert.deepEqual(
      rows.map((r) => [r.action, r.bonus_minor]),
      [
        ['rollback', 40n],
        ['win', 40n],
      ],
    );
  });

  test('10 concurrent slot bets of 50 on a 100 bonus at 10×: wagered exactly 500; the same bet sent 3× counts once', async () => {
    const player = uid('a');
    await fund(s, player, 400n);
    await grantOk(s, player, { amount: 100, wagering_multiplier: 10 });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => play(player, [{ action: 'bet', action_id: uid('b'), amount: 50 }])),
    );
    for (const a of answers) assert.equal(a.status, 200, a.text);
    const [b] = await bonuses(s, player);
    assert.deepEqual([b.wagered, b.bonus_balance, b.status], [500, 0, 'active']);
    const again = uid('a');
    await grantOk(s, again, { amount: 100 });
    const same = {
      user_id: again,
      currency: 'USD',
      game: 'demo:starburst',
      game_id: 'r',
      actions: [{ action: 'bet', action_id: uid('same'), amount: 20 }],
    };
    const three = await Promise.all([processCall(s.url, same), processCall(s.url, same), processCall(s.url, same)]);
    for (const a of three) assert.equal(a.status, 200, a.text);
    assert.equal((await bonuses(s, again))[0].wagered, 20);
    assert.equal((await wallet(s, again)).bonus_balances.USD, 80);
  });

  test('a bet after expires_at never uses the bonus: it expires first, its balance returns to the pool', async () => {
    const player = uid('a');
    await fund(s, player, 10n);
    const b = await grantOk(s, player, { amount: 100, expires_at: new Date(Date.now() + 1500).toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const r = await play(player, [{ action: 'bet', action_id: uid('b'), amount: 20 }]);
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 100);
    const ok = await play(player, [{ action: 'bet', action_id: uid('b'), amount: 10 }]);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.balance, 0);
    const [after] = await bonuses(s, player);
    assert.deepEqual([after.bonusId, after.status], [b.bonusId, 'expired']);
    assert.equal((await wallet(s, player)).bonus_balances.USD, 0);
  });
});

describe('casino callbacks with a bonus', () => {
  test('debit splits cash then bonus, balance is cash + bonus, max_bet is BONUS_MAX_BET, credit follows the round', async () => {
    const p = await newPlayer(s, 20n, '1');
    await grantOk(s, p.user, { amount: 100, max_bet: 60 });
    const balance = await casino(s.url, '/casino/getBalance', p.base);
    assert.equal(balance.json.balance, 120);
    const round = uid('round');
    const big = await casino(s.url, '/casino/debit', {
      ...p.base,
      externalTransactionId: uid('d'),
      roundId: round,
      amount: 61,
    });
    assert.equal(big.status, 400);
    assert.equal(big.json.code, 'BONUS_MAX_BET');
    const d = await casino(s.url, '/casino/debit', {
      ...p.base,
      externalTransactionId: uid('d'),
      roundId: round,
      amount: 60,
    });
    assert.equal(d.status, 200, d.text);
    assert.equal(d.json.balance, 60);
    const c = await casino(s.url, '/casino/credit', {
      ...p.base,
      externalTransactionId: uid('c'),
      roundId: round,
      amount: 30,
    });
    assert.equal(c.status, 200, c.text);
    // bonus part floor(30 × 40 / 60) = 20, cash 10
    const w = await wallet(s, p.user);
    assert.deepEqual([w.balances.USD, w.bonus_balances.USD], [10, 80]);
    const [b] = await bonuses(s, p.user);
    assert.equal(b.wagered, 60);
  });

  test('a rolled-back debit returns each part to where it came from and takes back its contribution', async () => {
    const p = await newPlayer(s, 20n, '1');
    await grantOk(s, p.user, { amount: 100 });
    const id = uid('d');
    await casino(s.url, '/casino/debit', { ...p.base, externalTransactionId: id, roundId: uid('round'), amount: 50 });
    const r = await casino(s.url, '/casino/rollback', {
      ...p.base,
      externalTransactionId: uid('rb'),
      originalTransactionId: id,
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.balance, 120);
    const w = await wallet(s, p.user);
    assert.deepEqual([w.balances.USD, w.bonus_balances.USD], [20, 100]);
    assert.equal((await bonuses(s, p.user))[0].wagered, 0);
    // The debit counted 30 of bonus money; its rollback counts the same 30 back.
    const rows = await s.ctx.sql<{ kind: string; bonus_minor: bigint }[]>`
      select kind, bonus_minor from seamless_transactions where user_id = ${p.user} order by created_at, kind`;
    assert.deepEqual(
      rows.map((r) => [r.kind, r.bonus_minor]),
      [
        ['debit', 30n],
        ['rollback', 30n],
      ],
    );
  });
});

describe('splits', () => {
  test('every split names a grant of its player and currency, and its transfer (no foreign keys: the participant keeps them)', async () => {
    const [orphans] = await s.ctx.sql<{ grants: number; transfers: number; splits: number }[]>`
      select count(*) filter (where b.id is null or b.player <> p.player or b.asset <> p.currency)::int as grants,
             count(*) filter (where t.id is null)::int as transfers, count(*)::int as splits
      from bonus_plays p left join bonuses b on b.id = p.bonus_id left join transfers t on t.id = p.transfer_id`;
    assert.deepEqual([orphans.grants, orphans.transfers], [0, 0]);
    assert.deepEqual(
      (await s.ctx.sql`select kind from bonus_plays where kind <> 'win'`).length,
      0,
      "a bet's split is on its protocol row, never a split row",
    );
  });

  test('every bet staked with a bonus names a grant of its player and currency on its protocol row, and its transfer', async () => {
    const [aggregator] = await s.ctx.sql<{ grants: number; transfers: number; bets: number }[]>`
      select count(*) filter (where b.id is null or b.player <> a.user_id or b.asset <> a.currency)::int as grants,
             count(*) filter (where not exists (
               select 1 from transfers t where t.id = a.tx_id and t.kind in ('bet', 'bonus_bet')))::int as transfers,
             count(*)::int as bets
      from aggregator_actions a left join bonuses b on b.id = a.bonus_id where a.bonus_id is not null`;
    assert.ok(aggregator.bets > 10, `${aggregator.bets} bonus bets written by the tests above`);
    assert.deepEqual([aggregator.grants, aggregator.transfers], [0, 0]);
    const [casino] = await s.ctx.sql<{ grants: number; debits: number }[]>`
      select count(*) filter (where b.id is null or b.player <> t.user_id or b.asset <> t.currency)::int as grants,
             count(*)::int as debits
      from seamless_transactions t left join bonuses b on b.id = t.bonus_id where t.bonus_id is not null`;
    assert.ok(casino.debits >= 1, `${casino.debits} bonus debits written by the tests above`);
    assert.equal(casino.grants, 0);
  });
});
