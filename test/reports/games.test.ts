import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Sql, TransactionSql } from '../../src/db/sql.ts';
import {
  planGames,
  readGames,
  validPlans,
  type GameRow,
  type GamesPlan,
  type GamesQuery,
  type GroupField,
} from '../../src/reports/games-store.ts';
import { foldDays } from '../../src/reports/fold.ts';
import { rtpOf } from '../../src/reports/games.ts';
import { windowBounds, type EdgeChoice } from '../../src/reports/edges.ts';
import { foldPendingRollups } from '../../src/reports/pending.ts';
import { CASINO_PROVIDER } from '../../src/reports/limits.ts';
import { BUILT_IN_PROVIDER } from '../../src/seamless/types.ts';
import { fundPlayer } from '../../src/ledger/seed.ts';
import { playerAccount, systemAccount } from '../../src/ledger/types.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { ADMIN, assertLedgerVerifies, batch, processCall, uid, type Action } from '../aggregator/helpers.ts';
import { casino, launch } from '../seamless/helpers.ts';

/**
 * Game reports (SPEC §6) over both surfaces: definitions on a hand-made scenario, validation, then every
 * grouping against a brute force over aggregator_actions and seamless_transactions for random workloads
 * (rollbacks, pre-rollbacks, data spread over many hours and days by whole-hour time travel), windows
 * cutting hours and days, every forced way of reading the partial hours, a non-UTC session zone, sums
 * beyond 2^53 − 1, and NGR with bonus conversions.
 */
let server: TestServer;
let base: string;
const HOUR_MS = 3_600_000;

before(async () => {
  server = await startTestServer();
  base = server.url;
});
after(async () => server.close());

function qs(params: Record<string, string | number | undefined>): string {
  return new URLSearchParams(
    Object.entries(params)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  ).toString();
}

const games = (params: Record<string, string | number | undefined>, headers = ADMIN) =>
  call(base, 'GET', `/v1/reports/games?${qs(params)}`, undefined, headers);
const ngr = (params: Record<string, string | number | undefined>) =>
  call(base, 'GET', `/v1/reports/ngr?${qs(params)}`, undefined, ADMIN);

async function send(user_id: string, actions: Action[], currency = 'USD', game = 'acme:slot') {
  const r = await processCall(base, { ...batch(user_id, actions), currency, game });
  assert.equal(r.status, 200, r.text);
}

/** A casino player with `amount_minor` USD and a session on built-in game `game`. */
async function casinoPlayer(amount_minor: bigint, game = '1') {
  const user = uid('c');
  await fundPlayer(server.ctx, playerAccount(user, 'USD'), amount_minor, `fund-${user}`);
  const token = await launch(base, user, game);
  const body = { sessionToken: token, userId: user, currency: 'USD' };
  const money = async (kind: 'debit' | 'credit', round: string, amount: number) => {
    const id = uid(kind);
    const r = await casino(base, `/casino/${kind}`, { ...body, externalTransactionId: id, roundId: round, amount });
    assert.equal(r.status, 200, r.text);
    return id;
  };
  const rollback = async (original: string) => {
    const r = await casino(base, '/casino/rollback', {
      ...body,
      externalTransactionId: uid('rb'),
      originalTransactionId: original,
    });
    assert.equal(r.status, 200, r.text);
  };
  return { user, game, money, rollback };
}

/** Everything processed so far, inside [now - 1 h, now + 1 h). */
function around(): { from: string; to: string } {
  return { from: new Date(Date.now() - HOUR_MS).toISOString(), to: new Date(Date.now() + HOUR_MS).toISOString() };
}

/** Moves every action of both surfaces `hours` into the past; whole hours keep each action in its rollup bucket. */
async function travel(hours: number): Promise<void> {
  const far = 10_000_000;
  await server.db.sql.begin(async (tx) => {
    // Pending rollup events (migration 046) join their hour rows first: only hour rows are moved.
    await tx`select game_rollups_fold_pending(true)`;
    await tx`update aggregator_actions set created_at = created_at - make_interval(hours => ${hours})`;
    await tx`update seamless_transactions set created_at = created_at - make_interval(hours => ${hours})`;
    // In two steps: a direct shift could collide with a not-yet-moved row's primary key on the way.
    await tx`update game_rollups set hour_start = hour_start - make_interval(hours => ${far}) where hour_start > '2010-01-01'`;
    await tx`update game_rollups set hour_start = hour_start + make_interval(hours => ${far - hours}) where hour_start < '2010-01-01'`;
  });
}

test('the casino rows are booked under the built-in provider', () => {
  assert.equal(CASINO_PROVIDER, BUILT_IN_PROVIDER);
});

test('rtp is wins / bets rounded half-up to 4 decimals, computed in integers; null without bets', () => {
  assert.equal(rtpOf(0n, 0n), null);
  assert.equal(rtpOf(1n, 3n), 0.3333);
  assert.equal(rtpOf(2n, 3n), 0.6667);
  assert.equal(rtpOf(1n, 20_000n), 0.0001); // 0.00005 exactly: half rounds up
  assert.equal(rtpOf(1n, 20_001n), 0);
  assert.equal(rtpOf(10_150n, 100n), 101.5);
  const big = 2n ** 62n;
  assert.equal(rtpOf(big + 1n, big), 1);
  assert.equal(rtpOf(big, 3n * big), 0.3333);
});

