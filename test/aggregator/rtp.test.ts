import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { readRtp } from '../../src/reports/rtp-store.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { ADMIN, assertLedgerVerifies, batch, processCall, uid, type Action } from './helpers.ts';

/**
 * RTP reports (SPEC §2, §6): definitions on a hand-made scenario, paging, the per-player endpoint,
 * auth and validation, then exactness against a brute-force computation over the actions table for
 * random data spread over many hours (whole-hour time travel keeps actions and rollups consistent)
 * and random windows, aligned or not, each also read with every forced way of reading its partial
 * hours (actions of the wanted part, or the hour's rollup minus the rest).
 */
let server: TestServer;
let base: string;
const HOUR_MS = 3_600_000;

before(async () => {
  server = await startTestServer();
  base = server.url;
});
after(async () => server.close());

async function send(user_id: string, actions: Action[], currency = 'USD') {
  const r = await processCall(base, { ...batch(user_id, actions), currency });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

function qs(params: Record<string, string | number | undefined>): string {
  return new URLSearchParams(
    Object.entries(params)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  ).toString();
}

function report(params: Record<string, string | number | undefined>, headers = ADMIN) {
  return call(base, 'GET', `/aggregator/takehome/rtp?${qs(params)}`, undefined, headers);
}

function userReport(user_id: string, params: Record<string, string | number | undefined>, headers = ADMIN) {
  return call(base, 'GET', `/aggregator/takehome/rtp/${encodeURIComponent(user_id)}?${qs(params)}`, undefined, headers);
}

/** Everything processed so far, inside [now - 1 h, now + 1 h). */
function around(): { from: string; to: string } {
  return { from: new Date(Date.now() - HOUR_MS).toISOString(), to: new Date(Date.now() + HOUR_MS).toISOString() };
}

/** Moves all aggregator data `hours` into the past; whole hours keep every action in its rollup bucket. */
async function travel(hours: number): Promise<void> {
  const far = 10_000_000;
  await server.db.sql.begin(async (tx) => {
    // Pending rollup events (migration 046) join their hour rows first: only hour rows are moved.
    await tx`select game_rollups_fold_pending(true)`;
    await tx`update aggregator_actions set created_at = created_at - make_interval(hours => ${hours})`;
    // In two steps: a direct shift could collide with a not-yet-moved row's primary key on the way.
    await tx`update game_rollups set hour_start = hour_start - make_interval(hours => ${far})`;
    await tx`update game_rollups set hour_start = hour_start + make_interval(hours => ${far - hours})`;
  });
}

describe('definitions', () => {
  const alice = uid('alice');
  const bob = uid('bob');

  before(async () => {
    await send(alice, [{ action: 'win', action_id: uid('fund'), amount: 10_000 }]);
    const [b1, b2, w2, late] = [uid('b1'), uid('b2'), uid('w2'), uid('late')];
    await send(alice, [
      { action: 'bet', action_id: b1, amount: 100 },
      { action: 'bet', action_id: b2, amount: 200 },
      { action: 'win', action_id: uid('w1'), amount: 150 },
      { action: 'win', action_id: w2, amount: 50 },
    ]);
    await send(alice, [
      { action: 'rollback', action_id: uid('rb'), original_action_id: b2 },
      { action: 'rollback', action_id: uid('rb'), original_action_id: w2 },
    ]);
    await send(alice, [
      { action: 'rollback', action_id: uid('rb'), original_action_id: late },
      { action: 'bet', action_id: late, amount: 70 },
    ]);
    await send(bob, [{ action: 'win', action_id: uid('w'), amount: 0 }]);
    await send(bob, [{ action: 'win', action_id: uid('w'), amount: 5 }], 'EUR');
  });

  test('rolled-back bets and wins move to the rollback totals; rounds count live bets; rtp = win / bet', async () => {
    const r = await userReport(alice, around());
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, {
      user_id: alice,
      currency: 'USD',
      rounds: 1,
      total_bet: 100,
      total_win: 10_150,
      total_rollback_bet: 270,
      total_rollback_win: 50,
      rtp: 101.5,
    });
  });

  test('rtp is null when nothing was bet', async () => {
    const r = await userReport(bob, { ...around(), currency: 'USD' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.rtp, null);
    assert.equal(r.json.total_win, 0);
  });

  test('a player in several currencies must name one; an unknown player or currency is a 404', async () => {
    const ambiguous = await userReport(bob, around());
    assert.equal(ambiguous.status, 400);
    assert.match(ambiguous.json.message, /currency is required/);
    const eur = await userReport(bob, { ...around(), currency: 'EUR' });
    assert.equal(eur.json.total_win, 5);
    assert.equal((await userReport(uid('nobody'), around())).status, 404);
    assert.equal((await userReport(bob, { ...around(), currency: 'GBP' })).status, 404);
    assert.equal((await userReport(bob, { ...around(), currency: 'XYZ' })).status, 400);
  });

  test('a known player without activity in the window gets a row of zeros', async () => {
    const r = await userReport(alice, { from: '2001-01-01T00:00:00Z', to: '2001-01-02T00:00:00+02:00' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {
      user_id: alice,
      currency: 'USD',
      rounds: 0,
      total_bet: 0,
      total_win: 0,
      total_rollback_bet: 0,
      total_rollback_win: 0,
      rtp: null,
    });
  });

  test('the list pages rows by player and currency; global stats cover every row', async () => {
    const all = await report({ ...around(), limit: 1000 });
    assert.equal(all.status, 200, all.text);
    const total = all.json.pagination.total;
    assert.ok(total >= 3);
    const page2 = await report({ ...around(), limit: 1, page: 2 });
    assert.deepEqual(page2.json.pagination, { page: 2, limit: 1, total, total_pages: total });
    assert.deepEqual(page2.json.data, [all.json.data[1]]);
    assert.deepEqual(page2.json.global_stats, all.json.global_stats);
    const beyond = await report({ ...around(), limit: 10, page: 1000 });
    assert.deepEqual(beyond.json.data, []);
    assert.equal(beyond.json.global_stats.total_users, all.json.global_stats.total_users);
    const users = new Set(all.json.data.map((r: { user_id: string }) => r.user_id));
    assert.equal(all.json.global_stats.total_users, users.size);
    const usd = await report({ ...around(), currency: 'USD' });
    assert.ok(usd.json.data.every((r: { currency: string }) => r.currency === 'USD'));
  });

  test('the reports need the operator API key', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }]) {
      assert.equal((await report(around(), headers as typeof ADMIN)).status, 401);
      assert.equal((await userReport(alice, around(), headers as typeof ADMIN)).status, 401);
    }
  });

  test('from and to are required and checked, naming the field', async () => {
    const { from, to } = around();
    const cases: [Record<string, string | number | undefined>, RegExp][] = [
      [{ to }, /from is required/],
      [{ from }, /to is required/],
      [{ from: 'yesterday', to }, /from must match format/],
      [{ from, to: '2024-01-01T00:00:00' }, /to must match format/],
      [{ from: to, to: from }, /to must not be before from/],
      [{ from, to, limit: 1001 }, /limit must be <= 1000/],
      [{ from, to, page: 0 }, /page must be >= 1/],
      [{ from, to, currency: 'XYZ' }, /XYZ/],
    ];
    for (const [params, message] of cases) {
      const r = await report(params);
      assert.equal(r.status, 400, `${JSON.stringify(params)} → ${r.text}`);
      assert.match(r.json.message, message);
    }
    const r = await userReport(alice, { from });
    assert.equal(r.status, 400);
    assert.match(r.json.message, /to is required/);
  });
});

