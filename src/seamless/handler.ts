import type { TransactionSql } from '../db/sql.ts';
import type { Batch, CommandHandler } from '../ledger/command.ts';
import { JournaledList, JournaledMap, type Journal } from '../ledger/journal.ts';
import { playerAccount, type TransferRecord } from '../ledger/types.ts';
import { amountToJson } from '../platform/money.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import { uuidv7 } from '../platform/uuid.ts';
import {
  bonusPartOf,
  pay,
  refund,
  refundedBonusPart,
  stake,
  stakedBonusOf,
  stakedBonusOfRow,
  type ProtocolRefusals,
  type RefundedOriginal,
} from '../play/money.ts';
import { playableBalance, type CommittedStake, type StakedBonus } from '../play/bonus.ts';
import type { Round } from '../play/round.ts';
import { gameKey } from '../play/catalog.ts';
import { SEAMLESS_ERRORS } from './errors.ts';
import { PLAYER_BALANCE_MAX_MINOR } from './limits.ts';
import { sessionRefusal } from './session.ts';
import { insertTransactions, markRolledBack, readBatchRows } from './store.ts';
import {
  BUILT_IN_PROVIDER,
  type CallInput,
  type CallResult,
  type MoneyCall,
  type RollbackCall,
  type Session,
  type TransactionRow,
} from './types.ts';

/** Ledger scope of every seamless transfer: (scope, external_id) is unique, a second guard behind our key. */
export const SEAMLESS_SCOPE = 'seamless';

/**
 * Committed rows the batch's calls refer to, plus what earlier calls of the same batch decided (a debit
 * and its rollback in one batch: the rollback must see the debit). Journaled: a refused call leaves nothing.
 */
interface BatchState {
  rows: JournaledMap<string, TransactionRow>;
  /** Debit ids per round (a credit needs a standing debit of its round). */
  round_debits: JournaledMap<string, readonly string[]>;
  new_rows: JournaledList<string>;
  marks: JournaledList<{ debit_id: string; rollback_id: string }>;
  committed: Set<string>;
  /**
   * The committed rows as read (never updated): a credit's round stakes are its standing debits of earlier
   * batches as they were before this batch; this batch's own debits and rollbacks are the bonus participant's.
   */
  read: Map<string, TransactionRow>;
}

function refusalsFor(input: CallInput): ProtocolRefusals {
  return {
    insufficient_funds: SEAMLESS_ERRORS.SEAMLESS_INSUFFICIENT_FUNDS,
    balance_limit: SEAMLESS_ERRORS.SEAMLESS_BALANCE_LIMIT_EXCEEDED,
    bonus_max_bet: SEAMLESS_ERRORS.SEAMLESS_BONUS_MAX_BET,
    account_not_found: SEAMLESS_ERRORS.SEAMLESS_PLAYER_NOT_FOUND,
    describe: (refusal, amount_minor) => {
      if (refusal === 'INSUFFICIENT_FUNDS')
        return `userId ${input.user_id} has not enough ${input.currency} for a debit of ${amount_minor}; nothing was moved.`;
      // The answer carries the balance as a JSON number: the ledger refuses a balance JSON cannot hold.
      if (refusal === 'BALANCE_LIMIT')
        return `A ${input.kind} of ${amount_minor} would take userId ${input.user_id}'s balance above ${PLAYER_BALANCE_MAX_MINOR}; nothing was moved.`;
      return `userId ${input.user_id} has no ${input.currency} wallet.`;
    },
  };
}

function roundOf(input: CallInput, round_id: string | null = input.round_id): Round {
  const game = input.game_id ?? input.session?.game_id ?? '';
  return {
    surface: 'casino',
    provider: BUILT_IN_PROVIDER,
    game,
    round_id,
    player: input.user_id,
    currency: input.currency,
  };
}

/**
 * The casino's money callbacks as a ledger command: decided under the player's and the house's row
 * locks, the stored answer written in the same transaction as the money.
 */
