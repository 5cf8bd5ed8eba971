import type { TransactionSql } from '../db/sql.ts';
import type { LiveMessage } from '../platform/live.ts';
import type { Outcome } from '../platform/outcome.ts';
import type { Book } from './book.ts';
import type { Journal } from './journal.ts';
import type { AccountKey } from './types.ts';

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
  /**
   * Locked in the batch's second stage, after every other account and after the participants' reads
   * (see BatchParticipant.accounts). An account that is locked late by some batch must be late in every
   * command that names it: all batches then take their locks in one global order (early ones by id,
   * then late ones by id), so two processes' batches never wait on each other in a cycle.
   */
  late?: boolean;
}

/**
 * What a command decides against: the batch's locked accounts (the book, whose begin/commit/undo also
 * drive the journal) and the states of the batch's participants.
 */
export interface Batch {
  readonly book: Book;
  /** The state a participant built for this batch (every participant of the ledger has one). */
  stateOf<S>(participant: BatchParticipant<S>): S;
  readonly participants: readonly { participant: BatchParticipant<unknown>; state: unknown }[];
}

/**
 * A protocol's rules, run inside the group-commit transaction. Every command of a batch that shares a
 * handler is read and persisted together (one query each), and decided one at a time, in order:
 *
 *   lock accounts → read(all inputs) → state(rows) → apply(each, against the batch) → ledger writes → persist → commit
 *
 * state() and apply() are database-free (the harness in harness.ts runs them without PostgreSQL). The
 * state records through the journal (Journaled* in journal.ts): what a refused command recorded is
 * undone with its money, by the writer, so handlers carry no undo logic of their own.
 */
export interface CommandHandler<I, R, S, Rows = unknown> {
  readonly name: string;
  read?(tx: TransactionSql, inputs: I[]): Promise<Rows>;
  state(rows: Rows | undefined, journal: Journal): S;
  apply(batch: Batch, input: I, state: S): Outcome<R>;
  /**
   * Returns the statements unawaited (postgres.js queries are lazy): the writer dispatches them in order
   * behind the ledger's own writes and pipelines COMMIT after them — one round trip for every write.
   */
  persist?(tx: TransactionSql, state: S): PendingStatement[];
  /**
   * What the commands' inputs alone name (the games they stake on): asked at most once per batch, and
   * only when a participant's read wants it.
   */
  references?(inputs: I[]): Pick<BatchReferences, 'games'>;
  /**
   * The transfers of the committed records the commands reverse, once read() found them: asked only when
   * a participant's late read wants them (BatchParticipant.readLate), so a batch that needs none never
   * computes them.
   */
  reversals?(rows: Rows | undefined, inputs: I[]): string[];
}

/**
 * What a batch's commands refer to beyond their own accounts: the transfers a rollback reverses, and
 * `games`, the games the commands stake on (play: `provider\0game`, for their catalog rows). A
 * participant reads only what these name instead of a player's whole past or a table.
 */
export interface BatchReferences {
  transfer_ids: string[];
  games: string[];
}

/**
 * A module that rides along with every batch (report rollups, bonus state): it reads once per batch,
 * is told what commands do while they are decided (through the hooks its own layer defines — see
 * play/participants.ts), and writes once per batch. It costs per batch, not per command.
 */
export interface BatchParticipant<S, Rows = unknown> {
  readonly name: string;
  /**
   * The first read, pipelined with the early locks. `references` gives what the commands' inputs alone
   * name (the handlers' references() before their reads: the games, no transfer ids yet).
   */
  read?(tx: TransactionSql, commands: readonly LedgerCommand[], references: () => BatchReferences): Promise<Rows>;
  /**
   * A hint: the late accounts this batch will probably need (the bonus accounts of players last seen
   * with a grant). Those the account directory already knows are locked in the first round trip, right
   * after the early ones, so a batch whose hint is right pays no second stage. A hint is never trusted:
   * accounts() still names what the batch needs, and a missed one is locked in the second stage as
   * usual. Only then, and only across processes, can two batches take late locks in different orders;
   * PostgreSQL detects that deadlock and the batch is retried (40P01).
   */
  expects?(commands: readonly LedgerCommand[]): AccountNeed[];
  /**
   * Accounts the batch must also lock because of what read() found (a bonus player's bonus account):
   * locked late (AccountNeed.late) in one statement with the commands' late needs. A batch that needs
   * none pays no second stage, so a module only some players use costs nothing for the others.
   */
  accounts?(rows: Rows | undefined): AccountNeed[];
  /**
   * A second read, sent with the late locks (no round trip of its own), for what read() found and the
   * batch's references (the handlers' references(), computed on the first call): its answer replaces the
   * rows given to state(). Return undefined to read nothing (the rows stay as read() found them).
   */
  readLate?(tx: TransactionSql, rows: Rows | undefined, references: () => BatchReferences): Promise<Rows> | undefined;
  state(rows: Rows | undefined, journal: Journal): S;
  /**
   * What is due at the batch's instant whatever its commands decide (a grant past its expires_at ends),
   * done once before the first command in a scope of its own: a refused command cannot undo it.
   */
  settleDue?(batch: Batch, state: S): void;
  persist(tx: TransactionSql, state: S): PendingStatement[];
  /**
   * What to tell other processes once the batch is durable (platform/live.ts): published by the writer
   * with one NOTIFY per payload after the WAL flush — never before, so nothing not yet durable is shown.
   */
  live?(state: S, book: Book): LiveMessage[];
}

/** A postgres.js query created but not yet awaited. */
export interface PendingStatement<T = unknown> extends PromiseLike<T> {
  execute(): unknown;
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
    then: (onfulfilled, onrejected) =>
      query
        .then((result) => {
          check(result);
          return result;
        })
        .then(onfulfilled, onrejected),
  };
}
