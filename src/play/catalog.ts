import type { Queryable } from '../db/sql.ts';

/** The game categories of SPEC §5; a game never registered is `other`. */
export const GAME_CATEGORIES = ['slots', 'table', 'live', 'other'] as const;
export type GameCategory = (typeof GAME_CATEGORIES)[number];

/** Wagering contribution per category, integer percent 0..100. */
export type Contributions = Record<GameCategory, number>;

export const DEFAULT_CONTRIBUTIONS: Contributions = { slots: 100, table: 10, live: 0, other: 0 };

/**
 * What play needs of the catalog while a batch is decided: each game's category and the contribution
 * table. Read inside the batch's transaction (see the bonus participant), so a bet counts with the
 * contribution committed when it was decided.
 */
export interface GameCatalog {
  categories: Map<string, GameCategory>;
  contributions: Contributions;
}

/** A game's key in a catalog and in a batch's references (BatchReferences.games). */
export function gameKey(provider: string, game: string): string {
  return `${provider}\u0000${game}`;
}

export function categoryOf(catalog: GameCatalog, provider: string, game: string): GameCategory {
  return catalog.categories.get(gameKey(provider, game)) ?? 'other';
}

/** floor(stake × percent / 100) of the game's category: what one stake adds to a bonus's wagering. */
export function contributionOf(catalog: GameCatalog, provider: string, game: string, stake_minor: bigint): bigint {
  const percent = catalog.contributions[categoryOf(catalog, provider, game)];
  return (stake_minor * BigInt(percent)) / 100n;
}

export interface GameRow {
  provider: string;
  game: string;
  category: GameCategory;
  name: string | null;
}

export function catalogOf(
  games: readonly Pick<GameRow, 'provider' | 'game' | 'category'>[],
  contributions: readonly { category: string; percent: number }[],
): GameCatalog {
  const table: Contributions = { ...DEFAULT_CONTRIBUTIONS };
  for (const row of contributions) table[row.category as GameCategory] = Number(row.percent);
  return { categories: new Map(games.map((g) => [gameKey(g.provider, g.game), g.category])), contributions: table };
}

/** A game key's parts (gameKey's inverse: a provider never holds a NUL, PostgreSQL text cannot). */
export function gameOfKey(key: string): { provider: string; game: string } {
  const cut = key.indexOf('\u0000');
  return { provider: key.slice(0, cut), game: key.slice(cut + 1) };
}

/** The contribution table as stored (defaults for a category without a row). */
export async function readContributions(db: Queryable): Promise<Contributions> {
  const rows = await db<{ category: string; percent: number }[]>`select category, percent from bonus_contributions`;
  return catalogOf([], rows).contributions;
}
