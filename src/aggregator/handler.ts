import type { TransactionSql } from '../db/sql.ts';
import type { Book } from '../ledger/book.ts';
import type { CommandHandler } from '../ledger/command.ts';
import { playerAccount, refuse, succeed, systemAccount, type AccountKey, type Outcome } from '../ledger/types.ts';
import { assert } from '../platform/assert.ts';
import { uuidv7 } from '../platform/uuid.ts';
import { BatchState, type Draft } from './batch-state.ts';
import { rollupDeltas } from './rollup.ts';
import { insertActions, loadActions, markRolledBack, upsertRollups } from './store.ts';
import type { ActionInput, ActionRow, ProcessInput, ProcessResult } from './types.ts';

/** The accounts one request may touch: the player's wallet (created on first sight) and the house. */
export function accountsOf(input: { user_id: string; currency: string }): { player: AccountKey; house: AccountKey } {
  return { player: playerAccount(input.user_id, input.currency), house: systemAccount('house', input.currency) };
}

/**
 * One request = one ledger command, so its actions are all-or-nothing. Idempotency is the
 * aggregator_actions primary key, written in the same transaction as the money; the ledger transfers
 * are unkeyed (each action row's tx_id names its transfer), which spares them a second unique index.
 * Every request of a group-commit batch is loaded with one query, decided in memory in arrival order,
 * and persisted with one insert, at most one update and one rollup upsert.
 */
export const processHandler: CommandHandler<ProcessInput, ProcessResult, BatchState> = {
  name: 'aggregator.process',

  async load(tx: TransactionSql, inputs: ProcessInput[]): Promise<BatchState> {
    const action_ids = inputs.flatMap((i) => i.actions.map((a) => a.action_id));
    const originals = inputs.flatMap((i) => i.actions.flatMap((a) => (a.original_action_id === null ? [] : [a.original_action_id])));
    return new BatchState(await loadActions(tx, [...new Set([...action_ids, ...originals])], [...new Set(action_ids)]));
  },

  apply(book: Book, input: ProcessInput, state: BatchState): Outcome<ProcessResult> {
    const draft = state.draft();
    const transactions = [];
    for (const action of input.actions) {
      const decided = decideAction(book, draft, input, action);
      if (!decided.ok) return decided;
      transactions.push({ action_id: action.action_id, tx_id: decided.value });
    }
    draft.commit();
    return succeed({ transactions, balance_minor: book.balance(accountsOf(input).player) });
  },

  // Unawaited: the writer pipelines these behind the ledger's writes, with COMMIT, in one round trip.
  persist(tx: TransactionSql, _decided, state: BatchState) {
    const inserted = state.inserted.map((id) => state.rows.get(id)!);
    const rolled_back = [...state.rolled_back_committed].map((id) => state.rows.get(id)!);
    return [
      ...insertActions(tx, inserted),
      ...markRolledBack(tx, [...state.rolled_back_committed]),
      ...upsertRollups(tx, rollupDeltas(inserted, rolled_back)),
    ];
  },
};

/** An action's tx_id, or the refusal that fails the whole request. */
function decideAction(book: Book, draft: Draft, input: ProcessInput, action: ActionInput): Outcome<string> {
  const existing = draft.get(action.action_id);
  if (existing) return replay(existing, input, action);
  if (action.action === 'rollback') return rollback(book, draft, input, action);
  return betOrWin(book, draft, input, action);
}

/** An action_id seen before: the same content answers its first tx_id; anything else is a conflict. */
function replay(existing: ActionRow, input: ProcessInput, action: ActionInput): Outcome<string> {
  const differs = [
    existing.action !== action.action && 'action',
    existing.user_id !== input.user_id && 'user_id',
    existing.currency !== input.currency && 'currency',
    existing.amount_minor !== action.amount_minor && 'amount',
    existing.original_action_id !== action.original_action_id && 'original_action_id',
  ].filter((f): f is string => f !== false);
  if (differs.length === 0) return succeed(existing.tx_id);
  return refuse('AGGREGATOR_ACTION_CONFLICT', `Action ${action.action_id} was already processed with a different ${differs.join(', ')}.`);
}

