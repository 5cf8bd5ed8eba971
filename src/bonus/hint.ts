import { BONUS_HINT_PAIRS_MAX } from './limits.ts';
import { PairSet } from './pair-set.ts';

/**
 * The (player, asset) pairs this process last saw holding a grant, live or recently ended. For them the
 * participant asks the writer to lock the bonus accounts in the batch's first round trip and reads their
 * splits and the catalog there too, so a bonus player's batch costs one round trip before deciding, as
 * a plain one does. Learnt from every batch's grants read and from the grants this process makes; a grant
 * made by another process is found by the grants read all the same, one batch later in the hint. Never
 * trusted for an answer: a stale entry costs a lock, a missing one the second stage. Bounded: when full it
 * starts over.
 */
export class BonusHint {
  private readonly pairs = new PairSet();

  constructor(private readonly pairs_max: number = BONUS_HINT_PAIRS_MAX) {}

  has(player: string, asset: string): boolean {
    return this.pairs.has(player, asset);
  }

  /**
   * What one grants read found: the pairs with a grant are remembered, the expected ones without one
   * dropped (a batch of players who never had a bonus costs nothing here).
   */
  learn(expected: { players: string[]; assets: string[] }, found: { player: string; asset: string }[]): void {
    const with_grant = new PairSet();
    for (const b of found) {
      with_grant.add(b.player, b.asset);
      // Most batches find the pairs they expected: known already, nothing to write.
      if (!this.pairs.has(b.player, b.asset)) this.granted(b.player, b.asset);
    }
    expected.players.forEach((player, i) => {
      if (!with_grant.has(player, expected.assets[i])) this.pairs.delete(player, expected.assets[i]);
    });
  }

  /** A grant this process is writing (or found). */
  granted(player: string, asset: string): void {
    if (this.pairs.size >= this.pairs_max && !this.pairs.has(player, asset)) this.pairs.clear();
    this.pairs.add(player, asset);
  }
}
