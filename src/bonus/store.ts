import { assert } from '../platform/assert.ts';
import type { Queryable, TransactionSql } from '../db/sql.ts';
import type { BatchReferences, PendingStatement } from '../ledger/command.ts';
import { LIVE_LISTENED_SQL } from '../platform/live.ts';
import { gameKey, gameOfKey, type GameCategory, type GameRow } from '../play/catalog.ts';
import { BONUS_PLAY_WINDOW_MS } from './limits.ts';
import { distinctPairs, type BonusRow, type BonusRows, type BonusState, type PlayRow } from './state.ts';

/**
 * SQL of the bonus module: games, bonus_contributions, bonuses, bonus_plays (migrations/050). Grants are
 * used as the driver returns them: uuid as text, integer as number, bigint as bigint (BonusRow's types).
 */

const BONUS_COLUMNS =
  'id, player, asset, amount_minor, multiplier, required_minor, wagered_minor, status, expires_at, max_bet_minor, max_conversion_minor, created_at, ended_at, granted_by';

const BATCH_BONUS_COLUMNS = BONUS_COLUMNS.replace(
  'granted_by',
  "case when status = 'pending' then granted_by end as granted_by",
);

type Pairs = { players: string[]; assets: string[] };

/**
 * The first read of a batch: the live and recently ended grants of the batch's pairs (one statement, an
 * index probe per pair: nothing found for a player who never had a bonus). When some pairs are expected
 * to hold a grant (BonusHint) it also reads, pipelined, the catalog, so a batch of known bonus players
 * that reverses nothing needs no second read.
 */
export async function readBonusGrants(
  tx: TransactionSql,
  pairs: Pairs,
  /** The games the batch stakes on, when a pair is expected to hold a grant; null: no catalog yet. */
  catalog_games: string[] | null,
): Promise<BonusRows> {
  // Only a pending grant's stamp is ever used in a batch (its bonus_grant transfer, when it activates).
  const grants = tx<BonusRow[]>`
      select ${tx.unsafe(BATCH_BONUS_COLUMNS)} from bonuses b
      join unnest(${pairs.players}::text[], ${pairs.assets}::text[]) as p(player, asset) using (player, asset)
      where b.status in ('pending', 'active') or b.ended_at > ${playWindowStart()}::timestamptz
      order by b.seq`;
  if (catalog_games === null) {
    return { bonuses: await grants, plays: [], games: [], contributions: [], catalog_read: false, listened: true };
  }
  const [bonuses, catalog, [{ listened }]] = await Promise.all([
    grants,
    readCatalog(tx, catalog_games),
    tx<{ listened: boolean }[]>`${tx.unsafe(LIVE_LISTENED_SQL)}`,
  ]);
  return { bonuses, plays: [], ...catalog, catalog_read: true, listened };
}

/**
 * The second read, sent with the late locks (no round trip of its own), only for what the first did not
 * cover: the stored splits of the transfers the batch's rollbacks reverse (CommandHandler.reversals) —
 * wins whose bonus part went to cash or the pool; a bet's split is on its protocol row — of the pairs
 * found with a grant, and the game catalog and contribution table when a grant is live (only the games
 * the batch stakes on). A batch that reverses nothing reads no split. Undefined when nothing is left.
 */
export function readBonusPlays(
  tx: TransactionSql,
  grants: BonusRows,
  references: () => BatchReferences,
): Promise<BonusRows> | undefined {
  const live = grants.bonuses.some((b) => b.status === 'pending' || b.status === 'active');
  const catalog = live && !grants.catalog_read;
  const plays = references().transfer_ids.length > 0;
  if (!plays && !catalog) return undefined;
  return Promise.all([
    plays ? readPlays(tx, distinctPairs(grants.bonuses), references().transfer_ids) : [],
    catalog ? readCatalog(tx, references().games) : { games: grants.games, contributions: grants.contributions },
  ]).then(([plays, { games, contributions }]) => ({
    bonuses: grants.bonuses,
    plays,
    games,
    contributions,
    catalog_read: grants.catalog_read,
    listened: grants.listened,
  }));
}

async function readPlays(tx: TransactionSql, pairs: Pairs, transfer_ids: string[]): Promise<PlayRow[]> {
  const plays = await tx<PlayRow[]>`
      select transfer_id, kind, player, currency, round_key, bonus_id, cash_minor, bonus_minor, bonus_to, contribution_minor, rolled_back, created_at
      from bonus_plays b join unnest(${pairs.players}::text[], ${pairs.assets}::text[]) as p(player, currency) using (player, currency)
      where b.transfer_id = any(${transfer_ids}::uuid[]) and b.created_at > ${playWindowStart()}::timestamptz`;
  return plays.map((p) => ({ ...p, transfer_id: String(p.transfer_id), bonus_id: String(p.bonus_id) }));
}

