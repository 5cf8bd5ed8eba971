import type { TransactionSql } from '../db/sql.ts';
import type { Book } from '../ledger/book.ts';
import type { CommandHandler, Decided } from '../ledger/command.ts';
import { refuse, succeed, type Outcome, type TransferRecord, type TransferSpec } from '../ledger/types.ts';
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

export interface MovementResult extends MoneyResponse {
  stored?: StoredResponse;
}

/** Keys already stored (committed, or decided earlier in this batch). */
interface State {
  stored: Map<string, StoredResponse>;
}

const CREATED = 201;

/**
 * The wallet's command handler. Runs inside the ledger's group-commit transaction, so the stored
 * response commits with the transfer or not at all (SPEC §1: acknowledged means durable).
 */
export const movementHandler: CommandHandler<MovementInput, MovementResult, State> = {
  name: 'wallet.movement',

  async load(tx: TransactionSql, inputs: MovementInput[]): Promise<State> {
    return { stored: await loadStoredResponses(tx, inputs.map((i) => i.scope)) };
  },

  apply(book, input, state) {
    const token = scopeToken(input.scope);
    const seen = state.stored.get(token);
    if (seen) return replayOrRefuse(seen, input.scope);
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
    return succeed({ status: CREATED, body, replayed: false, stored });
  },

  // Unawaited: pipelined with the ledger's writes and COMMIT (see docs/ledger.md).
  persist(tx: TransactionSql, decided: Decided<MovementInput, MovementResult>[]) {
    const rows = decided.flatMap((d) => (d.outcome.ok && d.outcome.value.stored ? [d.outcome.value.stored] : []));
    return insertStoredResponses(tx, rows);
  },
};

function replayOrRefuse(stored: StoredResponse, scope: IdempotencyScope): Outcome<MovementResult> {
  if (!stored.request_hash.equals(scope.request_hash)) return refuse('WALLET_IDEMPOTENCY_KEY_REUSED');
  return succeed(replayStored(stored, scope));
}

/** The transfer, with the wallet's refusals: insufficient funds (named), a balance beyond JSON's range. */
function move(book: Book, spec: TransferSpec): Outcome<TransferRecord> {
  // The service checked the player exists; no account of this asset yet means a balance of zero.
  if (!book.exists(spec.from)) return insufficient(spec, 0n);
  if (!book.exists(spec.to)) return refuse('WALLET_PLAYER_NOT_FOUND', `No wallet exists for player ${spec.to.owner}.`);
  const available_minor = book.balance(spec.from);
  const result = book.transfer(spec);
  if (result.ok) return result;
  if (result.error === 'INSUFFICIENT_FUNDS') return insufficient(spec, available_minor);
  if (result.error === 'BALANCE_LIMIT') {
    return refuse('WALLET_BALANCE_LIMIT_EXCEEDED', `The balance of ${spec.to.owner} in ${spec.to.asset} would exceed ${WALLET_BALANCE_MAX_MINOR} minor units. Nothing was moved.`);
  }
  return result;
}

function insufficient(spec: TransferSpec, available_minor: bigint): Outcome<never> {
  return refuse(
    'WALLET_INSUFFICIENT_FUNDS',
    `Insufficient funds: ${spec.from.owner} holds ${available_minor} ${spec.from.asset}, ${spec.amount_minor} requested. Nothing was moved.`,
  );
}