describe('definitions on a hand-made scenario of both surfaces', () => {
  const alice = uid('alice');
  let carol: Awaited<ReturnType<typeof casinoPlayer>>;

  before(async () => {
    await send(alice, [{ action: 'win', action_id: uid('fund'), amount: 10_000 }], 'USD', 'acme:fund');
    const [b2, w2, late] = [uid('b2'), uid('w2'), uid('late')];
    await send(alice, [
      { action: 'bet', action_id: uid('b1'), amount: 100 },
      { action: 'bet', action_id: b2, amount: 200 },
      { action: 'win', action_id: uid('w1'), amount: 150 },
      { action: 'win', action_id: w2, amount: 50 },
    ]);
    await send(alice, [
      { action: 'rollback', action_id: uid('rb'), original_action_id: b2 },
      { action: 'rollback', action_id: uid('rb'), original_action_id: w2 },
    ]);
    // A pre-rollback, then its late original: counted nowhere.
    await send(alice, [
      { action: 'rollback', action_id: uid('rb'), original_action_id: late },
      { action: 'bet', action_id: late, amount: 70 },
    ]);
    await send(
      alice,
      [
        { action: 'win', action_id: uid('w'), amount: 60 },
        { action: 'bet', action_id: uid('b'), amount: 40 },
      ],
      'EUR',
      'nogame',
    );
    carol = await casinoPlayer(5_000n, '2');
    const d1 = await carol.money('debit', 'r1', 300);
    await carol.money('credit', 'r1', 0);
    await carol.money('debit', 'r2', 500);
    await carol.money('credit', 'r2', 900);
    await carol.rollback(d1);
  });

  test('per provider and game: live bets and wins only, bet_count, ggr, rtp, bonus parts 0', async () => {
    const r = await games({ ...around(), group_by: 'game', player: alice });
    assert.equal(r.status, 200, r.text);
    const zero = { bonus_bets: 0, bonus_wins: 0 };
    assert.deepEqual(r.json.data, [
      {
        provider: 'acme',
        game: 'fund',
        currency: 'USD',
        bet_count: 0,
        bets: 0,
        wins: 10_000,
        ...zero,
        ggr: -10_000,
        rtp: null,
      },
      {
        provider: 'acme',
        game: 'slot',
        currency: 'USD',
        bet_count: 1,
        bets: 100,
        wins: 150,
        ...zero,
        ggr: -50,
        rtp: 1.5,
      },
      {
        provider: 'default',
        game: 'nogame',
        currency: 'EUR',
        bet_count: 1,
        bets: 40,
        wins: 60,
        ...zero,
        ggr: -20,
        rtp: 1.5,
      },
    ]);
    assert.deepEqual(r.json.totals, [
      { currency: 'EUR', bet_count: 1, bets: 40, wins: 60, ...zero, ggr: -20, rtp: 1.5 },
      { currency: 'USD', bet_count: 1, bets: 100, wins: 10_150, ...zero, ggr: -10_050, rtp: 101.5 },
    ]);
    assert.deepEqual(r.json.pagination, { page: 1, limit: 50, total: 3, total_pages: 1 });
  });

  test('casino callbacks count under the built-in provider: a rolled-back debit counts nowhere, a win of 0 lists its round', async () => {
    const r = await games({ ...around(), group_by: 'provider,game,player,day', player: carol.user });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.data, [
      {
        day: new Date().toISOString().slice(0, 10),
        provider: 'jaqpot',
        game: '2',
        player: carol.user,
        currency: 'USD',
        bet_count: 1,
        bets: 500,
        wins: 900,
        bonus_bets: 0,
        bonus_wins: 0,
        ggr: -400,
        rtp: 1.8,
      },
    ]);
    const filtered = await games({ ...around(), provider: 'jaqpot', game: '2', player: carol.user });
    assert.deepEqual(filtered.json.data, [
      { currency: 'USD', bet_count: 1, bets: 500, wins: 900, bonus_bets: 0, bonus_wins: 0, ggr: -400, rtp: 1.8 },
    ]);
    assert.deepEqual((await games({ ...around(), provider: 'acme', player: carol.user })).json.data, []);
  });

  test('a group whose only actions were rolled back is not listed', async () => {
    const bob = uid('bob');
    const b = uid('b');
    await send(bob, [{ action: 'win', action_id: uid('w'), amount: 50 }], 'USD', 'acme:fund');
    await send(bob, [{ action: 'bet', action_id: b, amount: 50 }], 'USD', 'acme:slot');
    await send(bob, [{ action: 'rollback', action_id: uid('rb'), original_action_id: b }], 'USD', 'acme:slot');
    const r = await games({ ...around(), group_by: 'game', player: bob });
    assert.deepEqual(
      r.json.data.map((row: { game: string }) => row.game),
      ['fund'],
    );
    const slot = await games({ ...around(), player: bob, game: 'slot' });
    assert.deepEqual(slot.json, { data: [], totals: [], pagination: { page: 1, limit: 50, total: 0, total_pages: 0 } });
  });

  test('NGR without conversions equals GGR; with group_by=day it names the day', async () => {
    const r = await ngr({ ...around(), group_by: 'player', player: alice, currency: 'USD' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.data, [
      {
        player: alice,
        currency: 'USD',
        bet_count: 1,
        bets: 100,
        wins: 10_150,
        bonus_bets: 0,
        bonus_wins: 0,
        ggr: -10_050,
        rtp: 101.5,
        bonus_converted: 0,
        ngr: -10_050,
      },
    ]);
  });

  test("bonus money converted to cash is NGR's bonus cost, by day and player", async () => {
    const dave = uid('dave');
    await fundPlayer(server.ctx, playerAccount(dave, 'USD', 'bonus'), 1_000n, `bonus-${dave}`);
    const outcome = await server.ctx.ledger.execute([
      {
        from: playerAccount(dave, 'USD', 'bonus'),
        to: playerAccount(dave, 'USD'),
        amount_minor: 700n,
        kind: 'bonus_convert',
      },
      {
        from: playerAccount(dave, 'USD', 'bonus'),
        to: systemAccount('treasury', 'USD'),
        amount_minor: 300n,
        kind: 'bonus_convert',
      },
    ]);
    assert.ok(outcome.ok);
    await send(dave, [
      { action: 'win', action_id: uid('w'), amount: 20 },
      { action: 'bet', action_id: uid('b'), amount: 120 },
    ]);
    const r = await ngr({ ...around(), group_by: 'day,player', player: dave });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.data, [
      {
        day: new Date().toISOString().slice(0, 10),
        player: dave,
        currency: 'USD',
        bet_count: 1,
        bets: 120,
        wins: 20,
        bonus_bets: 0,
        bonus_wins: 0,
        ggr: 100,
        rtp: 0.1667,
        bonus_converted: 700,
        ngr: -600,
      },
    ]);
    const before = await ngr({
      from: '2020-01-01T00:00:00Z',
      to: new Date(Date.now() - HOUR_MS).toISOString(),
      player: dave,
    });
    assert.deepEqual(before.json.data, []);
    await assertLedgerVerifies(server.db.sql);
  });
});