/**
 * The catalog rows of the games the batch stakes on (BatchReferences.games; a game without a row is
 * `other`) and the contribution table, in one statement: never the whole catalog, which grows with
 * every game an operator registers.
 */
async function readCatalog(
  tx: TransactionSql,
  game_keys: string[],
): Promise<Pick<BonusRows, 'games' | 'contributions'>> {
  const named = game_keys.map(gameOfKey);
  // Two `= any` conditions on the primary key, not a join with unnest(): PostgreSQL planned that join
  // afresh for every batch (a custom plan each time, 0.2 ms of planning per batch under the bonus
  // workload, pg_stat_statements); these plan once. A provider and a game named apart are dropped here.
  const providers = [...new Set(named.map((g) => g.provider))];
  const names = [...new Set(named.map((g) => g.game))];
  const rows = await tx<
    { provider: string | null; game: string | null; category: GameCategory; percent: number | null }[]
  >`
      select provider, game, category, null::smallint as percent from games
      where provider = any(${providers}::text[]) and game = any(${names}::text[])
      union all
      select null, null, category, percent from bonus_contributions`;
  const wanted = new Set(game_keys);
  const games: BonusRows['games'] = [];
  const contributions: BonusRows['contributions'] = [];
  for (const row of rows) {
    if (row.provider === null) contributions.push({ category: row.category, percent: Number(row.percent) });
    else if (wanted.has(gameKey(row.provider, row.game!)))
      games.push({ provider: row.provider, game: row.game!, category: row.category });
  }
  return { games, contributions };
}

/** Splits and grants older than this are out of a batch's reach: a late win or rollback is cash only. */
function playWindowStart(): string {
  return new Date(Date.now() - BONUS_PLAY_WINDOW_MS).toISOString();
}

/** The batch's writes: new grants, changed grants, new splits, splits rolled back. Unawaited. */
export function persistBonusState(tx: TransactionSql, state: BonusState): PendingStatement[] {
  const statements: PendingStatement[] = [];
  // bonuses_one_active is checked row by row, not at the end of a statement: a grant that ended in this
  // batch leaves `active` before the one that took its place becomes it — first the grants no longer
  // active, then the others, then the new grants (one may be active already).
  // Most changed grants only wagered (a bet's contribution; status and ended_at change together): their
  // update carries two columns, not four.
  const changed = [...state.changed].map(([id]) => state.bonuses.get(id)!).sort((a, b) => (a.id < b.id ? -1 : 1));
  const wagered: BonusRow[] = [];
  const ended: BonusRow[] = [];
  const active: BonusRow[] = [];
  for (const row of changed) {
    if (row.status === state.committed_bonuses.get(row.id)!.status) wagered.push(row);
    else (row.status === 'active' ? active : ended).push(row);
  }
  if (wagered.length > 0) statements.push(updateWagered(tx, wagered));
  if (ended.length > 0) statements.push(updateBonuses(tx, ended));
  if (active.length > 0) statements.push(updateBonuses(tx, active));
  const inserted = state.inserted.toArray().map((id) => state.bonuses.get(id)!);
  if (inserted.length > 0) statements.push(insertBonuses(tx, inserted));
  const plays = state.new_plays.toArray().map((id) => state.plays.get(id)!);
  if (plays.length > 0) statements.push(insertPlays(tx, plays));
  const marked = [...state.marked_plays].map(([id]) => id);
  if (marked.length > 0)
    statements.push(tx`update bonus_plays set rolled_back = true where transfer_id = any(${marked}::uuid[])`);
  return statements;
}

function updateWagered(tx: TransactionSql, rows: BonusRow[]): PendingStatement {
  return tx`
    update bonuses b set wagered_minor = v.w
    from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => String(r.wagered_minor))}::bigint[]) as v(id, w)
    where b.id = v.id`;
}

function updateBonuses(tx: TransactionSql, rows: BonusRow[]): PendingStatement {
  return tx`
    update bonuses b set wagered_minor = v.w, status = v.s, ended_at = v.e
    from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => String(r.wagered_minor))}::bigint[], ${rows.map((r) => r.status)}::text[],
                ${rows.map((r) => r.ended_at?.toISOString() ?? null)}::timestamptz[]) as v(id, w, s, e)
    where b.id = v.id`;
}

