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
    return this.hasKey(liveKey(player, asset));
  }

  /** has() for a pair's key as liveKey made it. */
  hasKey(pair: string): boolean {
    return this.pairs.peek(pair) === true;
  }

  /**
   * What one grants read found: the pairs with a grant are remembered, the expected ones without one
   * dropped (a batch of players who never had a bonus costs nothing here).
   */
  learn(expected: { players: string[]; assets: string[] }, found: { player: string; asset: string }[]): void {
    const with_grant = new Set<string>();
    for (const b of found) {
      const key = liveKey(b.player, b.asset);
      with_grant.add(key);
      // Most batches find the pairs they expected: known already, nothing to write.
      if (!this.hasKey(key)) this.pairs.set(key, true);
    }
    expected.players.forEach((player, i) => {
      const key = liveKey(player, expected.assets[i]);
      if (!with_grant.has(key)) this.pairs.delete(key);
    });
  }

  /** A grant this process is writing. */
  granted(player: string, asset: string): void {
    this.pairs.set(liveKey(player, asset), true);
  }
}
