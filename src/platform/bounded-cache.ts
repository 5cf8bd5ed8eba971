/**
 * A cache of values that are cheap to make again: when full it starts over rather than tracking use,
 * so a hot path pays one Map lookup and memory stays bounded whatever keys arrive.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly entries_max: number) {}

  get(key: K, make: () => V): V {
    let value = this.entries.get(key);
    if (value === undefined) {
      if (this.entries.size >= this.entries_max) this.entries.clear();
      value = make();
      this.entries.set(key, value);
    }
    return value;
  }
}