function insertBonuses(tx: TransactionSql, rows: BonusRow[]): PendingStatement {
  const col = <T>(f: (r: BonusRow) => T) => rows.map(f);
  const num = (f: (r: BonusRow) => bigint | null) =>
    rows.map((r) => {
      const v = f(r);
      return v === null ? null : String(v);
    });
  // with ordinality keeps grant order in seq (pending grants activate in it).
  return tx`
    insert into bonuses (id, player, asset, amount_minor, multiplier, required_minor, wagered_minor, status, expires_at, max_bet_minor, max_conversion_minor, created_at, ended_at, granted_by)
    select id, player, asset, a, m, r, w, s, x, mb, mc, c, e, g::jsonb from unnest(
      ${col((r) => r.id)}::uuid[], ${col((r) => r.player)}::text[], ${col((r) => r.asset)}::text[], ${num((r) => r.amount_minor)}::bigint[],
      ${col((r) => r.multiplier)}::int[], ${num((r) => r.required_minor)}::bigint[], ${num((r) => r.wagered_minor)}::bigint[], ${col((r) => r.status)}::text[],
      ${col((r) => r.expires_at.toISOString())}::timestamptz[], ${num((r) => r.max_bet_minor)}::bigint[], ${num((r) => r.max_conversion_minor)}::bigint[],
      ${col((r) => r.created_at.toISOString())}::timestamptz[], ${col((r) => r.ended_at?.toISOString() ?? null)}::timestamptz[],
      ${col((r) => (r.granted_by ? JSON.stringify(r.granted_by) : null))}::text[])
      with ordinality as v(id, player, asset, a, m, r, w, s, x, mb, mc, c, e, g, n)
    order by n`;
}

// The splits a batch inserts share its instant, sent once rather than per row.
function insertPlays(tx: TransactionSql, rows: PlayRow[]): PendingStatement {
  const created_at = rows[0].created_at;
  assert(
    rows.every((r) => r.created_at === created_at),
    'the splits a batch inserts carry the batch instant',
  );
  const col = <T>(f: (r: PlayRow) => T) => rows.map(f);
  const num = (f: (r: PlayRow) => bigint) => rows.map((r) => String(f(r)));
  return tx`
    insert into bonus_plays (transfer_id, kind, player, currency, round_key, bonus_id, cash_minor, bonus_minor, bonus_to, contribution_minor, rolled_back, created_at)
    select t, k, p, c, rk, b, cm, bm, bt, co, rb::boolean, ${created_at.toISOString()}::timestamptz from unnest(
      ${col((r) => r.transfer_id)}::uuid[], ${col((r) => r.kind)}::text[], ${col((r) => r.player)}::text[], ${col((r) => r.currency)}::text[],
      ${col((r) => r.round_key)}::text[], ${col((r) => r.bonus_id)}::uuid[], ${num((r) => r.cash_minor)}::bigint[], ${num((r) => r.bonus_minor)}::bigint[],
      ${col((r) => r.bonus_to)}::text[], ${num((r) => r.contribution_minor)}::bigint[], ${col((r) => String(r.rolled_back))}::text[])
      as v(t, k, p, c, rk, b, cm, bm, bt, co, rb)`;
}

/** A player's newest `rows_max` grants, newest first. */
export async function readPlayerBonuses(db: Queryable, player: string, rows_max: number): Promise<BonusRow[]> {
  const rows = await db<
    BonusRow[]
  >`select ${db.unsafe(BONUS_COLUMNS)} from bonuses where player = ${player} order by created_at desc, seq desc limit ${rows_max}`;
  return rows;
}

export async function readBonus(db: Queryable, player: string, bonus_id: string): Promise<BonusRow | undefined> {
  const rows = await db<
    BonusRow[]
  >`select ${db.unsafe(BONUS_COLUMNS)} from bonuses where player = ${player} and id::text = ${bonus_id}`;
  return rows[0];
}

/** (player, asset) pairs with a live grant past its expiry, oldest first (the sweep). */
export async function readDueBonuses(
  db: Queryable,
  now: Date,
  rows_max: number,
): Promise<{ player: string; asset: string }[]> {
  return db<{ player: string; asset: string }[]>`
    select player, asset from (
      select player, asset, min(expires_at) as due from bonuses
      where status in ('pending', 'active') and expires_at <= ${now.toISOString()}::timestamptz group by player, asset
    ) d order by due limit ${rows_max}`;
}

export async function upsertGame(db: Queryable, row: GameRow): Promise<GameRow> {
  const [saved] = await db<GameRow[]>`
    insert into games (provider, game, category, name) values (${row.provider}, ${row.game}, ${row.category}, ${row.name})
    on conflict (provider, game) do update set category = excluded.category, name = coalesce(excluded.name, games.name), updated_at = now()
    returning provider, game, category, name`;
  return saved;
}

export async function readGamesPage(
  db: Queryable,
  limit: number,
  after: { provider: string; game: string } | null,
): Promise<GameRow[]> {
  if (after === null)
    return db<GameRow[]>`select provider, game, category, name from games order by provider, game limit ${limit}`;
  return db<
    GameRow[]
  >`select provider, game, category, name from games where (provider, game) > (${after.provider}, ${after.game}) order by provider, game limit ${limit}`;
}

export async function writeContributions(db: Queryable, table: Record<GameCategory, number>): Promise<void> {
  const categories = Object.keys(table) as GameCategory[];
  await db`
    insert into bonus_contributions (category, percent) select * from unnest(${categories}::text[], ${categories.map((c) => table[c])}::smallint[])
    on conflict (category) do update set percent = excluded.percent`;
}