function betOrWin(book: Book, draft: Draft, input: ProcessInput, action: ActionInput): Outcome<string> {
  const amount_minor = action.amount_minor;
  assert(amount_minor !== null && amount_minor >= (action.action === 'bet' ? 1n : 0n), `${action.action} amount checked at the boundary`);
  const cancelled_by = draft.rollbackOf(action.action_id);
  if (cancelled_by && !samePlayer(cancelled_by, input)) {
    return refuse('AGGREGATOR_FOREIGN_ROLLBACK', `Action ${action.action_id} was rolled back in advance by a rollback of another player or currency.`);
  }
  let tx_id: string | undefined;
  // A pre-rolled-back original is recorded with its own tx_id and moves nothing; so does a win of 0.
  if (!cancelled_by && amount_minor > 0n) {
    const { player, house } = accountsOf(input);
    const bet = action.action === 'bet';
    const moved = book.transfer({
      from: bet ? player : house, to: bet ? house : player, amount_minor, kind: `aggregator_${action.action}`,
    });
    if (!moved.ok) return refusal(moved.error);
    tx_id = moved.value.id;
  }
  tx_id ??= freshTxId(book);
  draft.record(newRow(book, input, action, tx_id, cancelled_by !== undefined));
  return succeed(tx_id);
}

function rollback(book: Book, draft: Draft, input: ProcessInput, action: ActionInput): Outcome<string> {
  const original_id = action.original_action_id;
  assert(original_id !== null && original_id !== action.action_id, 'rollback target checked at the boundary');
  if (draft.rollbackOf(action.action_id)) {
    return refuse('AGGREGATOR_ROLLBACK_OF_ROLLBACK', `Action ${action.action_id} is a rollback that an earlier rollback already named; a rollback cannot be rolled back.`);
  }
  const original = draft.get(original_id);
  let tx_id: string | undefined;
  if (original) {
    if (!samePlayer(original, input)) {
      return refuse('AGGREGATOR_FOREIGN_ROLLBACK', `original_action_id ${original_id} is an action of another player or currency.`);
    }
    if (original.action === 'rollback') {
      return refuse('AGGREGATOR_ROLLBACK_OF_ROLLBACK', `original_action_id ${original_id} is a rollback; a rollback cannot be rolled back.`);
    }
    // Already cancelled (by an earlier rollback or in advance): a no-op that still gets its own tx_id.
    if (!original.rolled_back) {
      const reversed = reverse(book, input, action, original);
      if (!reversed.ok) return reversed;
      tx_id = reversed.value;
      draft.markRolledBack(original);
    }
  }
  tx_id ??= freshTxId(book);
  draft.record(newRow(book, input, action, tx_id, false));
  return succeed(tx_id);
}

/** Moves the original's money back; a win of 0 moved nothing and has nothing to move back. */
function reverse(book: Book, input: ProcessInput, action: ActionInput, original: ActionRow): Outcome<string | undefined> {
  const amount_minor = original.amount_minor!;
  if (amount_minor === 0n) return succeed(undefined);
  const { player, house } = accountsOf(input);
  const bet = original.action === 'bet';
  const moved = book.transfer({
    from: bet ? house : player, to: bet ? player : house, amount_minor, kind: 'aggregator_rollback',
    // A committed bet or win that was not cancelled moved money, and its tx_id is that transfer's id.
    reverses_id: original.tx_id,
  });
  if (!moved.ok) return refusal(moved.error);
  return succeed(moved.value.id);
}

/** The ledger's refusal in this protocol's codes (a balance the wire cannot carry is refused, SPEC §0). */
function refusal(error: string): Outcome<never> {
  if (error === 'BALANCE_LIMIT') return refuse('AGGREGATOR_BALANCE_LIMIT');
  assert(error === 'INSUFFICIENT_FUNDS', `aggregator accounts are locked for the batch, got ${error}`);
  return refuse('AGGREGATOR_INSUFFICIENT_FUNDS');
}

/** The tx_id of an action that moved no money (a moving one answers its transfer's id). */
function freshTxId(book: Book): string {
  return uuidv7(book.created_at.getTime());
}

function samePlayer(row: ActionRow, input: ProcessInput): boolean {
  return row.user_id === input.user_id && row.currency === input.currency;
}

function newRow(book: Book, input: ProcessInput, action: ActionInput, tx_id: string, rolled_back: boolean): ActionRow {
  return {
    action_id: action.action_id, user_id: input.user_id, currency: input.currency, action: action.action,
    amount_minor: action.amount_minor, original_action_id: action.original_action_id, tx_id, rolled_back,
    game: input.game, game_id: input.game_id, created_at: book.created_at,
  };
}