export const callHandler: CommandHandler<CallInput, CallResult, BatchState, TransactionRow[]> = {
  name: 'seamless.call',

  read(tx: TransactionSql, inputs: CallInput[]): Promise<TransactionRow[]> {
    const ids = new Set<string>();
    const rounds = new Set<string>();
    for (const input of inputs) {
      ids.add(input.external_transaction_id);
      if (input.original_transaction_id) ids.add(input.original_transaction_id);
      if (input.kind === 'credit' && input.round_id) rounds.add(input.round_id);
    }
    return readBatchRows(tx, [...ids], [...rounds]);
  },

  state(rows: TransactionRow[] | undefined, journal: Journal): BatchState {
    const state: BatchState = {
      rows: new JournaledMap(journal),
      round_debits: new JournaledMap(journal),
      new_rows: new JournaledList(journal),
      marks: new JournaledList(journal),
      committed: new Set(),
      read: new Map(),
    };
    for (const row of rows ?? []) {
      // union: a row comes once, even when named by id and as a debit of a credit's round.
      state.rows.set(row.external_transaction_id, row);
      state.read.set(row.external_transaction_id, row);
      state.committed.add(row.external_transaction_id);
      if (row.kind === 'debit') addRoundDebit(state, row);
    }
    return state;
  },

  apply(batch, input, state) {
    const existing = state.rows.get(input.external_transaction_id);
    if (existing) return replay(input, existing);
    const invalid = sessionRefusal(input.session, input, input.received_at.getTime(), input.kind !== 'debit');
    if (invalid || !input.session) return invalid ?? refuse(SEAMLESS_ERRORS.SEAMLESS_INVALID_SESSION);
    return decideCall(batch, input, input.session, state);
  },

  // Unawaited: the writer pipelines these behind the ledger's writes, with COMMIT, in one round trip.
  persist(tx, state) {
    const rows = state.new_rows.toArray().map((id) => state.rows.get(id)!);
    return [...insertTransactions(tx, rows), ...markRolledBack(tx, [...state.marks.toArray()])];
  },

  // The games debits stake on.
  references(inputs) {
    const games: string[] = [];
    for (const input of inputs) {
      if (input.kind === 'debit') {
        const round = roundOf(input);
        games.push(gameKey(round.provider, round.game));
      }
    }
    return { games };
  },

  // The transfers of the committed debits rollbacks name.
  reversals(rows, inputs) {
    if (!rows || rows.length === 0) return [];
    const committed = new Map(rows.map((r) => [r.external_transaction_id, r.transfer_id]));
    const transfer_ids: string[] = [];
    for (const input of inputs) {
      const transfer_id = input.original_transaction_id ? committed.get(input.original_transaction_id) : null;
      if (transfer_id) transfer_ids.push(transfer_id);
    }
    return transfer_ids;
  },
};

function decideCall(batch: Batch, input: CallInput, session: Session, state: BatchState): Outcome<CallResult> {
  switch (input.kind) {
    case 'debit':
      return debit(batch, input, state);
    case 'credit':
      return credit(batch, input, session, state);
    case 'rollback':
      return rollback(batch, input, session, state);
  }
}

function addRoundDebit(state: BatchState, debit: TransactionRow): void {
  const list = state.round_debits.get(debit.round_id!) ?? [];
  state.round_debits.set(debit.round_id!, [...list, debit.external_transaction_id]);
}

/** A repeated id: the first answer again when it is the same call; otherwise a refusal. */
function replay(input: CallInput, existing: TransactionRow): Outcome<CallResult> {
  if (existing.kind === 'tombstone') {
    if (input.kind === 'debit') {
      return refuse(
        SEAMLESS_ERRORS.SEAMLESS_TRANSACTION_ROLLED_BACK,
        `externalTransactionId ${input.external_transaction_id} was rolled back by ${existing.rolled_back_by} before it arrived; the debit is refused and nothing was moved.`,
      );
    }
    return refuse(
      SEAMLESS_ERRORS.SEAMLESS_IDEMPOTENCY_CONFLICT,
      `externalTransactionId ${input.external_transaction_id} is a rolled-back debit id and cannot be reused for a ${input.kind}.`,
    );
  }
  const same =
    existing.kind === input.kind &&
    existing.user_id === input.user_id &&
    existing.currency === input.currency &&
    existing.round_id === input.round_id &&
    existing.amount_minor === input.amount_minor &&
    existing.original_transaction_id === input.original_transaction_id;
  if (!same) {
    return refuse(
      SEAMLESS_ERRORS.SEAMLESS_IDEMPOTENCY_CONFLICT,
      `externalTransactionId ${input.external_transaction_id} was already used for a different ${existing.kind} (type, userId, currency, roundId, amount or originalTransactionId differ).`,
    );
  }
  return succeed({ response: { status: existing.response_status!, body: existing.response_body! }, replayed: true });
}

