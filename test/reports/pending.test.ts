import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Journal } from '../../src/ledger/journal.ts';
import type { PlayEvent } from '../../src/play/events.ts';
import type { Round } from '../../src/play/round.ts';
import { rollupParticipant, type RollupDelta, type RollupEvents } from '../../src/reports/rollups.ts';
import { foldPendingRollups } from '../../src/reports/pending.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, MIGRATIONS_DIR } from '../../src/db/migrate.ts';

/**
 * The batch's rollup events go to game_rollups_pending and are folded into game_rollups later
 * (migration 046): the SQL fold adds what the participant's own model says, exactly once.
 */
let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.drop();
});

const HOUR_MS = 3_600_000;
const base_ms = Math.floor(Date.parse('2026-11-20T00:00:00Z') / HOUR_MS) * HOUR_MS;

/** A seeded generator (mulberry32): the same events for the same seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomEvents(seed: number, count: number, journal: Journal): RollupEvents {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const events = rollupParticipant.state(undefined, journal);
  journal.begin();
  for (let i = 0; i < count; i++) {
    const round: Round = {
      surface: pick(['aggregator', 'casino'] as const),
      provider: pick(['acme', 'jaqpot']),
      game: pick(['slot', 'roulette', 'it\'s "quoted", {braced}']),
      round_id: `r${i}`,
      player: pick(['p1', 'p2', 'p3']),
      currency: pick(['USD', 'EUR']),
    };
    const at = new Date(base_ms + Math.floor(next() * 3) * HOUR_MS + Math.floor(next() * HOUR_MS));
    const amount_minor = BigInt(Math.floor(next() * 1_000_000)) * (next() < 0.05 ? 10n ** 12n : 1n);
    const bonus_minor = next() < 0.5 ? amount_minor / 3n : undefined;
    const type = pick(['bet', 'win', 'cancelled_bet', 'cancelled_win', 'rollback'] as const);
    const event: PlayEvent =
      type === 'rollback'
        ? {
            type,
            round,
            amount_minor,
            bonus_minor,
            at,
            original: { kind: pick(['bet', 'win'] as const), at: new Date(at.getTime() - HOUR_MS) },
          }
        : { type, round, amount_minor, bonus_minor, at };
    rollupParticipant.onPlay(events, event);
  }
  journal.commit();
  return events;
}

const KEY = ['player', 'currency', 'hour_start', 'surface', 'provider', 'game'] as const;
const SUMS = [
  'actions',
  'bet_count',
  'bets_minor',
  'wins_minor',
  'rolled_back_bets_minor',
  'rolled_back_wins_minor',
  'win_count',
  'bonus_bets_minor',
  'bonus_wins_minor',
] as const;

function keyOf(r: Pick<RollupDelta, (typeof KEY)[number]>): string {
  return [r.player, r.currency, r.hour_start.toISOString(), r.surface, r.provider, r.game].join('|');
}

/** Sums rows per key (string values, so they compare exactly). */
function summed(rows: RollupDelta[]): Map<string, string[]> {
  const out = new Map<string, bigint[]>();
  for (const r of rows) {
    const sums = out.get(keyOf(r)) ?? SUMS.map(() => 0n);
    SUMS.forEach((f, i) => (sums[i] += r[f]));
    out.set(keyOf(r), sums);
  }
  return new Map([...out].map(([k, v]) => [k, v.map(String)]));
}

async function stored(): Promise<Map<string, string[]>> {
  const rows = await db.sql<RollupDelta[]>`select * from game_rollups`;
  return new Map(rows.map((r) => [keyOf(r), SUMS.map((f) => String(r[f]))]));
}

async function persist(events: RollupEvents): Promise<void> {
  await db.sql.begin(async (tx) => {
    for (const statement of rollupParticipant.persist(tx, events)) await statement;
  });
}

test('the fold adds to game_rollups exactly what the participant model says, once, with big and quoted values', async () => {
  await db.sql`truncate game_rollups, game_rollups_pending`;
  const first = randomEvents(1, 400, new Journal());
  const second = randomEvents(2, 400, new Journal());
  await persist(first);
  await persist(second);
  // Each batch appends its events summed per hour row (migration 092): the view shows those sums.
  const pending = await db.sql<RollupDelta[]>`select * from game_rollups_pending_rows`;
  assert.equal(pending.length, first.deltas().length + second.deltas().length);
  assert.ok(pending.length < 800, `${pending.length} rows for 800 events`);
  assert.deepEqual(summed(pending), summed([...first.deltas(), ...second.deltas()]));
  assert.ok((await foldPendingRollups(db.sql)) > 0);
  assert.deepEqual(await stored(), summed([...first.deltas(), ...second.deltas()]));
  assert.equal(await foldPendingRollups(db.sql), 0, 'nothing is folded twice');
  const [{ left }] = await db.sql`select count(*)::int as left from game_rollups_pending`;
  assert.equal(left, 0);
});