interface StoredAction {
  user_id: string;
  currency: string;
  action: string;
  amount_minor: bigint | null;
  rolled_back: boolean;
  created_at: Date;
}

type Totals = { actions: bigint; rounds: bigint; bet: bigint; win: bigint; rollback_bet: bigint; rollback_win: bigint };

/** The definitions of SPEC §2, straight over every stored action. */
function bruteForce(actions: StoredAction[], from_ms: number, to_ms: number): Map<string, Totals> {
  const rows = new Map<string, Totals>();
  for (const a of actions) {
    const t = a.created_at.getTime();
    if (a.action === 'rollback' || t < from_ms || t >= to_ms) continue;
    const key = `${a.user_id}\u0000${a.currency}`;
    const row = rows.get(key) ?? { actions: 0n, rounds: 0n, bet: 0n, win: 0n, rollback_bet: 0n, rollback_win: 0n };
    const amount = a.amount_minor!;
    row.actions += 1n;
    if (a.action === 'bet' && !a.rolled_back) {
      row.rounds += 1n;
      row.bet += amount;
    }
    if (a.action === 'bet' && a.rolled_back) row.rollback_bet += amount;
    if (a.action === 'win' && !a.rolled_back) row.win += amount;
    if (a.action === 'win' && a.rolled_back) row.rollback_win += amount;
    rows.set(key, row);
  }
  return rows;
}

