/**
 * A set of (player, asset) pairs, by player and then among that player's few assets: a string made per
 * look-up (player and asset joined) had to be built, flattened and hashed every time, and a batch looks
 * its players up several times per command. The player string is usually the one the request carried,
 * so V8 hashes it once.
 */
export class PairSet {
  private readonly assets_of = new Map<string, string[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(player: string, asset: string): boolean {
    return this.assets_of.get(player)?.includes(asset) === true;
  }

  /** Adds the pair; false when it was there already. */
  add(player: string, asset: string): boolean {
    const assets = this.assets_of.get(player);
    if (assets === undefined) this.assets_of.set(player, [asset]);
    else if (assets.includes(asset)) return false;
    else assets.push(asset);
    this.count += 1;
    return true;
  }

  delete(player: string, asset: string): void {
    const assets = this.assets_of.get(player);
    if (assets === undefined) return;
    const i = assets.indexOf(asset);
    if (i < 0) return;
    if (assets.length === 1) this.assets_of.delete(player);
    else assets.splice(i, 1);
    this.count -= 1;
  }

  clear(): void {
    this.assets_of.clear();
    this.count = 0;
  }
}
