import type { TransactionSql } from '../db/sql.ts';
import type { Batch, CommandHandler } from '../ledger/command.ts';
import type { Journal } from '../ledger/journal.ts';
import { assert } from '../platform/assert.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import { uuidv7 } from '../platform/uuid.ts';
import {
  bonusPartOf,
  pay,
  recordCancelled,
  refund,
  refundedBonusPart,
  stake,
  stakedBonusOf,
  stakedBonusOfRow,
  type ProtocolRefusals,
} from '../play/money.ts';
import { playableBalance, type StakedBonus } from '../play/bonus.ts';
import { gameOf, type Round } from '../play/round.ts';
import { gameKey } from '../play/catalog.ts';
import { BatchState } from './batch-state.ts';
import { AGGREGATOR_ERRORS } from './errors.ts';
import { insertActions, loadActions, markRolledBack } from './store.ts';
import type { ActionInput, ActionRow, ProcessInput, ProcessResult } from './types.ts';

/** The ledger's refusals in this protocol's codes (a balance the wire cannot carry is refused, SPEC §0). */
const REFUSALS: ProtocolRefusals = {
  insufficient_funds: AGGREGATOR_ERRORS.AGGREGATOR_INSUFFICIENT_FUNDS,
  balance_limit: AGGREGATOR_ERRORS.AGGREGATOR_BALANCE_LIMIT,
  bonus_max_bet: AGGREGATOR_ERRORS.AGGREGATOR_BONUS_MAX_BET,
  // The player's wallet is created on first sight (its account is in every batch that names it).
  account_not_found: AGGREGATOR_ERRORS.AGGREGATOR_INSUFFICIENT_FUNDS,
};

/** The round of a request: the aggregator's game ("provider:game") and game_id. */
export function roundOf(
  input: Pick<ProcessInput, 'user_id' | 'currency' | 'game' | 'game_id'>,
  request_key?: string,
): Round {
  const { provider, game } = gameOf(input.game);
  // One object, no spreads: built for every request on the hot path.
  return {
    surface: 'aggregator',
    provider,
    game,
    round_id: input.game_id,
    request_key,
    player: input.user_id,
    currency: input.currency,
  };
}

/**
 * One request = one ledger command, so its actions are all-or-nothing. Idempotency is the
 * aggregator_actions primary key, written in the same transaction as the money; the ledger transfers
 * are unkeyed (each action row's tx_id names its transfer), which spares them a second unique index.
 * Every request of a group-commit batch is read with one query, decided in memory in arrival order,
 * and persisted with one insert and at most one update; report rollups ride along as a play participant.
 */
export const processHandler: CommandHandler<ProcessInput, ProcessResult, BatchState, ActionRow[]> = {
  name: 'aggregator.process',

  read(tx: TransactionSql, inputs: ProcessInput[]): Promise<ActionRow[]> {
    const action_ids = inputs.flatMap((i) => i.actions.map((a) => a.action_id));
    const originals = inputs.flatMap((i) =>
      i.actions.flatMap((a) => (a.original_action_id === null ? [] : [a.original_action_id])),
    );
    // The rounds wins are paid in: their bonus bets of earlier batches give the win its proportion.
    const win_rounds = inputs.flatMap((i) =>
      i.game_id !== null && i.actions.some((a) => a.action === 'win') ? [i.game_id] : [],
    );
    return loadActions(
      tx,
      [...new Set([...action_ids, ...originals])],
      [...new Set(action_ids)],
      [...new Set(win_rounds)],
    );
  },

  state(rows: ActionRow[] | undefined, journal: Journal): BatchState {
    return new BatchState(rows ?? [], journal);
  },

  apply(batch: Batch, input: ProcessInput, state: BatchState): Outcome<ProcessResult> {
    const round = requestRound(input);
    const transactions = [];
    for (const action of input.actions) {
      const decided = decideAction(batch, state, round, input, action);
      if (!decided.ok) return decided;
      transactions.push({ action_id: action.action_id, tx_id: decided.value });
    }
    // SPEC §5: the playable total, cash + bonus.
    return succeed({ transactions, balance_minor: playableBalance(batch.book, round.player, round.currency) });
  },

  // Unawaited: the writer pipelines these behind the ledger's writes, with COMMIT, in one round trip.
  persist(tx: TransactionSql, state: BatchState) {
    return [
      ...insertActions(tx, state.insertedRows()),
      ...markRolledBack(tx, [...state.rolled_back_committed.toArray()]),
    ];
  },

  // The games a request's bets stake on.
  references(inputs: ProcessInput[]) {
    const games: string[] = [];
    for (const input of inputs) {
      if (input.actions.some((a) => a.action === 'bet')) {
        const { provider, game } = requestRound(input);
        games.push(gameKey(provider, game));
      }
    }
    return { games };
  },

  // The transfers of the committed actions a request's rollbacks name.
  reversals(rows: ActionRow[] | undefined, inputs: ProcessInput[]) {
    if (!rows || rows.length === 0) return [];
    const committed = new Map(rows.map((r) => [r.action_id, r.tx_id]));
    const transfer_ids: string[] = [];
    for (const input of inputs)
      for (const { original_action_id } of input.actions) {
        const tx_id = original_action_id === null ? undefined : committed.get(original_action_id);
        if (tx_id !== undefined) transfer_ids.push(tx_id);
      }
    return transfer_ids;
  },
};

/** A request's round; without a game_id the request is the round (SPEC §5): its first action id names it. */
function requestRound(input: ProcessInput): Round {
  let round = request_rounds.get(input);
  if (round === undefined) {
    round = roundOf(input, input.game_id === null ? `request:${input.actions[0]?.action_id}` : undefined);
    request_rounds.set(input, round);
  }
  return round;
}

