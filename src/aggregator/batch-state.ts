import { JournaledList, JournaledMap, type Journal } from '../ledger/journal.ts';
import type { ActionRow } from './types.ts';

/**
 * What one group-commit batch knows about actions: the rows read from the database plus everything
 * earlier requests of the same batch recorded. Every write goes through the ledger's journal, so a
 * refused request leaves no trace for the requests after it.
 */
export class BatchState {
  /** By action_id: committed rows, then rows of this batch (latest version, e.g. rolled back since). */
  readonly rows: JournaledMap<string, ActionRow>;
  /** original_action_id → the first rollback that named it (what a late original is cancelled by). */
  readonly rollbacks_of: JournaledMap<string, ActionRow>;
  /** Rows recorded by this batch, in order: inserted by persist() in their final version. */
  readonly inserted: JournaledList<string>;
  /** Committed bets and wins this batch rolled back: updated by persist(). */
  readonly rolled_back_committed: JournaledList<string>;
  private readonly committed = new Set<string>();

  constructor(loaded: ActionRow[], journal: Journal) {
    this.rows = new JournaledMap(journal);
    this.rollbacks_of = new JournaledMap(journal);
    this.inserted = new JournaledList(journal);
    this.rolled_back_committed = new JournaledList(journal);
    for (const row of loaded) {
      this.rows.set(row.action_id, row);
      this.committed.add(row.action_id);
    }
    // Oldest first, so the rollback that named an action first is the one that cancels it.
    const rollbacks = loaded.filter((r) => r.original_action_id !== null).sort(byProcessingOrder);
    for (const rollback of rollbacks) {
      if (!this.rollbacks_of.has(rollback.original_action_id!))
        this.rollbacks_of.set(rollback.original_action_id!, rollback);
    }
  }

  get(action_id: string): ActionRow | undefined {
    return this.rows.get(action_id);
  }

  rollbackOf(action_id: string): ActionRow | undefined {
    return this.rollbacks_of.get(action_id);
  }

  record(row: ActionRow): void {
    this.rows.set(row.action_id, row);
    this.inserted.push(row.action_id);
    if (row.original_action_id !== null && !this.rollbacks_of.has(row.original_action_id)) {
      this.rollbacks_of.set(row.original_action_id, row);
    }
  }

  markRolledBack(original: ActionRow): void {
    this.rows.set(original.action_id, { ...original, rolled_back: true });
    if (this.committed.has(original.action_id)) this.rolled_back_committed.push(original.action_id);
  }

  insertedRows(): ActionRow[] {
    return this.inserted.toArray().map((id) => this.rows.get(id)!);
  }
}

function byProcessingOrder(a: ActionRow, b: ActionRow): number {
  const by_time = a.created_at.getTime() - b.created_at.getTime();
  if (by_time !== 0) return by_time;
  return a.tx_id < b.tx_id ? -1 : a.tx_id > b.tx_id ? 1 : 0;
}