function expectedJson(rows: Map<string, Totals>) {
  return [...rows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, r]) => {
      const [user_id, currency] = key.split('\u0000');
      return {
        user_id,
        currency,
        rounds: Number(r.rounds),
        total_bet: Number(r.bet),
        total_win: Number(r.win),
        total_rollback_bet: Number(r.rollback_bet),
        total_rollback_win: Number(r.rollback_win),
        rtp: r.bet === 0n ? null : Number(r.win) / Number(r.bet),
      };
    });
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

describe('exactness against a brute-force computation over the actions', () => {
  const seed = Number(process.env.RTP_SEED ?? Date.now() % 1_000_000);
  const rand = random(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)];
  const players = Array.from({ length: 8 }, (_, i) => ({
    user_id: uid(`rtp-${i}`),
    currency: i % 3 === 0 ? 'EUR' : 'USD',
  }));
  const earlier: { user_id: string; currency: string; action_id: string }[] = [];

  async function phase(requests: number): Promise<void> {
    for (let i = 0; i < requests; i++) {
      const player = players[i % players.length];
      const actions: Action[] = [{ action: 'win', action_id: uid('w'), amount: Math.floor(rand() * 500) }];
      for (let j = 0; j < 1 + Math.floor(rand() * 3); j++)
        actions.push({ action: 'bet', action_id: uid('b'), amount: 1 + Math.floor(rand() * 100) });
      const mine = earlier.filter((e) => e.user_id === player.user_id);
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
      );
      for (const a of actions) if (a.action !== 'rollback') earlier.push({ ...player, action_id: a.action_id });
    }
  }

  test(`random data over many hours, random windows (seed ${seed}): the report equals the brute force`, async () => {
    for (let p = 0; p < 5; p++) {
      await phase(12);
      await travel(1 + Math.floor(rand() * 4));
    }
    await phase(6);
    const actions = await server.db.sql<StoredAction[]>`
      select user_id, currency, action, amount_minor, rolled_back, created_at from aggregator_actions`;
    const times = actions.map((a) => a.created_at.getTime());
    const [lo, hi] = [Math.min(...times) - 2 * HOUR_MS, Math.max(...times) + 2 * HOUR_MS];
    const edge = (): number => {
      const kind = rand();
      if (kind < 0.3) return pick(times) + Math.floor(rand() * 3) - 1; // cuts through a cluster, at an action or beside it
      if (kind < 0.5) return Math.floor((lo + rand() * (hi - lo)) / HOUR_MS) * HOUR_MS; // an hour boundary
      return Math.floor(lo + rand() * (hi - lo));
    };
    for (let w = 0; w < 40; w++) {
      const [a, b] = [edge(), edge()].sort((x, y) => x - y);
      const expected = bruteForce(actions, a, b);
      const offset = pick(['Z', '+02:00', '-05:30']);
      const r = await report({ from: isoWithOffset(a, offset), to: isoWithOffset(b, offset), limit: 1000 });
      assert.equal(r.status, 200, r.text);
      const window = `window ${new Date(a).toISOString()} .. ${new Date(b).toISOString()} (seed ${seed})`;
      assert.deepEqual(r.json.data, expectedJson(expected), window);
      const sum = (f: (t: Totals) => bigint) => Number([...expected.values()].reduce((s, t) => s + f(t), 0n));
      assert.deepEqual(
        r.json.global_stats,
        {
          total_users: new Set([...expected.keys()].map((k) => k.split('\u0000')[0])).size,
          total_rounds: sum((t) => t.rounds),
          total_bet: sum((t) => t.bet),
          total_win: sum((t) => t.win),
          total_rollback_bet: sum((t) => t.rollback_bet),
          total_rollback_win: sum((t) => t.rollback_win),
          total_rtp: sum((t) => t.bet) === 0 ? null : sum((t) => t.win) / sum((t) => t.bet),
        },
        window,
      );
      for (const first of [false, true]) {
        for (const last of [false, true]) {
          const forced = await readRtp(server.db.sql, {
            from: new Date(a).toISOString(),
            to: new Date(b).toISOString(),
            user_id: null,
            currency: null,
            limit: 1000,
            offset: 0,
            complement: { first, last },
          });
          const rows = forced.rows.map((r) => ({
            user_id: r.user_id,
            currency: r.currency,
            rounds: Number(r.bet_count),
            total_bet: Number(r.bets_minor),
            total_win: Number(r.wins_minor),
            total_rollback_bet: Number(r.rolled_back_bets_minor),
            total_rollback_win: Number(r.rolled_back_wins_minor),
            rtp: r.bets_minor === 0n ? null : Number(r.wins_minor) / Number(r.bets_minor),
          }));
          assert.deepEqual(
            rows,
            expectedJson(expected),
            `${window}, partial hours by complement: first ${first}, last ${last}`,
          );
          assert.equal(
            Number(forced.totals.bets_minor),
            sum((t) => t.bet),
            `${window}, complement ${first}/${last}: total bet`,
          );
        }
      }
      const player = pick(players);
      const one = await userReport(player.user_id, { from: new Date(a).toISOString(), to: new Date(b).toISOString() });
      const row = expectedJson(expected).find((x) => x.user_id === player.user_id) ?? {
        user_id: player.user_id,
        currency: player.currency,
        rounds: 0,
        total_bet: 0,
        total_win: 0,
        total_rollback_bet: 0,
        total_rollback_win: 0,
        rtp: null,
      };
      assert.deepEqual(one.json, row, `${window} for ${player.user_id}`);
    }
  });

  test('every rollup row equals the brute force of its hour', async () => {
    const actions = await server.db.sql<StoredAction[]>`
      select user_id, currency, action, amount_minor, rolled_back, created_at from aggregator_actions`;
    // Rollup rows are per game too; per player and hour they add up to the aggregator's RTP rows.
    const rollups = await server.db.sql`
      select player as user_id, currency, hour_start, sum(actions)::bigint as actions, sum(bet_count)::bigint as rounds,
             sum(bets_minor)::bigint as total_bet_minor, sum(wins_minor)::bigint as total_win_minor,
             sum(rolled_back_bets_minor)::bigint as total_rollback_bet_minor, sum(rolled_back_wins_minor)::bigint as total_rollback_win_minor
      from game_rollups where surface = 'aggregator' group by 1, 2, 3`;
    const hours = new Set(
      actions.filter((a) => a.action !== 'rollback').map((a) => Math.floor(a.created_at.getTime() / HOUR_MS)),
    );
    let compared = 0;
    for (const hour of hours) {
      const expected = bruteForce(actions, hour * HOUR_MS, (hour + 1) * HOUR_MS);
      const stored = rollups.filter((r) => r.hour_start.getTime() === hour * HOUR_MS);
      assert.equal(stored.length, expected.size);
      for (const r of stored) {
        const e = expected.get(`${r.user_id}\u0000${r.currency}`)!;
        assert.deepEqual(
          [
            r.actions,
            r.rounds,
            r.total_bet_minor,
            r.total_win_minor,
            r.total_rollback_bet_minor,
            r.total_rollback_win_minor,
          ],
          [e.actions, e.rounds, e.bet, e.win, e.rollback_bet, e.rollback_win],
        );
        compared++;
      }
    }
    assert.equal(compared, rollups.length);
    assert.ok(hours.size >= 4, `data spans ${hours.size} hours`);
  });

  test('migration 040 rebuilds the aggregator rollups from the actions exactly as the hot path wrote them', async () => {
    const read = () =>
      server.db
        .sql`select * from game_rollups where surface = 'aggregator' order by player, currency, hour_start, provider, game`;
    const before = await read();
    assert.ok(before.length > 0 && before.every((r) => r.actions > 0n));
    const migration = fs.readFileSync(new URL('../../migrations/040_game_rollups.sql', import.meta.url), 'utf8');
    const start = migration.indexOf('insert into game_rollups');
    // Migration 041 adds win_count to these rows and backfills it: both backfills rebuild the rows.
    const later = fs.readFileSync(new URL('../../migrations/041_game_reports.sql', import.meta.url), 'utf8');
    const backfill =
      migration.slice(start, migration.indexOf('insert into game_rollups', start + 1)) +
      later.slice(later.indexOf('update game_rollups'), later.indexOf('create index'));
    await server.db.sql.begin(async (tx) => {
      await tx`delete from game_rollups where surface = 'aggregator'`;
      // A session zone with a half-hour offset: the backfill must still count in UTC hours.
      await tx`set local timezone = 'Asia/Kolkata'`;
      await tx.unsafe(backfill);
    });
    assert.deepEqual(await read(), before);
  });

  test('the ledger verifies after the random workload', async () => {
    await assertLedgerVerifies(server.db.sql);
  });
});