describe('validation and auth', () => {
  test('answers 401 without the operator key', async () => {
    assert.equal((await games(around(), {} as typeof ADMIN)).status, 401);
  });

  for (const [name, params, words] of [
    ['a missing from', { to: '2026-01-01T00:00:00Z' }, 'from'],
    ['a missing to', { from: '2026-01-01T00:00:00Z' }, 'to'],
    ['a from that is not a date', { from: 'yesterday', to: '2026-01-01T00:00:00Z' }, 'from'],
    ['a to before from', { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'to'],
    ['an unknown group_by field', { ...around(), group_by: 'day,country' }, 'country'],
    ['a limit above 1000', { ...around(), limit: 1001 }, 'limit'],
    ['page 0', { ...around(), page: 0 }, 'page'],
    ['an unknown currency', { ...around(), currency: 'XXX' }, 'XXX'],
  ] as const) {
    test(`refuses ${name} with a 400 naming it`, async () => {
      const r = await games(params);
      assert.equal(r.status, 400, r.text);
      assert.match(r.json.message, new RegExp(words));
    });
  }

  test('NGR groups by day or player only', async () => {
    const r = await ngr({ ...around(), group_by: 'game' });
    assert.equal(r.status, 400, r.text);
    assert.match(r.json.message, /game/);
    assert.equal((await ngr({ ...around(), group_by: 'player,day' })).status, 200);
  });
});

/** One bet or win of either surface, as stored. */
interface Played {
  ms: number;
  provider: string;
  game: string;
  player: string;
  currency: string;
  bet: boolean;
  live: boolean;
  amount: bigint;
}

async function everythingPlayed(): Promise<Played[]> {
  const aggregator = await server.db.sql`
    select created_at, game, user_id, currency, action, rolled_back, amount_minor from aggregator_actions where action <> 'rollback'`;
  const casinoRows = await server.db.sql`
    select created_at, game_id, user_id, currency, kind, rolled_back_by, amount_minor from seamless_transactions where kind in ('debit', 'credit')`;
  const split = (game: string | null) => {
    if (game === null) return { provider: 'default', game: '' };
    const i = game.indexOf(':');
    return i < 0 ? { provider: 'default', game } : { provider: game.slice(0, i), game: game.slice(i + 1) };
  };
  return [
    ...aggregator.map((a) => ({
      ms: a.created_at.getTime(),
      ...split(a.game),
      player: a.user_id,
      currency: a.currency,
      bet: a.action === 'bet',
      live: !a.rolled_back,
      amount: a.amount_minor,
    })),
    ...casinoRows.map((c) => ({
      ms: c.created_at.getTime(),
      provider: 'jaqpot',
      game: c.game_id ?? '',
      player: c.user_id,
      currency: c.currency,
      bet: c.kind === 'debit',
      live: c.rolled_back_by === null,
      amount: c.amount_minor,
    })),
  ];
}

type Sums = { bet_count: bigint; win_count: bigint; bets: bigint; wins: bigint };

/** SPEC §6 straight over every stored bet and win: live ones only, grouped by the chosen fields. */
function bruteForce(
  played: Played[],
  from_ms: number,
  to_ms: number,
  group_by: Set<GroupField>,
): Record<string, unknown>[] {
  const groups = new Map<string, { fields: Record<string, string>; sums: Sums }>();
  for (const p of played) {
    if (!p.live || p.ms < from_ms || p.ms >= to_ms) continue;
    const fields: Record<string, string> = {};
    if (group_by.has('day')) fields.day = new Date(p.ms).toISOString().slice(0, 10);
    if (group_by.has('provider') || group_by.has('game')) fields.provider = p.provider;
    if (group_by.has('game')) fields.game = p.game;
    if (group_by.has('player')) fields.player = p.player;
    fields.currency = p.currency;
    const key = JSON.stringify(fields);
    const group = groups.get(key) ?? { fields, sums: { bet_count: 0n, win_count: 0n, bets: 0n, wins: 0n } };
    if (p.bet) {
      group.sums.bet_count += 1n;
      group.sums.bets += p.amount;
    } else {
      group.sums.win_count += 1n;
      group.sums.wins += p.amount;
    }
    groups.set(key, group);
  }
  return sortRows(
    [...groups.values()].map(({ fields, sums }) => ({
      ...fields,
      bet_count: Number(sums.bet_count),
      bets: Number(sums.bets),
      wins: Number(sums.wins),
      bonus_bets: 0,
      bonus_wins: 0,
      ggr: Number(sums.bets - sums.wins),
      // Half-up to 4 places by a different route than the product's: floor(10^5·w/b), +5, /10.
      rtp: sums.bets === 0n ? null : Number(((sums.wins * 100_000n) / sums.bets + 5n) / 10n) / 10_000,
    })),
  );
}

function sortRows<T>(rows: T[]): T[] {
  const key = (r: T) => {
    const x = r as Record<string, unknown>;
    return [x.day, x.provider, x.game, x.player, x.currency].map((v) => v ?? '').join('\u0000');
  };
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The rows of a grouping added up per currency, as the totals must be. */
function addUp(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const per = new Map<string, { bet_count: number; bets: number; wins: number }>();
  for (const r of rows) {
    const t = per.get(r.currency as string) ?? { bet_count: 0, bets: 0, wins: 0 };
    t.bet_count += r.bet_count as number;
    t.bets += r.bets as number;
    t.wins += r.wins as number;
    per.set(r.currency as string, t);
  }
  return [...per.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, t]) => ({
      currency,
      bet_count: t.bet_count,
      bets: t.bets,
      wins: t.wins,
      bonus_bets: 0,
      bonus_wins: 0,
      ggr: t.bets - t.wins,
      rtp: t.bets === 0 ? null : Number(((BigInt(t.wins) * 100_000n) / BigInt(t.bets) + 5n) / 10n) / 10_000,
    }));
}

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isoWithOffset(ms: number, offset: string): string {
  if (offset === 'Z') return new Date(ms).toISOString();
  const sign = offset[0] === '-' ? -1 : 1;
  const [h, m] = offset.slice(1).split(':').map(Number);
  const local = new Date(ms + sign * (h * 60 + m) * 60_000).toISOString().slice(0, -1);
  return `${local}${offset}`;
}

const ALL_GROUPINGS: Set<GroupField>[] = Array.from(
  { length: 16 },
  (_, bits) => new Set((['day', 'provider', 'game', 'player'] as GroupField[]).filter((_, i) => bits & (1 << i))),
);

function apiRows(rows: GameRow[], group_by: Set<GroupField>): Record<string, unknown>[] {
  return sortRows(
    rows.map((r) => ({
      ...(group_by.has('day') ? { day: r.day } : {}),
      ...(group_by.has('provider') || group_by.has('game') ? { provider: r.provider } : {}),
      ...(group_by.has('game') ? { game: r.game } : {}),
      ...(group_by.has('player') ? { player: r.player } : {}),
      currency: r.currency,
      bet_count: Number(r.bet_count),
      bets: Number(r.bets_minor),
      wins: Number(r.wins_minor),
      bonus_bets: Number(r.bonus_bets_minor),
      bonus_wins: Number(r.bonus_wins_minor),
      ggr: Number(r.bets_minor - r.wins_minor),
      rtp: rtpOf(r.wins_minor, r.bets_minor),
    })),
  );
}

