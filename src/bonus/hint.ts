import { BoundedCache } from '../platform/bounded-cache.ts';
import { BONUS_HINT_PAIRS_MAX } from './limits.ts';
import { liveKey } from './state.ts';

/**
 * The (player, asset) pairs this process last saw holding a grant, live or recently ended. For them the
 * participant asks the writer to lock the bonus accounts in the batch's first round trip and reads their
 * splits and the catalog there too, so a bonus player's batch costs one round trip before deciding, as
 * a plain one does. Learnt from every batch's grants read and from the grants this process makes; a grant
 * made by another process is found by the grants read all the same, one batch later in the hint. Never
 * trusted for an answer: a stale entry costs a lock, a missing one the second stage.
 */
export class BonusHint {
  private readonly pairs = new BoundedCache<string, true>(BONUS_HINT_PAIRS_MAX);

  has(player: string, asset: string): boolean {
    return this.pairs.peek(liveKey(player, asset)) === true;
  }

  /** What one grants read found for the batch's pairs: those with a grant are remembered, the others dropped. */
  learn(pairs: { players: string[]; assets: string[] }, found: { player: string; asset: string }[]): void {
    const with_grant = new Set(found.map((b) => liveKey(b.player, b.asset)));
    pairs.players.forEach((player, i) => {
      const key = liveKey(player, pairs.assets[i]);
      if (with_grant.has(key)) this.pairs.set(key, true);
      else this.pairs.delete(key);
    });
  }

  /** A grant this process is writing. */
  granted(player: string, asset: string): void {
    this.pairs.set(liveKey(player, asset), true);
  }
}
