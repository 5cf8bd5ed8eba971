import { assert } from '../platform/assert.ts';

/**
 * The per-command undo log of a batch. The writer opens it around each command together with the
 * book: a command that succeeds keeps everything it recorded, a refused one has every change undone —
 * its money (Book) and its protocol rows and marks (the Journaled* structures below) alike. One
 * discipline for every handler and participant instead of one per module.
 */
export class Journal {
  private readonly undos: (() => void)[] = [];
  private open = false;

  begin(): void {
    assert(!this.open, 'commands do not nest');
    this.open = true;
  }

  commit(): void {
    assert(this.open, 'commit without begin');
    this.open = false;
    this.undos.length = 0;
  }

  undo(): void {
    assert(this.open, 'undo without begin');
    for (let i = this.undos.length - 1; i >= 0; i--) this.undos[i]();
    this.undos.length = 0;
    this.open = false;
  }

  /** Outside a command (while a batch state is being built from what was read) nothing is undone. */
  record(undo: () => void): void {
    if (this.open) this.undos.push(undo);
  }
}

/** A map whose writes inside a command are undone if the command is refused. */
export class JournaledMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly journal: Journal) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  set(key: K, value: V): void {
    const had = this.entries.has(key);
    const previous = this.entries.get(key);
    this.journal.record(() => (had ? this.entries.set(key, previous as V) : this.entries.delete(key)));
    this.entries.set(key, value);
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries[Symbol.iterator]();
  }
}

/** An append-only list (rows to insert) whose appends inside a refused command are undone. */
export class JournaledList<T> {
  private readonly items: T[] = [];

  constructor(private readonly journal: Journal) {}

  push(item: T): void {
    const length = this.items.length;
    this.journal.record(() => (this.items.length = length));
    this.items.push(item);
  }

  get length(): number {
    return this.items.length;
  }

  toArray(): readonly T[] {
    return this.items;
  }
}
