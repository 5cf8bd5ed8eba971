import type { AccountKey } from './types.ts';

interface Entry<V> {
  key: AccountKey;
  value: V;
}

/**
 * A map keyed by account key, looked up by owner and then among that owner's few accounts (a player has
 * a cash and a bonus account per asset). A string key made per look-up (kind, owner, purpose, asset
 * joined) had to be built, flattened and hashed every time: ~200 ns a look-up against ~30 here, and
 * every batch looks accounts up dozens of times per request. The owner string is usually the one the
 * request carried, so V8 hashes it once.
 */
export class AccountKeyMap<V> {
  private readonly by_owner = new Map<string, Entry<V>[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: AccountKey): V | undefined {
    return this.entry(key)?.value;
  }

  has(key: AccountKey): boolean {
    return this.entry(key) !== undefined;
  }

  set(key: AccountKey, value: V): void {
    const found = this.entry(key);
    if (found) {
      found.value = value;
      return;
    }
    const entries = this.by_owner.get(key.owner);
    // A copy: the caller's key object may be changed after it was handed over.
    const entry = { key: { kind: key.kind, owner: key.owner, purpose: key.purpose, asset: key.asset }, value };
    if (entries) entries.push(entry);
    else this.by_owner.set(key.owner, [entry]);
    this.count += 1;
  }

  clear(): void {
    this.by_owner.clear();
    this.count = 0;
  }

  *values(): IterableIterator<V> {
    for (const entries of this.by_owner.values()) for (const { value } of entries) yield value;
  }

  private entry(key: AccountKey): Entry<V> | undefined {
    const entries = this.by_owner.get(key.owner);
    if (entries === undefined) return undefined;
    for (const entry of entries) {
      const k = entry.key;
      if (k.purpose === key.purpose && k.asset === key.asset && k.kind === key.kind) return entry;
    }
    return undefined;
  }
}