describe("exactness against a brute force over both surfaces' actions", () => {
  const seed = Number(process.env.REPORTS_SEED ?? Date.now() % 1_000_000);
  const rand = random(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)];
  const WIRE_GAMES = ['acme:slot', 'acme:poker', 'zeta:wheel', 'plain'];
  const players = Array.from({ length: 6 }, (_, i) => ({
    user_id: uid(`g-${i}`),
    currency: i % 3 === 0 ? 'EUR' : 'USD',
  }));
  const earlier: { user_id: string; action_id: string; game: string }[] = [];
  let casinoPlayers: Awaited<ReturnType<typeof casinoPlayer>>[] = [];
  const debits: { player: number; id: string }[] = [];

  async function aggregatorRequest(): Promise<void> {
    const player = pick(players);
    const game = pick(WIRE_GAMES);
    const actions: Action[] = [{ action: 'win', action_id: uid('w'), amount: Math.floor(rand() * 500) }];
    for (let j = 0; j < 1 + Math.floor(rand() * 3); j++)
      actions.push({ action: 'bet', action_id: uid('b'), amount: 1 + Math.floor(rand() * 100) });
    const mine = earlier.filter((e) => e.user_id === player.user_id && e.game === game);
    if (mine.length > 0 && rand() < 0.4)
      actions.push({ action: 'rollback', action_id: uid('rb'), original_action_id: pick(mine).action_id });
    if (rand() < 0.15) {
      const ahead = uid('ahead');
      actions.unshift({ action: 'rollback', action_id: uid('rb'), original_action_id: ahead });
      actions.push({ action: rand() < 0.5 ? 'bet' : 'win', action_id: ahead, amount: 1 + Math.floor(rand() * 50) });
    }
    // A generous first win keeps every bet and win rollback affordable, so no request is refused.
    await send(
      player.user_id,
      [{ action: 'win', action_id: uid('fund'), amount: 2000 }, ...actions],
      player.currency,
      game,
    );
    for (const a of actions)
      if (a.action !== 'rollback') earlier.push({ user_id: player.user_id, action_id: a.action_id, game });
  }

  async function casinoRound(): Promise<void> {
    const i = Math.floor(rand() * casinoPlayers.length);
    const p = casinoPlayers[i];
    const round = uid('round');
    debits.push({ player: i, id: await p.money('debit', round, 1 + Math.floor(rand() * 100)) });
    if (rand() < 0.7) await p.money('credit', round, Math.floor(rand() * 200));
    const standing = debits.filter((d) => d.player === i);
    if (rand() < 0.3 && standing.length > 0) {
      const d = standing.splice(Math.floor(rand() * standing.length), 1)[0];
      debits.splice(debits.indexOf(d), 1);
      await p.rollback(d.id);
    }
  }

  async function phase(requests: number): Promise<void> {
    for (let i = 0; i < requests; i++) await (rand() < 0.6 ? aggregatorRequest() : casinoRound());
  }

  before(async () => {
    casinoPlayers = [
      await casinoPlayer(1_000_000n, '1'),
      await casinoPlayer(1_000_000n, '2'),
      await casinoPlayer(1_000_000n, '1'),
    ];
    for (let p = 0; p < 6; p++) {
      await phase(14);
      await travel(1 + Math.floor(rand() * 14));
    }
    await phase(8);
  });

  test(`every grouping of random windows (hour and day cuts, zones) equals the brute force and adds up to the totals (seed ${seed})`, async () => {
    const played = await everythingPlayed();
    const times = played.map((p) => p.ms);
    const [lo, hi] = [Math.min(...times) - 2 * HOUR_MS, Math.max(...times) + 2 * HOUR_MS];
    const edge = (): number => {
      const kind = rand();
      if (kind < 0.3) return pick(times) + Math.floor(rand() * 3) - 1; // cuts through a cluster, at an action or beside it
      if (kind < 0.45) return Math.floor((lo + rand() * (hi - lo)) / HOUR_MS) * HOUR_MS; // an hour boundary
      if (kind < 0.55) return Math.floor((lo + rand() * (hi - lo)) / (24 * HOUR_MS)) * 24 * HOUR_MS; // a day boundary
      return Math.floor(lo + rand() * (hi - lo));
    };
    for (let w = 0; w < 30; w++) {
      const [a, b] = [edge(), edge()].sort((x, y) => x - y);
      const offset = pick(['Z', '+02:00', '-05:30']);
      for (const group_by of [pick(ALL_GROUPINGS), pick(ALL_GROUPINGS), new Set<GroupField>(['day', 'player'])]) {
        const label = `window ${new Date(a).toISOString()} .. ${new Date(b).toISOString()} by ${[...group_by]} (seed ${seed})`;
        const expected = bruteForce(played, a, b, group_by);
        const r = await games({
          from: isoWithOffset(a, offset),
          to: isoWithOffset(b, offset),
          group_by: [...group_by].join(','),
          limit: 1000,
        });
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(sortRows(r.json.data), expected, label);
        assert.deepEqual(r.json.totals, addUp(expected), `${label}: totals`);
        assert.equal(r.json.pagination.total, expected.length, label);
      }
      const group_by = pick(ALL_GROUPINGS);
      const expected = bruteForce(played, a, b, group_by);
      for (const first of [false, true]) {
        for (const last of [false, true]) {
          const forced = await readGames(server.db.sql, {
            from: new Date(a).toISOString(),
            to: new Date(b).toISOString(),
            group_by,
            currency: null,
            provider: null,
            game: null,
            player: null,
            limit: 1000,
            offset: 0,
            complement: { first, last },
            conversions: false,
          });
          assert.deepEqual(
            apiRows(forced.rows, group_by),
            expected,
            `window ${a}..${b} by ${[...group_by]}, complement first ${first} last ${last} (seed ${seed})`,
          );
        }
      }
    }
  });

  test("filters by provider, game and player select the brute force's rows; pages concatenate to the whole list", async () => {
    const played = await everythingPlayed();
    const [a, b] = [Math.min(...played.map((p) => p.ms)), Date.now() + HOUR_MS];
    const all = bruteForce(played, a, b, new Set(['provider', 'game', 'player', 'day']));
    const from = new Date(a).toISOString();
    const to = new Date(b).toISOString();
    for (const [provider, game] of [
      ['acme', 'slot'],
      ['jaqpot', '1'],
      ['default', 'plain'],
    ]) {
      const r = await games({ from, to, group_by: 'day,provider,game,player', provider, game, limit: 1000 });
      assert.deepEqual(
        sortRows(r.json.data),
        all.filter((x) => x.provider === provider && x.game === game),
      );
    }
    const player = players[0].user_id;
    const mine = await games({ from, to, group_by: 'day,provider,game,player', player, limit: 1000 });
    assert.deepEqual(
      sortRows(mine.json.data),
      all.filter((x) => x.player === player),
    );
    const full = await games({ from, to, group_by: 'day,provider,game,player', limit: 1000 });
    assert.equal(full.json.pagination.total, all.length);
    const paged: unknown[] = [];
    for (let page = 1; page <= Math.ceil(all.length / 7); page++) {
      const r = await games({ from, to, group_by: 'day,provider,game,player', limit: 7, page });
      assert.deepEqual(r.json.totals, full.json.totals);
      paged.push(...r.json.data);
    }
    assert.deepEqual(paged, full.json.data);
    assert.ok(all.length > 20, `${all.length} rows`);
  });

  test('days are UTC days and windows are exact under a non-UTC database session time zone', async () => {
    const played = await everythingPlayed();
    const times = played.map((p) => p.ms);
    for (let w = 0; w < 6; w++) {
      const [a, b] = [pick(times) + 1, pick(times) - 1].sort((x, y) => x - y);
      const group_by = new Set<GroupField>(['day', 'game']);
      const forced = await server.db.sql.begin(async (tx) => {
        await tx`set local timezone = 'Pacific/Chatham'`; // +13:45: neither a whole hour nor the UTC day
        return readGames(tx, {
          from: new Date(a).toISOString(),
          to: new Date(b).toISOString(),
          group_by,
          currency: null,
          provider: null,
          game: null,
          player: null,
          limit: 1000,
          offset: 0,
          complement: { first: rand() < 0.5, last: rand() < 0.5 },
          conversions: false,
        });
      });
      assert.deepEqual(apiRows(forced.rows, group_by), bruteForce(played, a, b, group_by), `seed ${seed}`);
    }
  });

  test('every rollup row holds the live counts and sums of its hour', async () => {
    const played = await everythingPlayed();
    const rollups = await server.db.sql`
      select hour_start, provider, game, player, currency, bet_count, win_count, bets_minor, wins_minor from game_rollups
      where hour_start > '2010-01-01' and (bet_count <> 0 or win_count <> 0)`;
    const expected = new Map<string, Sums>();
    for (const p of played.filter((x) => x.live)) {
      const key = [Math.floor(p.ms / HOUR_MS) * HOUR_MS, p.provider, p.game, p.player, p.currency].join('|');
      const s = expected.get(key) ?? { bet_count: 0n, win_count: 0n, bets: 0n, wins: 0n };
      if (p.bet) {
        s.bet_count += 1n;
        s.bets += p.amount;
      } else {
        s.win_count += 1n;
        s.wins += p.amount;
      }
      expected.set(key, s);
    }
    assert.equal(rollups.length, expected.size);
    for (const r of rollups) {
      const e = expected.get([r.hour_start.getTime(), r.provider, r.game, r.player, r.currency].join('|'));
      assert.deepEqual(
        [r.bet_count, r.win_count, r.bets_minor, r.wins_minor],
        e && [e.bet_count, e.win_count, e.bets, e.wins],
      );
    }
  });

  test('migration 041 counts the live wins of existing rollup rows exactly as the hot path does', async () => {
    const read = () =>
      server.db.sql`select * from game_rollups order by player, currency, hour_start, surface, provider, game`;
    const before = await read();
    assert.ok(
      before.some((r) => r.win_count > 0n && r.surface === 'casino') &&
        before.some((r) => r.win_count > 0n && r.surface === 'aggregator'),
    );
    const migration = fs.readFileSync(new URL('../../migrations/041_game_reports.sql', import.meta.url), 'utf8');
    const backfill = migration.slice(migration.indexOf('update game_rollups'), migration.indexOf('create index'));
    await server.db.sql.begin(async (tx) => {
      await tx`update game_rollups set win_count = 0`;
      await tx`set local timezone = 'Asia/Kolkata'`;
      await tx.unsafe(backfill);
    });
    assert.deepEqual(await read(), before);
  });

  test('the ledger verifies after the random workload', async () => {
    await assertLedgerVerifies(server.db.sql);
  });

  // Whole UTC days from the daily rollups (migration 045): the same workload, spread further.

  const DAY_MS = 24 * HOUR_MS;

  /** Reads one window with a forced plan; the rows in the API's shape, plus totals and the row count. */
  async function readPlanned(
    a: number,
    b: number,
    group_by: Set<GroupField>,
    plan: GamesPlan,
    extra: Partial<GamesQuery> = {},
  ) {
    const r = await readGames(server.db.sql, {
      from: new Date(a).toISOString(),
      to: new Date(b).toISOString(),
      group_by,
      currency: null,
      provider: null,
      game: null,
      player: null,
      limit: 1000,
      offset: 0,
      complement: { first: rand() < 0.5, last: rand() < 0.5 },
      conversions: false,
      ...extra,
      plan,
    });
    return { rows: apiRows(r.rows, group_by), totals: apiRows(r.totals, new Set()), total_rows: Number(r.total_rows) };
  }

  test(`whole UTC days from the daily rollups: every valid plan of every grouping equals the brute force, windows across midnights (seed ${seed})`, async () => {
    // More play, moved back by more than half a day each time: the data spans several UTC days, and
    // rollbacks reach actions of earlier days (the day rows of the original's day lose them).
    for (let p = 0; p < 4; p++) {
      await travel(13 + Math.floor(rand() * 24));
      await phase(10);
    }
    const played = await everythingPlayed();
    const times = played.map((p) => p.ms);
    const first_day = Math.floor(Math.min(...times) / DAY_MS) * DAY_MS;
    const days = Math.floor(Math.max(...times) / DAY_MS) - first_day / DAY_MS + 1;
    assert.ok(days >= 3, `data spans ${days} UTC days`);
    const day = () => first_day + Math.floor(rand() * days) * DAY_MS;
    const hours = (n: number) => Math.floor(rand() * n) * HOUR_MS;
    const windows: [string, number, number][] = [['everything', first_day - DAY_MS, first_day + (days + 1) * DAY_MS]];
    for (let i = 0; i < 4; i++) {
      const a = day();
      windows.push(['whole days', a, a + (1 + Math.floor(rand() * 3)) * DAY_MS]);
      const midnight = day() + DAY_MS;
      windows.push(['whole hours across a midnight', midnight - hours(24) - HOUR_MS, midnight + hours(24) + HOUR_MS]);
      const b = day();
      windows.push(['partial days around whole days', b + hours(23) + HOUR_MS, b + 2 * DAY_MS + hours(24)]);
      const c = pick(times);
      windows.push([
        'cut mid-hour, across days',
        c - Math.floor(rand() * 2 * DAY_MS),
        c + 1 + Math.floor(rand() * 2 * DAY_MS),
      ]);
      const d = day() + hours(12);
      windows.push(['inside one day', d, d + hours(12) + Math.floor(rand() * HOUR_MS)]);
    }
    let compared = 0;
    // No day folded yet (every plan reads hours), the two oldest days folded, every day that is over folded.
    for (const [state, fold_max] of [
      ['no day folded', 0],
      ['the oldest days folded', 2],
      ['every day that is over folded', 1000],
    ] as const) {
      if (fold_max > 0) await server.db.sql`select game_rollups_fold(now() - interval '2 hours', ${fold_max})`;
      const [{ folded }] = await server.db.sql`select count(*)::int as folded from game_rollups_folded_days`;
      assert.ok(fold_max === 0 ? folded === 0 : folded >= Math.min(fold_max, 2), `${state}: ${folded} days folded`);
      for (const [kind, a, b] of windows) {
        for (const group_by of ALL_GROUPINGS) {
          const expected = bruteForce(played, a, b, group_by);
          for (const plan of validPlans({ group_by, provider: null, game: null, player: null, conversions: false })) {
            const label = `${state}, ${kind} ${new Date(a).toISOString()} .. ${new Date(b).toISOString()} by ${[...group_by]}, plan ${JSON.stringify(plan)} (seed ${seed})`;
            const got = await readPlanned(a, b, group_by, plan);
            assert.deepEqual(got.rows, expected, label);
            assert.deepEqual(got.totals, addUp(expected), `${label}: totals`);
            assert.equal(got.total_rows, expected.length, `${label}: row count`);
            compared += 1;
          }
        }
        // NGR (conversions: never paged) in EUR, where no bonus was converted: the same rows as GGR.
        for (const group_by of [
          new Set<GroupField>(['day']),
          new Set<GroupField>(['player']),
          new Set<GroupField>(['day', 'player']),
        ]) {
          const expected = bruteForce(played, a, b, group_by).filter((r) => r.currency === 'EUR');
          for (const plan of validPlans({ group_by, provider: null, game: null, player: null, conversions: true })) {
            const got = await readPlanned(a, b, group_by, plan, { conversions: true, currency: 'EUR' });
            assert.deepEqual(
              got.rows,
              expected,
              `${state}, NGR ${kind} by ${[...group_by]}, plan ${JSON.stringify(plan)} (seed ${seed})`,
            );
          }
        }
      }
    }
    assert.ok(compared > 3000, `${compared} comparisons`);
  });

  test('the plans: the smallest daily rollup that keeps the fields, paged when its key is the grouping; a player filter reads hours', () => {
    const plan = (fields: GroupField[], extra: Partial<GamesQuery> = {}) =>
      planGames({ group_by: new Set(fields), provider: null, game: null, player: null, conversions: false, ...extra });
    assert.deepEqual(plan(['day', 'provider', 'game', 'player']), { days: 'game_rollups_daily', paged: true });
    assert.deepEqual(plan(['game', 'player', 'day']), { days: 'game_rollups_daily', paged: true });
    assert.deepEqual(plan(['provider', 'player', 'day']), { days: 'game_rollups_daily', paged: false });
    assert.deepEqual(plan(['player']), { days: 'game_rollups_daily_players', paged: false });
    assert.deepEqual(plan(['day', 'player']), { days: 'game_rollups_daily_players', paged: true });
    assert.deepEqual(plan(['day', 'player'], { conversions: true }), {
      days: 'game_rollups_daily_players',
      paged: false,
    });
    assert.deepEqual(plan(['player'], { game: 'slot' }), { days: 'game_rollups_daily', paged: false });
    assert.deepEqual(plan([]), { days: 'game_rollups_daily_games', paged: false });
    assert.deepEqual(plan(['day', 'game']), { days: 'game_rollups_daily_games', paged: true });
    assert.deepEqual(plan(['day', 'provider']), { days: 'game_rollups_daily_games', paged: false });
    assert.deepEqual(plan(['day', 'game'], { player: 'x' }), { days: null, paged: false });
  });

  test('paged plans: pages across partial days and whole days concatenate to the brute force, with the same totals and count', async () => {
    const played = await everythingPlayed();
    const times = played.map((p) => p.ms);
    const first_day = Math.floor(Math.min(...times) / DAY_MS) * DAY_MS;
    // From 13:00 of the first day to 07:21:05.5 three days later: a partial first day, two whole days, a partial last day.
    const [a, b] = [first_day + 13 * HOUR_MS, first_day + 3 * DAY_MS + 7 * HOUR_MS + 1_265_500];
    // Every whole day folded, then the middle one taken off the list (a write to one of its hours): its
    // rows come from hours, between the day rows of the days around it.
    for (const state of ['every day folded', 'the middle day not folded']) {
      if (state === 'every day folded') await server.db.sql`select game_rollups_fold(now() - interval '2 hours', null)`;
      else {
        // One of the two whole days with play (a random gap between phases can leave one of them empty).
        let middle = '';
        let touched = 0;
        for (const k of [2, 1]) {
          middle = new Date(first_day + k * DAY_MS).toISOString().slice(0, 10);
          touched = (
            await server.db.sql`
            update game_rollups set actions = actions
            where hour_start = (select min(hour_start) from game_rollups where timezone('UTC', hour_start)::date = ${middle}::date)`
          ).count;
          if (touched > 0) break;
        }
        assert.ok(touched > 0, `hour rows on one of the window's whole days (seed ${seed})`);
        const [{ listed }] = await server.db.sql`
          select count(*)::int as listed from game_rollups_folded_days where day = ${middle}::date`;
        assert.equal(listed, 0);
      }
      for (const [fields, extra] of [
        [['day', 'provider', 'game', 'player'], {}],
        [['day', 'game', 'player'], { provider: 'acme' }],
        [['day', 'game'], { currency: 'USD' }],
        [['day', 'player'], {}],
      ] as [GroupField[], Partial<GamesQuery>][]) {
        const group_by = new Set(fields);
        const expected = bruteForce(played, a, b, group_by).filter(
          (r) =>
            (!extra.provider || r.provider === extra.provider) && (!extra.currency || r.currency === extra.currency),
        );
        // More than one page of 4; random play can leave a filtered grouping with only a handful of rows.
        assert.ok(expected.length > 4, `${expected.length} rows by ${fields} (seed ${seed})`);
        const plan = planGames({ group_by, provider: null, game: null, player: null, conversions: false, ...extra });
        assert.equal(plan.paged, true, `${fields} is paged`);
        const pages: unknown[] = [];
        for (let offset = 0; offset < expected.length; offset += 4) {
          const page = await readPlanned(a, b, group_by, plan, { ...extra, limit: 4, offset });
          assert.deepEqual(
            page.totals,
            addUp(expected),
            `${fields} ${JSON.stringify(extra)} totals at offset ${offset}`,
          );
          assert.equal(page.total_rows, expected.length);
          pages.push(...page.rows);
        }
        assert.deepEqual(pages, expected, `${fields} ${JSON.stringify(extra)} ${state} (seed ${seed})`);
        const beyond = await readPlanned(a, b, group_by, plan, { ...extra, limit: 4, offset: expected.length });
        assert.deepEqual([beyond.rows, beyond.total_rows], [[], expected.length]);
      }
    }
  });

  /** On every folded day, the three daily rollups are what game_rollups says (rows with a nonzero sum or count). */
  async function assertDailyFollowsHourly(
    label: string,
    sql: Sql | TransactionSql = server.db.sql,
    some = true,
  ): Promise<void> {
    const columns = ['bet_count', 'win_count', 'bets_minor', 'wins_minor', 'bonus_bets_minor', 'bonus_wins_minor'];
    const summed = columns.map((c) => `sum(${c})::bigint as ${c}`).join(', ');
    const nonzero = columns.map((c) => `${c} <> 0`).join(' or ');
    // The finest groups of each UTC day, from the hour rows.
    const fine = `select timezone('UTC', hour_start)::date as day, provider, game, player, currency, ${summed}
                  from game_rollups where timezone('UTC', hour_start)::date in (select day from game_rollups_folded_days)
                  group by 1, 2, 3, 4, 5`;
    for (const [table, key, want] of [
      ['game_rollups_daily', 'day, provider, game, player, currency', `select * from (${fine}) f where ${nonzero}`],
      [
        'game_rollups_daily_games',
        'day, provider, game, currency',
        `select * from (select day, provider, game, currency, count(*) filter (where bet_count + win_count > 0) as groups, ${summed}
                        from (${fine}) f group by 1, 2, 3, 4) g where groups <> 0 or ${nonzero}`,
      ],
      [
        'game_rollups_daily_players',
        'day, player, currency',
        `select * from (select day, player, currency, ${summed} from (${fine}) f group by 1, 2, 3) p where ${nonzero}`,
      ],
    ]) {
      const groups = table === 'game_rollups_daily_games' ? 'groups, ' : '';
      const read = (from: string, where: string) =>
        sql.unsafe(`select ${key}, ${groups}${columns.join(', ')} from ${from} x where ${where} order by ${key}`);
      const got = await read(
        table,
        `(${nonzero}${groups ? ' or groups <> 0' : ''}) and day in (select day from game_rollups_folded_days)`,
      );
      const expected = await read(`(${want})`, 'true');
      assert.ok(expected.length > 0 || !some, `${label}: ${table} has rows`);
      assert.deepEqual(
        got.map((r) => Object.values(r).map(String)),
        expected.map((r) => Object.values(r).map(String)),
        `${label}: ${table}`,
      );
    }
  }

  test('a write to an hour of a folded day takes the day off the list; folding it again gives what its hours say', async () => {
    await foldDays(server.db.sql, undefined, 1000);
    await assertDailyFollowsHourly('every day that is over folded');
    assert.deepEqual(await foldDays(server.db.sql), [], 'nothing left to fold');
    const listed = async () =>
      (await server.db.sql`select day::text as day from game_rollups_folded_days order by day`).map((r) => r.day);
    const all = await listed();
    assert.ok(all.length >= 3, `${all.length} days folded`);
    // Through the hot path: a rollback of an action of a folded day changes that day's hour row.
    const [old] = await server.db.sql`
      select user_id, action_id, game, currency, timezone('UTC', created_at)::date::text as day from aggregator_actions
      where action = 'bet' and not rolled_back and created_at < now() - interval '2 days' order by created_at limit 1`;
    await send(
      old.user_id,
      [{ action: 'rollback', action_id: uid('rb'), original_action_id: old.action_id }],
      old.currency,
      old.game,
    );
    // The rollback's event waits in game_rollups_pending (migration 046): the day stays listed, but
    // reports read it from its hours (and the pending events) until the event joins its hour row.
    assert.deepEqual(await listed(), all);
    const whole = `${all[0]}T00:00:00Z`;
    const end = new Date(Date.parse(`${all[all.length - 1]}T00:00:00Z`) + 86_400_000).toISOString();
    const bounds = await server.db.sql.begin((tx) => windowBounds(tx, whole, end, true));
    assert.deepEqual(
      bounds.days,
      all.filter((d) => d !== old.day),
    );
    assert.ok(
      bounds.hours.some(
        ([lo, hi]) => lo * 1000 <= Date.parse(`${old.day}T00:00:00Z`) && Date.parse(`${old.day}T00:00:00Z`) < hi * 1000,
      ),
    );
    assert.ok((await foldPendingRollups(server.db.sql, true)) > 0);
    assert.deepEqual(
      await listed(),
      all.filter((d) => d !== old.day),
    );
    assert.deepEqual(await foldDays(server.db.sql), [old.day]);
    await assertDailyFollowsHourly('the day of the rollback folded again');
    const rolled_back = new Error('rolled back on purpose');
    await assert.rejects(
      server.db.sql.begin(async (tx) => {
        // The bench's move: the last day's rows merged into the rows 30 hours earlier, then deleted.
        await tx`
          insert into game_rollups as r (player, currency, hour_start, surface, provider, game, actions, bet_count, win_count, bets_minor, wins_minor,
            rolled_back_bets_minor, rolled_back_wins_minor, bonus_bets_minor, bonus_wins_minor)
          select player, currency, hour_start - interval '30 hours', surface, provider, game, actions, bet_count, win_count, bets_minor,
                 wins_minor, rolled_back_bets_minor, rolled_back_wins_minor, bonus_bets_minor, bonus_wins_minor
          from game_rollups where hour_start > now() - interval '40 hours'
          on conflict (player, currency, hour_start, surface, provider, game) do update set
            actions = r.actions + excluded.actions, bet_count = r.bet_count + excluded.bet_count, win_count = r.win_count + excluded.win_count,
            bets_minor = r.bets_minor + excluded.bets_minor, wins_minor = r.wins_minor + excluded.wins_minor,
            rolled_back_bets_minor = r.rolled_back_bets_minor + excluded.rolled_back_bets_minor,
            rolled_back_wins_minor = r.rolled_back_wins_minor + excluded.rolled_back_wins_minor,
            bonus_bets_minor = r.bonus_bets_minor + excluded.bonus_bets_minor, bonus_wins_minor = r.bonus_wins_minor + excluded.bonus_wins_minor`;
        await tx`delete from game_rollups where hour_start > now() - interval '10 hours'`;
        await tx`
          update game_rollups set bets_minor = bets_minor + 7, bet_count = bet_count + 1
          where timezone('UTC', hour_start)::date = ${all[0]}::date`;
        const after = (await tx`select day::text as day from game_rollups_folded_days order by day`).map((r) => r.day);
        assert.ok(!after.includes(all[0]) && after.length < all.length - 1, `${after} of ${all}`);
        await assertDailyFollowsHourly('after a merging move, a delete and an update', tx, after.length > 0);
        await tx`truncate game_rollups`;
        const [left] = await tx`select count(*)::int as n from game_rollups_folded_days`;
        assert.equal(left.n, 0);
        throw rolled_back;
      }),
      (error) => error === rolled_back,
    );
    assert.deepEqual(await listed(), all);
    await assertDailyFollowsHourly('after the rollback');
  });

  test('migration 045 folds the existing hour rows exactly as the job does, in UTC days', async () => {
    const migration = fs.readFileSync(new URL('../../migrations/045_game_daily_rollups.sql', import.meta.url), 'utf8');
    const backfill = migration.slice(migration.indexOf('-- Existing hour rows'));
    const folded = await server.db.sql`select day from game_rollups_folded_days order by day`;
    await server.db.sql.begin(async (tx) => {
      await tx`truncate game_rollups_daily, game_rollups_daily_games, game_rollups_daily_players, game_rollups_folded_days`;
      await tx`set local timezone = 'Asia/Kolkata'`;
      await tx.unsafe(backfill);
      await assertDailyFollowsHourly('after the backfill', tx);
    });
    assert.deepEqual(await server.db.sql`select day from game_rollups_folded_days order by day`, folded);
  });
});

