import type { TransactionSql } from '../db/sql.ts';
import type { Book } from './book.ts';
import type { AccountKey, Outcome } from './types.ts';

/** An account a command needs locked; `create` makes a missing one (a wallet on first sight). */
export interface AccountNeed {
  key: AccountKey;
  create: boolean;
  /**
   * Only when this need creates a player account: how far below zero it may go (SPEC §1: "unless an
   * account is explicitly created with an overdraft limit"). Unset: a floor of 0. An existing
   * account keeps the floor it was created with.
   */
  overdraft_limit_minor?: bigint;
}

/**
 * A protocol's rules, run inside the group-commit transaction. Every command of a batch that shares a
 * handler is loaded and persisted together (one query each), and decided one at a time, in order.
 *
 *   lock accounts → load(all inputs) → apply(each, against the book) → ledger writes → persist(all) → commit
 *
 * apply() is pure in-memory work. A refusal undoes that command's transfers only; its neighbours go on.
 * State S is per batch: use it for rows loaded and for what earlier commands of this batch decided.
 */
export interface CommandHandler<I, R, S = undefined> {
  readonly name: string;
  load?(tx: TransactionSql, inputs: I[]): Promise<S>;
  apply(book: Book, input: I, state: S): Outcome<R>;
  /**
   * Preferably return the statements unawaited (postgres.js queries are lazy): the writer dispatches
   * them in order behind the ledger's own writes and pipelines COMMIT after them — one round trip for
   * every write of the batch. An async persist (awaiting its own statements) is accepted too; COMMIT
   * then waits for it, costing a round trip per awaited statement.
   */
  persist?(tx: TransactionSql, decided: Decided<I, R>[], state: S): PendingStatement[] | Promise<void>;
}

/** A postgres.js query created but not yet awaited. */
export interface PendingStatement<T = unknown> extends PromiseLike<T> {
  execute(): unknown;
}

export interface Decided<I, R> {
  input: I;
  outcome: Outcome<R>;
}

export interface LedgerCommand<I = unknown, R = unknown, S = unknown> {
  handler: CommandHandler<I, R, S>;
  input: I;
  accounts: AccountNeed[];
}

/** A pending statement whose result is checked when the writer awaits it (still dispatched lazily). */
export function checkedStatement<T>(query: PendingStatement<T>, check: (result: T) => void): PendingStatement<T> {
  return {
    execute: () => query.execute(),
    then: (onfulfilled, onrejected) => query.then((result) => {
      check(result);
      return result;
    }).then(onfulfilled, onrejected),
  };
}