// The batch's references, its read and the request's actions share one Round.
const request_rounds = new WeakMap<ProcessInput, Round>();

/** An action's tx_id, or the refusal that fails the whole request. */
function decideAction(
  batch: Batch,
  state: BatchState,
  round: Round,
  input: ProcessInput,
  action: ActionInput,
): Outcome<string> {
  const existing = state.get(action.action_id);
  if (existing) return replay(existing, input, action);
  if (action.action === 'rollback') return rollback(batch, state, round, input, action);
  return betOrWin(batch, state, round, input, action);
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
  return refuse(
    AGGREGATOR_ERRORS.AGGREGATOR_ACTION_CONFLICT,
    `Action ${action.action_id} was already processed with a different ${differs.join(', ')}.`,
  );
}

function betOrWin(
  batch: Batch,
  state: BatchState,
  round: Round,
  input: ProcessInput,
  action: ActionInput,
): Outcome<string> {
  const amount_minor = action.amount_minor;
  const kind = action.action === 'bet' ? 'bet' : 'win';
  assert(
    amount_minor !== null && amount_minor >= (kind === 'bet' ? 1n : 0n),
    () => `${kind} amount checked at the boundary`,
  );
  const cancelled_by = state.rollbackOf(action.action_id);
  if (cancelled_by && !samePlayer(cancelled_by, input)) {
    return refuse(
      AGGREGATOR_ERRORS.AGGREGATOR_FOREIGN_ROLLBACK,
      `Action ${action.action_id} was rolled back in advance by a rollback of another player or currency.`,
    );
  }
  let tx_id: string | undefined;
  if (cancelled_by) {
    // A pre-rolled-back original is recorded with its own tx_id and moves nothing.
    recordCancelled(batch, round, kind, amount_minor);
  } else {
    const moved =
      kind === 'bet'
        ? stake(batch, round, amount_minor, {}, REFUSALS)
        : pay(
            batch,
            round,
            amount_minor,
            {},
            REFUSALS,
            state.committedStakes(input.user_id, input.currency, input.game_id),
          );
    if (!moved.ok) return moved;
    tx_id = moved.value?.id;
  }
  const split = { bonus_minor: bonusPartOf(batch, tx_id), staked: stakedBonusOf(batch, tx_id) };
  tx_id ??= freshTxId(batch);
  state.record(newRow(batch, input, action, tx_id, cancelled_by !== undefined, split));
  return succeed(tx_id);
}

function rollback(
  batch: Batch,
  state: BatchState,
  round: Round,
  input: ProcessInput,
  action: ActionInput,
): Outcome<string> {
  const original_id = action.original_action_id;
  assert(original_id !== null && original_id !== action.action_id, 'rollback target checked at the boundary');
  if (state.rollbackOf(action.action_id)) {
    return refuse(
      AGGREGATOR_ERRORS.AGGREGATOR_ROLLBACK_OF_ROLLBACK,
      `Action ${action.action_id} is a rollback that an earlier rollback already named; a rollback cannot be rolled back.`,
    );
  }
  const original = state.get(original_id);
  let tx_id: string | undefined;
  let bonus_minor = 0n;
  if (original) {
    if (!samePlayer(original, input)) {
      return refuse(
        AGGREGATOR_ERRORS.AGGREGATOR_FOREIGN_ROLLBACK,
        `original_action_id ${original_id} is an action of another player or currency.`,
      );
    }
    if (original.action === 'rollback') {
      return refuse(
        AGGREGATOR_ERRORS.AGGREGATOR_ROLLBACK_OF_ROLLBACK,
        `original_action_id ${original_id} is a rollback; a rollback cannot be rolled back.`,
      );
    }
    // Already cancelled (by an earlier rollback or in advance): a no-op that still gets its own tx_id.
    if (!original.rolled_back) {
      // A committed bet or win that was not cancelled moved money (unless a win of 0), and its tx_id is that transfer's id.
      const original_round = roundOf(original);
      const refunded = {
        kind: original.action as 'bet' | 'win',
        amount_minor: original.amount_minor!,
        transfer_id: original.tx_id,
        at: original.created_at,
        bonus_minor: original.bonus_minor,
        staked_bonus: stakedBonusOfRow(original),
      };
      const reversed = refund(batch, original_round, refunded, {}, REFUSALS);
      if (!reversed.ok) return reversed;
      tx_id = reversed.value?.id;
      bonus_minor = refundedBonusPart(batch, original_round, refunded);
      state.markRolledBack(original);
    }
  }
  tx_id ??= freshTxId(batch);
  state.record(newRow(batch, input, action, tx_id, false, { bonus_minor, staked: null }));
  return succeed(tx_id);
}

/** The tx_id of an action that moved no money (a moving one answers its transfer's id). */
function freshTxId(batch: Batch): string {
  return uuidv7(batch.book.created_at.getTime());
}

function samePlayer(row: ActionRow, input: ProcessInput): boolean {
  return row.user_id === input.user_id && row.currency === input.currency;
}

function newRow(
  batch: Batch,
  input: ProcessInput,
  action: ActionInput,
  tx_id: string,
  rolled_back: boolean,
  split: { bonus_minor: bigint; staked: StakedBonus | null },
): ActionRow {
  return {
    action_id: action.action_id,
    user_id: input.user_id,
    currency: input.currency,
    action: action.action,
    amount_minor: action.amount_minor,
    original_action_id: action.original_action_id,
    tx_id,
    rolled_back,
    game: input.game,
    game_id: input.game_id,
    bonus_minor: split.bonus_minor,
    bonus_id: split.staked?.bonus_id ?? null,
    contribution_minor: split.staked?.contribution_minor ?? null,
    created_at: batch.book.created_at,
  };
}