/** `keys` bets of 1 by as many players: one hour row each. */
function betsOfPlayers(keys: number): RollupEvents {
  const journal = new Journal();
  const events = rollupParticipant.state(undefined, journal);
  journal.begin();
  for (let i = 0; i < keys; i++) {
    const round: Round = {
      surface: 'aggregator',
      provider: 'acme',
      game: 'slot',
      round_id: `r${i}`,
      player: `player_${String(i).padStart(4, '0')}`,
      currency: 'USD',
    };
    rollupParticipant.onPlay(events, { type: 'bet', round, amount_minor: 100n, at: new Date(base_ms) });
  }
  journal.commit();
  return events;
}

test('a pending row the size of a large batch is stored uncompressed (no pglz in the hot path); a larger one still fits', async () => {
  await db.sql`truncate game_rollups, game_rollups_pending`;
  // A W1 batch of ~31 bet + win requests sums into ~31 hour rows (~4 KB of arrays); 2,000 is past a page.
  for (const keys of [31, 2_000]) await persist(betsOfPlayers(keys));
  const rows = await db.sql<{ keys: number; compression: string | null; bytes: number }[]>`
    select cardinality(players) as keys, pg_column_compression(players) as compression,
           pg_column_size(p.*) as bytes
    from game_rollups_pending p order by cardinality(players)`;
  assert.equal(rows.length, 2);
  assert.equal(rows[0].compression, null, `a ${rows[0].bytes}-byte row of ${rows[0].keys} hour rows is not compressed`);
  assert.ok(
    rows[0].bytes > 2_032,
    `${rows[0].bytes} bytes: above the default threshold, so the table's setting decides`,
  );
  assert.equal(rows[1].keys, 2_000);
  assert.equal(await foldPendingRollups(db.sql), 2_000);
});

test("a refused command's events never reach the pending row", async () => {
  await db.sql`truncate game_rollups, game_rollups_pending`;
  const journal = new Journal();
  const events = randomEvents(3, 10, journal);
  const kept = events.deltas();
  journal.begin();
  rollupParticipant.onPlay(events, {
    type: 'bet',
    round: { surface: 'casino', provider: 'jaqpot', game: 'g', round_id: 'x', player: 'refused', currency: 'USD' },
    amount_minor: 5n,
    at: new Date(base_ms),
  });
  journal.undo();
  assert.equal(events.length, 10);
  await persist(events);
  await foldPendingRollups(db.sql);
  assert.deepEqual(await stored(), summed(kept));
});

test('a batch still open while a fold runs is folded by the next one; concurrent folds skip, never double-count', async () => {
  await db.sql`truncate game_rollups, game_rollups_pending`;
  const late = randomEvents(4, 50, new Journal());
  const early = randomEvents(5, 50, new Journal());
  await persist(early);
  const open = await db.sql.reserve();
  try {
    await open`begin`;
    for (const statement of rollupParticipant.persist(open as never, late)) await statement;
    // A second process folding at the same time: one waits, the other skips (-1).
    const folds = await Promise.all([foldPendingRollups(db.sql), foldPendingRollups(db.sql)]);
    assert.ok(folds.includes(-1) || folds.includes(0), `${folds}`);
    assert.deepEqual(await stored(), summed(early.deltas()), 'the open batch is not folded');
    await open`commit`;
  } finally {
    open.release();
  }
  await foldPendingRollups(db.sql, true);
  assert.deepEqual(await stored(), summed([...early.deltas(), ...late.deltas()]));
});

test('migration 092 folds the events still pending in the old shape (one per event) before changing it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'croupier-migrations-'));
  for (const file of fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql') && f < '092'))
    fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(dir, file));
  const before = await createTestDatabase(dir);
  try {
    const hour = base_ms / HOUR_MS;
    // A bet of 500 (200 of it bonus), a win of 300, a bet cancelled before it arrived, then the bet's rollback.
    await before.sql`
      insert into game_rollups_pending (players, currencies, hours, surfaces, providers, games, kinds, amounts, bonuses)
      values (${['p', 'p', 'p', 'p']}::text[], ${['USD', 'USD', 'USD', 'USD']}::text[], ${[hour, hour, hour, hour]}::int[],
              ${['aggregator', 'aggregator', 'aggregator', 'aggregator']}::text[], ${['acme', 'acme', 'acme', 'acme']}::text[],
              ${['slot', 'slot', 'slot', 'slot']}::text[], ${[0, 1, 2, 4]}::smallint[], ${['500', '300', '70', '500']}::bigint[],
              ${['200', '0', '0', '200']}::bigint[])`;
    await migrate(before.sql);
    const [row] = await before.sql`select * from game_rollups`;
    assert.deepEqual(
      [row.actions, row.bet_count, row.bets_minor, row.wins_minor, row.rolled_back_bets_minor, row.win_count].map(
        String,
      ),
      ['3', '0', '0', '300', '570', '1'],
    );
    assert.deepEqual([row.bonus_bets_minor, row.bonus_wins_minor].map(String), ['0', '0']);
    const [{ left }] = await before.sql`select count(*)::int as left from game_rollups_pending`;
    assert.equal(left, 0);
    // And the new shape takes the next batch's sums.
    await before.sql.begin(async (tx) => {
      for (const statement of rollupParticipant.persist(tx, betsOfPlayers(3))) await statement;
    });
    assert.equal(await foldPendingRollups(before.sql), 3);
  } finally {
    await before.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
