import type { TransactionSql } from '../db/sql.ts';
import type { Book } from '../ledger/book.ts';
import type { CommandHandler } from '../ledger/command.ts';
import { JournaledList, JournaledMap, type Journal } from '../ledger/journal.ts';
import type { TransferRecord, TransferSpec } from '../ledger/types.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import { WALLET_ERRORS } from './errors.ts';
import { replayStored, scopeToken, type IdempotencyScope, type MoneyResponse } from './idempotency.ts';
import { WALLET_BALANCE_MAX_MINOR } from './limits.ts';
import { insertStoredResponses, loadStoredResponses, type StoredResponse } from './store.ts';

/** One money-moving wallet request: one transfer, answered once and stored with it. */
export interface MovementInput {
  scope: IdempotencyScope;
  transfer: TransferSpec;
  /** The response body of a success, built from the applied transfer and the book after it. */
  respond(record: TransferRecord, book: Book): unknown;
}

export type MovementResult = MoneyResponse;

/** Keys already stored (committed, or decided earlier in this batch), and the rows this batch stores. */
interface State {
  stored: JournaledMap<string, StoredResponse>;
  inserted: JournaledList<StoredResponse>;
}

const CREATED = 201;

/**
 * The wallet's command handler. Runs inside the ledger's group-commit transaction, so the stored
 * response commits with the transfer or not at all (SPEC §1: acknowledged means durable).
 */
export const movementHandler: CommandHandler<MovementInput, MovementResult, State, Map<string, StoredResponse>> = {
  name: 'wallet.movement',

  read(tx: TransactionSql, inputs: MovementInput[]) {
    return loadStoredResponses(
      tx,
      inputs.map((i) => i.scope),
    );
  },

  state(rows: Map<string, StoredResponse> | undefined, journal: Journal): State {
    const stored = new JournaledMap<string, StoredResponse>(journal);
    for (const [token, row] of rows ?? []) stored.set(token, row);
    return { stored, inserted: new JournaledList(journal) };
  },

  apply({ book }, input, state) {
    const token = scopeToken(input.scope);
    const seen = state.stored.get(token);
    if (seen) return replayStored(seen, input.scope);
    const moved = move(book, input.transfer);
    if (!moved.ok) return moved;
    const body = Buffer.from(JSON.stringify(input.respond(moved.value, book)), 'utf8');
    const stored: StoredResponse = {
      ...input.scope,
      response_status: CREATED,
      response_body: body,
      transfer_id: moved.value.id,
    };
    state.stored.set(token, stored);
    state.inserted.push(stored);
    return succeed({ status: CREATED, body, replayed: false, transaction_id: moved.value.id });
  },

  // Unawaited: pipelined with the ledger's writes and COMMIT (see docs/ledger.md).
  persist(tx: TransactionSql, state: State) {
    return insertStoredResponses(tx, [...state.inserted.toArray()]);
  },
};

/** The transfer, with the wallet's refusals: insufficient funds (named), a balance beyond JSON's range. */
function move(book: Book, spec: TransferSpec): Outcome<TransferRecord> {
  // The service checked the player exists; no account of this asset yet means a balance of zero.
  if (!book.exists(spec.from)) return insufficient(spec, 0n);
  if (!book.exists(spec.to))
    return refuse(WALLET_ERRORS.WALLET_PLAYER_NOT_FOUND, `No wallet exists for player ${spec.to.owner}.`);
  const available_minor = book.balance(spec.from);
  const result = book.transfer(spec);
  if (result.ok) return result;
  if (result.refusal === 'INSUFFICIENT_FUNDS') return insufficient(spec, available_minor);
  if (result.refusal === 'BALANCE_LIMIT') {
    return refuse(
      WALLET_ERRORS.WALLET_BALANCE_LIMIT_EXCEEDED,
      `The balance of ${spec.to.owner} in ${spec.to.asset} would exceed ${WALLET_BALANCE_MAX_MINOR} minor units. Nothing was moved.`,
    );
  }
  return refuse(WALLET_ERRORS.WALLET_PLAYER_NOT_FOUND, `No wallet exists for player ${spec.to.owner}.`);
}

function insufficient(spec: TransferSpec, available_minor: bigint): Outcome<never> {
  return refuse(
    WALLET_ERRORS.WALLET_INSUFFICIENT_FUNDS,
    `Insufficient funds: ${spec.from.owner} holds ${available_minor} ${spec.from.asset}, ${spec.amount_minor} requested. Nothing was moved.`,
  );
}