function expired(input: CallInput, session: Session): boolean {
  return input.received_at.getTime() >= session.expires_at.getTime();
}

function newRow(
  batch: Batch,
  input: CallInput,
  transfer: TransferRecord | null,
  response: { status: number; body: string } | undefined,
  transaction_id: string,
  split: { bonus_minor: bigint; staked: StakedBonus | null } = { bonus_minor: 0n, staked: null },
): TransactionRow {
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
    bonus_minor: split.bonus_minor,
    bonus_id: split.staked?.bonus_id ?? null,
    contribution_minor: split.staked?.contribution_minor ?? null,
    response_status: response?.status ?? null,
    response_body: response?.body ?? null,
    created_at: batch.book.created_at,
  };
}

function record(state: BatchState, row: TransactionRow): void {
  state.rows.set(row.external_transaction_id, row);
  state.new_rows.push(row.external_transaction_id);
  if (row.kind === 'debit') addRoundDebit(state, row);
}

/** The call's answer (balance after it) and its row; refused when the player has no wallet. */
function settled(
  batch: Batch,
  input: CallInput,
  state: BatchState,
  transfer: TransferRecord | null,
  /** What the row counts as bonus money: its own transfer's split, or the part a rollback reversed. */
  split = { bonus_minor: bonusPartOf(batch, transfer?.id), staked: stakedBonusOf(batch, transfer?.id) },
): Outcome<CallResult> {
  const player = playerAccount(input.user_id, input.currency);
  if (!batch.book.exists(player))
    return refuse(
      SEAMLESS_ERRORS.SEAMLESS_PLAYER_NOT_FOUND,
      `userId ${input.user_id} has no ${input.currency} wallet.`,
    );
  const transaction_id = transfer?.id ?? uuidv7();
  // SPEC §5: the playable total, cash + bonus.
  const body = JSON.stringify({
    balance: amountToJson(playableBalance(batch.book, input.user_id, input.currency)),
    currency: input.currency,
    transactionId: transaction_id,
  });
  const response = { status: 200, body };
  record(state, newRow(batch, input, transfer, response, transaction_id, split));
  return succeed({ response, replayed: false });
}

function debit(batch: Batch, input: MoneyCall, state: BatchState): Outcome<CallResult> {
  const moved = stake(
    batch,
    roundOf(input),
    input.amount_minor,
    { scope: SEAMLESS_SCOPE, external_id: input.external_transaction_id },
    refusalsFor(input),
  );
  if (!moved.ok) return moved;
  return settled(batch, input, state, moved.value);
}

function credit(batch: Batch, input: MoneyCall, session: Session, state: BatchState): Outcome<CallResult> {
  const standing = (state.round_debits.get(input.round_id) ?? [])
    .map((id) => state.rows.get(id)!)
    .filter((d) => d.user_id === input.user_id && d.currency === input.currency && d.rolled_back_by === null);
  if (standing.length === 0) {
    return refuse(
      SEAMLESS_ERRORS.SEAMLESS_UNKNOWN_TRANSACTION,
      `roundId ${input.round_id} has no standing debit of userId ${input.user_id} in ${input.currency}; nothing was credited.`,
    );
  }
  if (expired(input, session) && !standing.some((d) => d.session_token === input.session_token)) {
    return refuse(
      SEAMLESS_ERRORS.SEAMLESS_INVALID_SESSION,
      `sessionToken expired at ${session.expires_at.toISOString()} and did not place this round's debit.`,
    );
  }
  const moved = pay(
    batch,
    roundOf(input),
    input.amount_minor,
    { scope: SEAMLESS_SCOPE, external_id: input.external_transaction_id },
    refusalsFor(input),
    committedStakes(state, input),
  );
  if (!moved.ok) return moved;
  return settled(batch, input, state, moved.value);
}