describe('bonus parts through the real write path (bonus wagering, SPEC §5)', () => {
  let aggregatorPlayer: string;
  let casinoUser: string;
  let from_ms: number;
  let to_ms: number;

  /** A grant of `amount_minor` USD bonus money, active at once (the player has no other grant). */
  async function grantBonus(player: string, amount_minor: number): Promise<void> {
    const r = await call(
      base,
      'POST',
      `/v1/players/${encodeURIComponent(player)}/bonuses`,
      {
        asset: 'USD',
        amount: amount_minor,
        wagering_multiplier: 10,
        expires_at: new Date(Date.now() + HOUR_MS).toISOString(),
      },
      { ...ADMIN, 'idempotency-key': uid('grant') },
    );
    assert.equal(r.status, 201, r.text);
  }

  before(async () => {
    from_ms = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    // Aggregator: 30 cash + 100 bonus; a bet of 50 stakes 30 cash + 20 bonus, its win of 101 pays
    // floor(101 × 20 / 50) = 40 to the bonus.
    aggregatorPlayer = uid('bonus-a');
    await fundPlayer(server.ctx, playerAccount(aggregatorPlayer, 'USD'), 30n, `fund-${aggregatorPlayer}`);
    await grantBonus(aggregatorPlayer, 100);
    const round = uid('round');
    for (const action of [
      { action: 'bet', action_id: uid('b'), amount: 50 },
      { action: 'win', action_id: uid('w'), amount: 101 },
    ] as Action[]) {
      const r = await processCall(base, { ...batch(aggregatorPlayer, [action]), game: 'acme:slot', game_id: round });
      assert.equal(r.status, 200, r.text);
    }
    // Casino: 20 cash + 100 bonus; a debit of 60 stakes 20 cash + 40 bonus, its credit of 30 pays
    // floor(30 × 40 / 60) = 20 to the bonus.
    const p = await casinoPlayer(20n, '1');
    casinoUser = p.user;
    await grantBonus(casinoUser, 100);
    await p.money('debit', 'bonus-round', 60);
    await p.money('credit', 'bonus-round', 30);
    to_ms = Date.now() + 1; // an unaligned end just after the last action: its hour is a partial hour
  });

  /** The games report by player for the two bonus players: [player, bonus_bets, bonus_wins, bets, wins]. */
  async function bonusRows(complement: EdgeChoice, a = from_ms, b = to_ms) {
    const rows: unknown[] = [];
    for (const player of [aggregatorPlayer, casinoUser]) {
      const r = await readGames(server.db.sql, {
        from: new Date(a).toISOString(),
        to: new Date(b).toISOString(),
        group_by: new Set<GroupField>(['player']),
        currency: 'USD',
        provider: null,
        game: null,
        player,
        limit: 10,
        offset: 0,
        complement,
        conversions: false,
      });
      rows.push(...r.rows.map((x) => [x.player, x.bonus_bets_minor, x.bonus_wins_minor, x.bets_minor, x.wins_minor]));
    }
    return rows;
  }

  const expected = () => [
    [aggregatorPlayer, 20n, 40n, 50n, 101n],
    [casinoUser, 40n, 20n, 60n, 30n],
  ];

  test('hour-aligned windows report the bonus parts from the rollups; a partial hour read as its rollup minus the rest too', async () => {
    const aligned = await bonusRows({ first: false, last: false }, from_ms, Math.ceil(to_ms / HOUR_MS) * HOUR_MS);
    assert.deepEqual(aligned, expected());
    // The window ends just after the last action: its last hour is partial, read as the hour's rollup
    // minus the (empty) rest of the hour.
    assert.deepEqual(await bonusRows({ first: false, last: true }), expected());
    const r = await games({
      from: new Date(from_ms).toISOString(),
      to: new Date(to_ms + HOUR_MS).toISOString(),
      player: casinoUser,
    });
    assert.deepEqual([r.json.data[0].bonus_bets, r.json.data[0].bonus_wins], [40, 20]);
  });

  test('a partial hour read from the actions counts their bonus parts exactly as the rollups do', async () => {
    const stored = await server.db.sql`
        select user_id, sum(bonus_minor) filter (where action = 'bet')::bigint as bets, sum(bonus_minor) filter (where action = 'win')::bigint as wins
        from aggregator_actions where user_id = ${aggregatorPlayer} group by user_id
        union all
        select user_id, sum(bonus_minor) filter (where kind = 'debit')::bigint, sum(bonus_minor) filter (where kind = 'credit')::bigint
        from seamless_transactions where user_id = ${casinoUser} group by user_id`;
    assert.deepEqual(
      stored.map((s) => [s.user_id, s.bets, s.wins]),
      expected().map(([player, bets, wins]) => [player, bets, wins]),
    );
    assert.deepEqual(await bonusRows({ first: false, last: false }), expected());
  });
});