/** The same instant written with another zone offset (the API must not care). */
function isoWithOffset(ms: number, offset: string): string {
  if (offset === 'Z') return new Date(ms).toISOString();
  const sign = offset[0] === '-' ? -1 : 1;
  const [h, m] = offset.slice(1).split(':').map(Number);
  const local = new Date(ms + sign * (h * 60 + m) * 60_000).toISOString().slice(0, -1);
  return `${local}${offset}`;
}

// Last in this file: its sums would not fit the other tests' number-based expectations.
describe('totals beyond 2^53 − 1', () => {
  test('are written as exact integer digits, never a 500', async () => {
    const max = 9007199254740991;
    const whale = uid('whale');
    await send(whale, [{ action: 'win', action_id: uid('w'), amount: max }]);
    await send(whale, [{ action: 'bet', action_id: uid('b'), amount: max }]);
    await send(whale, [{ action: 'win', action_id: uid('w'), amount: max }]);
    const one = await userReport(whale, around());
    assert.equal(one.status, 200, one.text);
    assert.match(one.text, /"total_win":18014398509481982[,}]/);
    assert.match(one.text, /"total_bet":9007199254740991[,}]/);
    assert.equal(one.json.rtp, 2);
    const list = await report({ ...around(), limit: 1000 });
    assert.equal(list.status, 200, list.text);
    const others = (list.json.data as { user_id: string; total_win: number }[]).filter((r) => r.user_id !== whale);
    const expected_win = 2n * BigInt(max) + others.reduce((sum, r) => sum + BigInt(r.total_win), 0n);
    assert.match(list.text, new RegExp(`"total_win":${expected_win}[,}]`), 'global total_win, exact');
  });
});
