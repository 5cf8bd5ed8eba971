import type { ActionRow } from './types.ts';

/**
 * What one group-commit batch knows about actions: the rows loaded from the database plus everything
 * earlier requests of the same batch recorded. Requests write into a Draft that joins the state only
 * when the request succeeds, so a refused request leaves no trace for the requests after it.
 */
export class BatchState {
  /** By action_id: committed rows, then rows of this batch (latest version, e.g. rolled back since). */
  readonly rows = new Map<string, ActionRow>();
  /** original_action_id → the first rollback that named it (what a late original is cancelled by). */
  readonly rollbacks_of = new Map<string, ActionRow>();
  /** Rows recorded by this batch, in order: inserted by persist() in their final version. */
  readonly inserted: string[] = [];
  /** Committed bets and wins this batch rolled back: updated by persist(). */
  readonly rolled_back_committed = new Set<string>();
  private readonly committed = new Set<string>();

  constructor(loaded: ActionRow[]) {
    for (const row of loaded) {
      this.rows.set(row.action_id, row);
      this.committed.add(row.action_id);
    }
    // Oldest first, so the rollback that named an action first is the one that cancels it.
    const rollbacks = loaded.filter((r) => r.original_action_id !== null).sort(byProcessingOrder);
    for (const rollback of rollbacks) {
      if (!this.rollbacks_of.has(rollback.original_action_id!)) this.rollbacks_of.set(rollback.original_action_id!, rollback);
    }
  }

  isCommitted(action_id: string): boolean {
    return this.committed.has(action_id);
  }

  draft(): Draft {
    return new Draft(this);
  }
}

function byProcessingOrder(a: ActionRow, b: ActionRow): number {
  const by_time = a.created_at.getTime() - b.created_at.getTime();
  if (by_time !== 0) return by_time;
  return a.tx_id < b.tx_id ? -1 : a.tx_id > b.tx_id ? 1 : 0;
}

/** One request's changes on top of the batch state: read-through, applied by commit(). */
export class Draft {
  private readonly rows = new Map<string, ActionRow>();
  private readonly rollbacks_of = new Map<string, ActionRow>();
  private readonly inserted: string[] = [];
  private readonly rolled_back_committed: string[] = [];

  constructor(private readonly state: BatchState) {}

  get(action_id: string): ActionRow | undefined {
    return this.rows.get(action_id) ?? this.state.rows.get(action_id);
  }

  rollbackOf(action_id: string): ActionRow | undefined {
    return this.rollbacks_of.get(action_id) ?? this.state.rollbacks_of.get(action_id);
  }

  record(row: ActionRow): void {
    this.rows.set(row.action_id, row);
    this.inserted.push(row.action_id);
    if (row.original_action_id !== null && !this.rollbackOf(row.original_action_id)) {
      this.rollbacks_of.set(row.original_action_id, row);
    }
  }

  markRolledBack(original: ActionRow): void {
    this.rows.set(original.action_id, { ...original, rolled_back: true });
    if (this.state.isCommitted(original.action_id)) this.rolled_back_committed.push(original.action_id);
  }

  commit(): void {
    for (const [id, row] of this.rows) this.state.rows.set(id, row);
    for (const [id, row] of this.rollbacks_of) this.state.rollbacks_of.set(id, row);
    this.state.inserted.push(...this.inserted);
    for (const id of this.rolled_back_committed) this.state.rolled_back_committed.add(id);
  }
}
