import type { TransactionSql } from '../db/sql.ts';
import type { Book } from './book.ts';
import type { AccountKey, Outcome } from './types.ts';

/** An account a command needs locked; `create` makes a missing one (a wallet on first sight). */
export interface AccountNeed {
  key: AccountKey;
  create: boolean;
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
  persist?(tx: TransactionSql, decided: Decided<I, R>[], state: S): Promise<void>;
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
