import type { Queryable, TransactionSql } from '../db/sql.ts';
import type { BatchReferences, PendingStatement } from '../ledger/command.ts';
import type { GameCategory, GameRow } from '../play/catalog.ts';
import { BONUS_PLAY_WINDOW_MS } from './limits.ts';
import { distinctPairs, type BonusRow, type BonusRows, type BonusState, type PlayRow } from './state.ts';

/** SQL of the bonus module: games, bonus_contributions, bonuses, bonus_plays (migrations/050). */

const BONUS_COLUMNS =
  'id, player, asset, amount_minor, multiplier, required_minor, wagered_minor, status, expires_at, max_bet_minor, max_conversion_minor, created_at, ended_at, granted_by';

/**
 * The first read of a batch: the live and recently ended grants of the batch's pairs (one statement, an
 * index probe per pair: nothing found for a player who never had a bonus).
 */
export async function readBonusGrants(
  tx: TransactionSql,
  pairs: { players: string[]; assets: string[] },
): Promise<BonusRows> {
  const bonuses = await tx<BonusRow[]>`
      select ${tx.unsafe(BONUS_COLUMNS)} from bonuses b
      join unnest(${pairs.players}::text[], ${pairs.assets}::text[]) as p(player, asset) using (player, asset)
      where b.status in ('pending', 'active') or b.ended_at > ${playWindowStart()}::timestamptz
      order by b.seq`;
  return { bonuses: bonuses.map(bonusOfRow), plays: [], games: [], contributions: [] };
}

/**
 * The second read, only when grants were found (sent with the late locks): the splits the batch's
 * commands refer to — every split of each round a win is paid in, and the split of each transfer a
 * rollback reverses (CommandHandler.references) — of the pairs found, and the game catalog and
 * contribution table when a grant is live (read whole: they are small, and a batch's games are not
 * visible to a participant's read). Never a player's whole history: a batch of bets reads no split.
 */
export async function readBonusPlays(
  tx: TransactionSql,
  grants: BonusRows,
  references: BatchReferences,
): Promise<BonusRows> {
  const found = distinctPairs(grants.bonuses);
  const live = grants.bonuses.some((b) => b.status === 'pending' || b.status === 'active');
  const referred = references.keys.length > 0 || references.transfer_ids.length > 0;
  const [plays, games, contributions] = await Promise.all([
    referred
      ? tx<PlayRow[]>`
      select transfer_id, kind, player, currency, round_key, bonus_id, cash_minor, bonus_minor, bonus_to, contribution_minor, rolled_back, created_at
      from bonus_plays b join unnest(${found.players}::text[], ${found.assets}::text[]) as p(player, currency) using (player, currency)
      where (b.round_key = any(${references.keys}::text[]) or b.transfer_id = any(${references.transfer_ids}::uuid[]))
        and b.created_at > ${playWindowStart()}::timestamptz`
      : [],
    // The catalog only matters while a grant counts wagering.
    live ? tx<GameRow[]>`select provider, game, category, name from games` : [],
    live ? tx<{ category: string; percent: number }[]>`select category, percent from bonus_contributions` : [],
  ]);
  return {
    bonuses: grants.bonuses,
    plays: plays.map((p) => ({ ...p, transfer_id: String(p.transfer_id), bonus_id: String(p.bonus_id) })),
    games,
    contributions,
  };
}

/** Splits and grants older than this are out of a batch's reach: a late win or rollback is cash only. */
function playWindowStart(): string {
  return new Date(Date.now() - BONUS_PLAY_WINDOW_MS).toISOString();
}

export function bonusOfRow(row: BonusRow): BonusRow {
  return { ...row, id: String(row.id), multiplier: Number(row.multiplier) };
}

/** The batch's writes: new grants, changed grants, new splits, splits rolled back. Unawaited. */
export function persistBonusState(tx: TransactionSql, state: BonusState): PendingStatement[] {
  const statements: PendingStatement[] = [];
  const inserted = state.inserted.toArray().map((id) => state.bonuses.get(id)!);
  if (inserted.length > 0) statements.push(insertBonuses(tx, inserted));
  const changed = [...state.changed].map(([id]) => state.bonuses.get(id)!).sort((a, b) => (a.id < b.id ? -1 : 1));
  if (changed.length > 0) {
    statements.push(tx`
      update bonuses b set wagered_minor = v.w, status = v.s, ended_at = v.e
      from unnest(${changed.map((r) => r.id)}::uuid[], ${changed.map((r) => String(r.wagered_minor))}::bigint[], ${changed.map((r) => r.status)}::text[],
                  ${changed.map((r) => r.ended_at?.toISOString() ?? null)}::timestamptz[]) as v(id, w, s, e)
      where b.id = v.id`);
  }
  const plays = state.new_plays.toArray().map((id) => state.plays.get(id)!);
  if (plays.length > 0) statements.push(insertPlays(tx, plays));
  const marked = [...state.marked_plays].map(([id]) => id);
  if (marked.length > 0)
    statements.push(tx`update bonus_plays set rolled_back = true where transfer_id = any(${marked}::uuid[])`);
  return statements;
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

function insertPlays(tx: TransactionSql, rows: PlayRow[]): PendingStatement {
  const col = <T>(f: (r: PlayRow) => T) => rows.map(f);
  const num = (f: (r: PlayRow) => bigint) => rows.map((r) => String(f(r)));
  return tx`
    insert into bonus_plays (transfer_id, kind, player, currency, round_key, bonus_id, cash_minor, bonus_minor, bonus_to, contribution_minor, rolled_back, created_at)
    select t, k, p, c, rk, b, cm, bm, bt, co, rb::boolean, at from unnest(
      ${col((r) => r.transfer_id)}::uuid[], ${col((r) => r.kind)}::text[], ${col((r) => r.player)}::text[], ${col((r) => r.currency)}::text[],
      ${col((r) => r.round_key)}::text[], ${col((r) => r.bonus_id)}::uuid[], ${num((r) => r.cash_minor)}::bigint[], ${num((r) => r.bonus_minor)}::bigint[],
      ${col((r) => r.bonus_to)}::text[], ${num((r) => r.contribution_minor)}::bigint[], ${col((r) => String(r.rolled_back))}::text[],
      ${col((r) => r.created_at.toISOString())}::timestamptz[]) as v(t, k, p, c, rk, b, cm, bm, bt, co, rb, at)`;
}

/** A player's newest `rows_max` grants, newest first. */
export async function readPlayerBonuses(db: Queryable, player: string, rows_max: number): Promise<BonusRow[]> {
  const rows = await db<
    BonusRow[]
  >`select ${db.unsafe(BONUS_COLUMNS)} from bonuses where player = ${player} order by created_at desc, seq desc limit ${rows_max}`;
  return rows.map(bonusOfRow);
}

export async function readBonus(db: Queryable, player: string, bonus_id: string): Promise<BonusRow | undefined> {
  const rows = await db<
    BonusRow[]
  >`select ${db.unsafe(BONUS_COLUMNS)} from bonuses where player = ${player} and id::text = ${bonus_id}`;
  return rows.map(bonusOfRow)[0];
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
