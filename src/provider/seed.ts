import type { AppContext } from '../ledger/context.ts';
import { GAMES } from './games.ts';

/**
 * Jaqpot Games' catalogue is code (a paytable is game logic, checked against its configured RTP when
 * the module loads), so there is nothing to write; the seed reports what the provider offers.
 */
export async function seedProvider(_ctx: AppContext): Promise<string[]> {
  return [
    `Jaqpot Games offers ${GAMES.map((g) => `${g.game_id} ${g.name} (${g.kind}, RTP ${g.rtp_bp / 100} %)`).join(', ')}`,
  ];
}