describe('sums beyond 2^53 − 1', () => {
  test('are exact JSON integer digits in rows and totals, and rtp stays exact', async () => {
    const max = 9_007_199_254_740_991n;
    const hour = '2001-02-03T04:00:00Z';
    for (const player of ['big-1', 'big-2', 'big-3']) {
      await server.db.sql`
        insert into game_rollups (player, currency, hour_start, surface, provider, game, actions, bet_count, bets_minor, wins_minor, win_count)
        values (${player}, 'GOLD_COINS', ${hour}, 'aggregator', 'acme', 'slot', 2, 1, ${String(max)}, ${String(max - 3n)}, 1)`;
    }
    const r = await games({ from: '2001-02-03T00:00:00Z', to: '2001-02-04T00:00:00Z', group_by: 'day' });
    assert.equal(r.status, 200, r.text);
    // Rows and totals: the digits in full, beyond what a double holds (27021597764222972 would be its nearest).
    assert.equal(
      r.text.match(
        /"bet_count":3,"bets":27021597764222973,"wins":27021597764222964,"bonus_bets":0,"bonus_wins":0,"ggr":9,"rtp":1[,}]/g,
      )?.length,
      2,
      r.text,
    );
    assert.match(r.text, /"day":"2001-02-03"/);
    const perPlayer = await games({ from: '2001-02-03T00:00:00Z', to: '2001-02-04T00:00:00Z', group_by: 'player' });
    assert.deepEqual(
      perPlayer.json.data.map((x: { bets: number }) => x.bets),
      [Number(max), Number(max), Number(max)],
    );
  });
});

test('the OpenAPI document describes both report endpoints', async () => {
  const r = await call(base, 'GET', '/docs/json');
  assert.equal(r.status, 200);
  for (const path of ['/v1/reports/games', '/v1/reports/ngr']) {
    const parameters = r.json.paths[path].get.parameters.map((p: { name: string }) => p.name);
    assert.ok(
      ['from', 'to', 'group_by', 'page', 'limit'].every((n) => parameters.includes(n)),
      `${path}: ${parameters}`,
    );
  }
});
