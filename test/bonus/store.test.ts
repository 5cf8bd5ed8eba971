import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gameKey } from '../../src/play/catalog.ts';
import { readBonusGrants } from '../../src/bonus/store.ts';
import type { TransactionSql } from '../../src/db/sql.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.drop();
});

test('a batch reads the catalog rows of the games it stakes on, never the whole catalog, and the contribution table', async () => {
  // An operator's catalog of thousands of games: one batch must not read them all.
  await db.sql`insert into games (provider, game, category) select 'acme', 'g' || i, 'table' from generate_series(1, 3000) i`;
  await db.sql`insert into games (provider, game, category) values ('acme', 'live-one', 'live') on conflict (provider, game) do update set category = excluded.category`;
  await db.sql`update bonus_contributions set percent = 7 where category = 'table'`;
  const pairs = { players: ['p1'], assets: ['USD'] };
  const rows = await db.sql.begin((tx) =>
    // other:g18 names a provider and a game that exist only apart (acme:g18): not a game of this batch.
    readBonusGrants(tx as unknown as TransactionSql, pairs, [
      gameKey('acme', 'g17'),
      gameKey('acme', 'live-one'),
      gameKey('acme', 'unregistered'),
      gameKey('other', 'g18'),
    ]),
  );
  assert.deepEqual(rows.games.map((g) => `${g.provider}:${g.game}=${g.category}`).sort(), [
    'acme:g17=table',
    'acme:live-one=live',
  ]);
  assert.deepEqual(Object.fromEntries(rows.contributions.map((c) => [c.category, c.percent])), {
    slots: 100,
    table: 7,
    live: 0,
    other: 0,
  });
});

test('the first read of known bonus players says whether some process has live subscribers (an expired row does not count)', async () => {
  const pairs = { players: ['p1'], assets: ['USD'] };
  const listened = () =>
    db.sql.begin((tx) => readBonusGrants(tx as unknown as TransactionSql, pairs, [])).then((rows) => rows.listened);
  assert.equal(await listened(), false);
  await db.sql`insert into live_listeners values (gen_random_uuid(), now() - interval '1 second')`;
  assert.equal(await listened(), false);
  await db.sql`insert into live_listeners values (gen_random_uuid(), now() + interval '1 minute')`;
  assert.equal(await listened(), true);
  await db.sql`delete from live_listeners`;
});
