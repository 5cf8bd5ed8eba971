import type { CommandHandler } from '../ledger/command.ts';
import type { Book } from '../ledger/book.ts';
import { playerAccount, refuse, succeed, systemAccount, type Outcome, type TransferRecord } from '../ledger/types.ts';
import { amountToJson } from '../platform/money.ts';
import { uuidv7 } from '../platform/uuid.ts';
import { PLAYER_BALANCE_MAX_MINOR } from './limits.ts';
import { sessionRefusal } from './session.ts';
import { insertTransactions, markRolledBack, readBatchRows } from './store.ts';
import type { CallInput, CallResult, TransactionRow } from './types.ts';

/** Ledger scope of every seamless transfer: (scope, external_id) is unique, a second guard behind our key. */
export const SEAMLESS_SCOPE = 'seamless';

/**
 * Committed rows the batch's calls refer to, plus what earlier calls of the same batch decided
 * (a debit and its rollback in one batch: the rollback must see the debit).
 */
interface BatchState {
  rows: Map<string, TransactionRow>;
  round_debits: Map<string, TransactionRow[]>;
  new_ids: Set<string>;
  new_rows: TransactionRow[];
  marks: { debit_id: string; rollback_id: string }[];
}

/**
 * The casino's money callbacks as a ledger command: decided under the player's and the house's row
 * locks, the stored answer written in the same transaction as the money.
 */
export const callHandler: CommandHandler<CallInput, CallResult, BatchState> = {
  name: 'seamless.call',

  async load(tx, inputs) {
    const ids = new Set<string>();
    const rounds = new Set<string>();
    for (const input of inputs) {
      ids.add(input.external_transaction_id);
      if (input.original_transaction_id) ids.add(input.original_transaction_id);
      if (input.kind === 'credit' && input.round_id) rounds.add(input.round_id);
    }
    const rows = await readBatchRows(tx, [...ids], [...rounds]);
    const state: BatchState = { rows: new Map(rows.map((r) => [r.external_transaction_id, r])), round_debits: new Map(), new_ids: new Set(), new_rows: [], marks: [] };
    for (const row of rows) if (row.kind === 'debit' && rounds.has(row.round_id!)) addRoundDebit(state, row);
    return state;
  },

  apply(book, input, state) {
    const existing = state.rows.get(input.external_transaction_id);
    if (existing) return replay(input, existing);
    const invalid = sessionRefusal(input.session, input, input.received_at.getTime(), input.kind !== 'debit');
    if (invalid) return invalid;
    if (input.kind === 'debit') return debit(book, input, state);
    if (input.kind === 'credit') return credit(book, input, state);
    return rollback(book, input, state);
  },

  // Unawaited: the writer pipelines these behind the ledger's writes, with COMMIT, in one round trip.
  persist(tx, _decided, state) {
    return [...insertTransactions(tx, state.new_rows), ...markRolledBack(tx, state.marks)];
  },
};

function addRoundDebit(state: BatchState, debit: TransactionRow): void {
  const list = state.round_debits.get(debit.round_id!) ?? [];
  list.push(debit);
  state.round_debits.set(debit.round_id!, list);
}

/** A repeated id: the first answer again when it is the same call; otherwise a refusal. */
function replay(input: CallInput, existing: TransactionRow): Outcome<CallResult> {
  if (existing.kind === 'tombstone') {
    if (input.kind === 'debit') {
      return refuse('SEAMLESS_TRANSACTION_ROLLED_BACK', `externalTransactionId ${input.external_transaction_id} was rolled back by ${existing.rolled_back_by} before it arrived; the debit is refused and nothing was moved.`);
    }
    return refuse('SEAMLESS_IDEMPOTENCY_CONFLICT', `externalTransactionId ${input.external_transaction_id} is a rolled-back debit id and cannot be reused for a ${input.kind}.`);
  }
  const same = existing.kind === input.kind && existing.user_id === input.user_id && existing.currency === input.currency
    && existing.round_id === input.round_id && existing.amount_minor === input.amount_minor
    && existing.original_transaction_id === input.original_transaction_id;
  if (!same) {
    return refuse('SEAMLESS_IDEMPOTENCY_CONFLICT', `externalTransactionId ${input.external_transaction_id} was already used for a different ${existing.kind} (type, userId, currency, roundId, amount or originalTransactionId differ).`);
  }
  return succeed({ response: { status: existing.response_status!, body: existing.response_body! }, replayed: true });
}

function expired(input: CallInput): boolean {
  return input.received_at.getTime() >= input.session!.expires_at.getTime();
}

function respond(book: Book, input: CallInput, transaction_id: string): { status: number; body: string } {
  const balance = book.balance(playerAccount(input.user_id, input.currency));
  return { status: 200, body: JSON.stringify({ balance: amountToJson(balance), currency: input.currency, transactionId: transaction_id }) };
}

function newRow(input: CallInput, transfer: TransferRecord | undefined, response: { status: number; body: string } | undefined, transaction_id: string): TransactionRow {
  return {
    external_transaction_id: input.external_transaction_id,
    kind: input.kind,
    transaction_id,
    session_token: input.session_token,
    user_id: input.user_id,
    currency: input.currency,
    game_id: input.game_id ?? input.session?.game_id ?? null,
    round_id: input.round_id,
    amount_minor: input.amount_minor,
    original_transaction_id: input.original_transaction_id,
    transfer_id: transfer?.id ?? null,
    rolled_back_by: null,
    response_status: response?.status ?? null,
    response_body: response?.body ?? null,
  };
}

function record(state: BatchState, row: TransactionRow): void {
  state.rows.set(row.external_transaction_id, row);
  state.new_ids.add(row.external_transaction_id);
  state.new_rows.push(row);
  if (row.kind === 'debit') addRoundDebit(state, row);
}

