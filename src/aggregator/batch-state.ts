import { JournaledList, JournaledMap, type Journal } from '../ledger/journal.ts';
import type { CommittedStake } from '../play/bonus.ts';
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
  /**
   * Per round (player, currency, game_id): its bets staked with a bonus and standing when the batch read
   * them. Not journaled and never updated: this batch's own bets and rollbacks are the bonus
   * participant's (play/money.ts pay adds both).
   */
  private readonly bonus_stakes = new Map<string, CommittedStake[]>();

  constructor(loaded: ActionRow[], journal: Journal) {
    this.rows = new JournaledMap(journal);
    this.rollbacks_of = new JournaledMap(journal);
    this.inserted = new JournaledList(journal);
    this.rolled_back_committed = new JournaledList(journal);
    for (const row of loaded) {
      // A row may come twice (named by id and a bonus bet of a win's round): counted once.
      if (this.committed.has(row.action_id)) continue;
      this.rows.set(row.action_id, row);
      this.committed.add(row.action_id);
      if (row.action === 'bet' && row.bonus_id !== null && !row.rolled_back && row.game_id !== null) {
        const key = stakesKey(row.user_id, row.currency, row.game_id);
        const stakes = this.bonus_stakes.get(key) ?? [];
        const bonus_minor = row.bonus_minor;
        stakes.push({
          bonus_id: row.bonus_id,
          cash_minor: row.amount_minor! - bonus_minor,
          bonus_minor,
          at: row.created_at,
        });
        this.bonus_stakes.set(key, stakes);
      }
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

  /** The round's bonus bets of earlier batches (read for the rounds the batch's wins are paid in). */
  committedStakes(user_id: string, currency: string, game_id: string | null): readonly CommittedStake[] {
    return game_id === null ? [] : (this.bonus_stakes.get(stakesKey(user_id, currency, game_id)) ?? []);
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

function stakesKey(user_id: string, currency: string, game_id: string): string {
  return `${user_id}\u0000${currency}\u0000${game_id}`;
}

function byProcessingOrder(a: ActionRow, b: ActionRow): number {
  const by_time = a.created_at.getTime() - b.created_at.getTime();
  if (by_time !== 0) return by_time;
  return a.tx_id < b.tx_id ? -1 : a.tx_id > b.tx_id ? 1 : 0;
}