function rollback(batch: Batch, input: RollbackCall, session: Session, state: BatchState): Outcome<CallResult> {
  const original_id = input.original_transaction_id;
  const original = state.rows.get(original_id);
  if (!original) return tombstone(batch, input, state);
  if (original.kind === 'tombstone') return settled(batch, input, state, null);
  if (original.kind !== 'debit') {
    return refuse(
      SEAMLESS_ERRORS.SEAMLESS_ROLLBACK_NOT_ALLOWED,
      `originalTransactionId ${original_id} is a ${original.kind}; only debits can be rolled back.`,
    );
  }
  const mismatch =
    original.user_id !== input.user_id ||
    original.currency !== input.currency ||
    (input.round_id !== null && input.round_id !== original.round_id) ||
    (input.amount_minor !== null && input.amount_minor !== original.amount_minor);
  if (mismatch) {
    return refuse(
      SEAMLESS_ERRORS.SEAMLESS_TRANSACTION_MISMATCH,
      `originalTransactionId ${original_id} is a debit of another userId, currency, roundId or amount; nothing was moved.`,
    );
  }
  if (expired(input, session) && original.session_token !== input.session_token) {
    return refuse(
      SEAMLESS_ERRORS.SEAMLESS_INVALID_SESSION,
      `sessionToken expired at ${session.expires_at.toISOString()} and did not place debit ${original_id}.`,
    );
  }
  if (original.rolled_back_by !== null) return settled(batch, input, state, null);
  const original_round: Round = { ...roundOf(input, original.round_id), game: original.game_id ?? roundOf(input).game };
  const refunded: RefundedOriginal = {
    kind: 'bet',
    amount_minor: original.amount_minor!,
    transfer_id: original.transfer_id,
    at: original.created_at,
    bonus_minor: original.bonus_minor,
    staked_bonus: stakedBonusOfRow(original),
  };
  const moved = refund(
    batch,
    original_round,
    refunded,
    { scope: SEAMLESS_SCOPE, external_id: input.external_transaction_id },
    refusalsFor(input),
  );
  if (!moved.ok) return moved;
  const counted = { bonus_minor: refundedBonusPart(batch, original_round, refunded), staked: null };
  const outcome = settled(batch, input, state, moved.value, counted);
  if (outcome.ok) markDebit(state, original, input.external_transaction_id);
  return outcome;
}

/**
 * The credit's round's debits of earlier batches staked with a bonus and standing as read (BatchState.read):
 * one this batch rolled back is still here, as the participant's stakes take it out.
 */
function committedStakes(state: BatchState, input: MoneyCall): CommittedStake[] {
  const stakes: CommittedStake[] = [];
  for (const id of state.round_debits.get(input.round_id) ?? []) {
    const row = state.read.get(id);
    if (row === undefined || row.bonus_id === null || row.rolled_back_by !== null) continue;
    if (row.user_id !== input.user_id || row.currency !== input.currency) continue;
    stakes.push({
      bonus_id: row.bonus_id,
      cash_minor: row.amount_minor! - row.bonus_minor,
      bonus_minor: row.bonus_minor,
      at: row.created_at,
    });
  }
  return stakes;
}

/** The original never arrived: remember its id as rolled back so it is refused if it ever does. */
function tombstone(batch: Batch, input: RollbackCall, state: BatchState): Outcome<CallResult> {
  const outcome = settled(batch, input, state, null);
  if (!outcome.ok) return outcome;
  const marker: TransactionRow = {
    ...newRow(batch, input, null, undefined, uuidv7()),
    external_transaction_id: input.original_transaction_id,
    kind: 'tombstone',
    original_transaction_id: null,
    amount_minor: null,
    rolled_back_by: input.external_transaction_id,
  };
  record(state, marker);
  return outcome;
}

/** The debit's row is replaced (journaled) with its rolled-back version; a committed one also gets an update. */
function markDebit(state: BatchState, debit_row: TransactionRow, rollback_id: string): void {
  state.rows.set(debit_row.external_transaction_id, { ...debit_row, rolled_back_by: rollback_id });
  if (state.committed.has(debit_row.external_transaction_id))
    state.marks.push({ debit_id: debit_row.external_transaction_id, rollback_id });
}