function settled(book: Book, input: CallInput, state: BatchState, transfer?: TransferRecord): Outcome<CallResult> {
  if (!book.exists(playerAccount(input.user_id, input.currency))) return refuse('SEAMLESS_PLAYER_NOT_FOUND', `userId ${input.user_id} has no ${input.currency} wallet.`);
  const transaction_id = transfer?.id ?? uuidv7();
  const response = respond(book, input, transaction_id);
  record(state, newRow(input, transfer, response, transaction_id));
  return succeed({ response, replayed: false });
}

function move(book: Book, input: CallInput, direction: 'bet' | 'win' | 'rollback', amount_minor: bigint, reverses_id?: string): Outcome<TransferRecord> {
  const player = playerAccount(input.user_id, input.currency);
  const house = systemAccount('house', input.currency);
  const [from, to] = direction === 'bet' ? [player, house] : [house, player];
  const result = book.transfer({
    from, to, amount_minor, kind: direction, scope: SEAMLESS_SCOPE, external_id: input.external_transaction_id,
    reverses_id: reverses_id ?? undefined,
    metadata: { surface: 'seamless', game_id: input.game_id ?? input.session?.game_id, round_id: input.round_id },
  });
  if (result.ok) return result;
  if (result.error === 'INSUFFICIENT_FUNDS') return refuse('SEAMLESS_INSUFFICIENT_FUNDS', `userId ${input.user_id} has not enough ${input.currency} for a debit of ${amount_minor}; nothing was moved.`);
  // The answer carries the balance as a JSON number: the ledger refuses a balance JSON cannot hold.
  if (result.error === 'BALANCE_LIMIT') return refuse('SEAMLESS_BALANCE_LIMIT_EXCEEDED', `A ${direction} of ${amount_minor} would take userId ${input.user_id}'s balance above ${PLAYER_BALANCE_MAX_MINOR}; nothing was moved.`);
  return refuse('SEAMLESS_PLAYER_NOT_FOUND', `userId ${input.user_id} has no ${input.currency} wallet.`);
}

function debit(book: Book, input: CallInput, state: BatchState): Outcome<CallResult> {
  const moved = move(book, input, 'bet', input.amount_minor!);
  if (!moved.ok) return moved;
  return settled(book, input, state, moved.value);
}

function credit(book: Book, input: CallInput, state: BatchState): Outcome<CallResult> {
  const standing = (state.round_debits.get(input.round_id!) ?? [])
    .filter((d) => d.user_id === input.user_id && d.currency === input.currency && d.rolled_back_by === null);
  if (standing.length === 0) {
    return refuse('SEAMLESS_UNKNOWN_TRANSACTION', `roundId ${input.round_id} has no standing debit of userId ${input.user_id} in ${input.currency}; nothing was credited.`);
  }
  if (expired(input) && !standing.some((d) => d.session_token === input.session_token)) {
    return refuse('SEAMLESS_INVALID_SESSION', `sessionToken expired at ${input.session!.expires_at.toISOString()} and did not place this round's debit.`);
  }
  if (input.amount_minor === 0n) return settled(book, input, state);
  const moved = move(book, input, 'win', input.amount_minor!);
  if (!moved.ok) return moved;
  return settled(book, input, state, moved.value);
}

function rollback(book: Book, input: CallInput, state: BatchState): Outcome<CallResult> {
  const original_id = input.original_transaction_id!;
  const original = state.rows.get(original_id);
  if (!original) return tombstone(book, input, state);
  if (original.kind === 'tombstone') return settled(book, input, state);
  if (original.kind !== 'debit') {
    return refuse('SEAMLESS_ROLLBACK_NOT_ALLOWED', `originalTransactionId ${original_id} is a ${original.kind}; only debits can be rolled back.`);
  }
  const mismatch = original.user_id !== input.user_id || original.currency !== input.currency
    || (input.round_id !== null && input.round_id !== original.round_id)
    || (input.amount_minor !== null && input.amount_minor !== original.amount_minor);
  if (mismatch) {
    return refuse('SEAMLESS_TRANSACTION_MISMATCH', `originalTransactionId ${original_id} is a debit of another userId, currency, roundId or amount; nothing was moved.`);
  }
  if (expired(input) && original.session_token !== input.session_token) {
    return refuse('SEAMLESS_INVALID_SESSION', `sessionToken expired at ${input.session!.expires_at.toISOString()} and did not place debit ${original_id}.`);
  }
  if (original.rolled_back_by !== null) return settled(book, input, state);
  const moved = move(book, input, 'rollback', original.amount_minor!, original.transfer_id ?? undefined);
  if (!moved.ok) return moved;
  const outcome = settled(book, input, state, moved.value);
  if (outcome.ok) markDebit(state, original, input.external_transaction_id);
  return outcome;
}

/** The original never arrived: remember its id as rolled back so it is refused if it ever does. */
function tombstone(book: Book, input: CallInput, state: BatchState): Outcome<CallResult> {
  const outcome = settled(book, input, state);
  if (!outcome.ok) return outcome;
  const marker: TransactionRow = {
    ...newRow(input, undefined, undefined, uuidv7()),
    external_transaction_id: input.original_transaction_id!,
    kind: 'tombstone',
    original_transaction_id: null,
    amount_minor: null,
    rolled_back_by: input.external_transaction_id,
  };
  record(state, marker);
  return outcome;
}

function markDebit(state: BatchState, debit_row: TransactionRow, rollback_id: string): void {
  debit_row.rolled_back_by = rollback_id;
  if (!state.new_ids.has(debit_row.external_transaction_id)) state.marks.push({ debit_id: debit_row.external_transaction_id, rollback_id });
}
