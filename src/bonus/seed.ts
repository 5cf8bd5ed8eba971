import type { AppContext } from '../ledger/context.ts';
import type { GameRow } from '../play/catalog.ts';
import { upsertGame } from './store.ts';

/** SPEC §5's demo catalog. */
export const DEMO_GAMES: GameRow[] = [
  { provider: 'demo', game: 'starburst', category: 'slots', name: 'Starburst' },
  { provider: 'demo', game: 'blackjack', category: 'table', name: 'Blackjack' },
  { provider: 'demo', game: 'roulette-live', category: 'live', name: 'Live Roulette' },
  { provider: 'jaqpot', game: '1', category: 'slots', name: 'Jaqpot Slot' },
  { provider: 'jaqpot', game: '2', category: 'table', name: 'Jaqpot Coin Flip' },
];

export async function seedBonus(ctx: AppContext): Promise<string[]> {
  for (const game of DEMO_GAMES) await upsertGame(ctx.sql, game);
  return [`game catalog: ${DEMO_GAMES.map((g) => `${g.provider}:${g.game} ${g.category}`).join(', ')}`];
}
