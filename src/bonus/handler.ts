import type { TransactionSql } from '../db/sql.ts';
import type { Batch, CommandHandler } from '../ledger/command.ts';
import { JournaledList, JournaledMap, type Journal } from '../ledger/journal.ts';
import type { ManualMovementStamp } from '../platform/operator.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import { BONUS_ERRORS } from './errors.ts';
import { bonusBalanceIn, grantJson } from './grant.ts';
import {
  insertStoredAnswers,
  loadStoredAnswers,
  replayStored,
  tokenOf,
  type IdempotencyScope,
  type MoneyAnswer,
  type StoredAnswer,
} from './idempotency.ts';
import { addGrant, BONUS_TRANSFER_KINDS, currentActive, endActive, endPending, expireDue } from './lifecycle.ts';
import { bonusParticipant } from './participant.ts';
import type { BonusRow, BonusState } from './state.ts';

/** A grant (its row carries the operator's stamp), an operator's forfeit, or the sweep's expiry of one player's due bonus. */
export type BonusCommand =
  | { kind: 'grant'; scope: IdempotencyScope; row: BonusRow }
  | { kind: 'forfeit'; scope: IdempotencyScope; player: string; bonus_id: string; stamp: ManualMovementStamp }
  | { kind: 'expire'; player: string; asset: string };

interface State {
  stored: JournaledMap<string, StoredAnswer>;
  inserted: JournaledList<StoredAnswer>;
}

const CREATED = 201;
const OK = 200;

/**
 * The operator's bonus commands. They act on the bonus participant's batch state (the same state the
 * batch's bets see), so a grant and a bet of one player in one batch agree; the stored answer commits
 * with the money.
 */
export const bonusHandler: CommandHandler<BonusCommand, MoneyAnswer | null, State, Map<string, StoredAnswer>> = {
  name: 'bonus.command',

  read(tx: TransactionSql, inputs: BonusCommand[]) {
    return loadStoredAnswers(
      tx,
      inputs.flatMap((i) => (i.kind === 'expire' ? [] : [i.scope])),
    );
  },

  state(rows, journal: Journal): State {
    const stored = new JournaledMap<string, StoredAnswer>(journal);
    for (const [token, row] of rows ?? []) stored.set(token, row);
    return { stored, inserted: new JournaledList(journal) };
  },

  apply(batch, input, state) {
    const bonus_state = batch.stateOf(bonusParticipant);
    if (input.kind === 'expire') {
      expireDue(batch, bonus_state, input.player, input.asset);
      return succeed(null);
    }
    const seen = state.stored.get(tokenOf(input.scope));
    if (seen) return replayStored(seen, input.scope);
    const transfers_before = batch.book.transfers.length;
    const decided =
      input.kind === 'grant'
        ? grant(batch, bonus_state, input.row)
        : forfeit(batch, bonus_state, input.player, input.bonus_id, input.stamp);
    if (!decided.ok) return decided;
    // The transfer the operator's request made (for the audit entry): the grant's own money, or the forfeited balance.
    const made = batch.book.transfers
      .slice(transfers_before)
      .find(
        (t) =>
          t.kind === (input.kind === 'grant' ? BONUS_TRANSFER_KINDS.grant : BONUS_TRANSFER_KINDS.forfeit) &&
          t.metadata?.bonus_id === decided.value.id,
      );
    const body = Buffer.from(
      JSON.stringify(grantJson(decided.value, bonusBalanceIn(batch.book, decided.value.player, decided.value.asset))),
      'utf8',
    );
    const status = input.kind === 'grant' ? CREATED : OK;
    const transfer_id = made?.id ?? null;
    const stored: StoredAnswer = { ...input.scope, response_status: status, response_body: body, transfer_id };
    state.stored.set(tokenOf(input.scope), stored);
    state.inserted.push(stored);
    return succeed({ status, body, replayed: false, transaction_id: transfer_id ?? undefined });
  },

  persist(tx: TransactionSql, state: State) {
    return insertStoredAnswers(tx, state.inserted.toArray());
  },
};

function grant(batch: Batch, state: BonusState, row: BonusRow): Outcome<BonusRow> {
  // An active bonus already past its expiry ends first, so the new grant can take its place.
  currentActive(batch, state, row.player, row.asset);
  return succeed(addGrant(batch, state, { ...row, created_at: batch.book.created_at }));
}

function forfeit(
  batch: Batch,
  state: BonusState,
  player: string,
  bonus_id: string,
  stamp: ManualMovementStamp,
): Outcome<BonusRow> {
  const asset = state.bonuses.get(bonus_id)?.asset;
  // Past its expiry it is expired, not forfeited (the expiry happens here if no sweep came first).
  if (asset !== undefined) currentActive(batch, state, player, asset);
  const row = state.bonuses.get(bonus_id);
  // The service found the grant before submitting; one the batch did not load ended long ago.
  if (!row || row.player !== player)
    return refuse(BONUS_ERRORS.BONUS_NOT_ACTIVE, `Bonus ${bonus_id} has already ended; nothing was moved.`);
  if (row.status === 'active') endActive(batch, state, row, 'forfeited', stamp);
  else if (row.status === 'pending') endPending(batch, state, row, 'forfeited');
  else
    return refuse(
      BONUS_ERRORS.BONUS_NOT_ACTIVE,
      `Bonus ${bonus_id} has already ended (${row.status}); nothing was moved.`,
    );
  return succeed(state.bonuses.get(bonus_id)!);
}
