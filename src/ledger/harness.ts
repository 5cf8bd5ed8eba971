import type { Outcome } from '../platform/outcome.ts';
import { Book } from './book.ts';
import type { Batch, BatchParticipant, BatchReferences, CommandHandler } from './command.ts';
import { Journal } from './journal.ts';
import type { AccountState } from './types.ts';
import { decide, settleDue } from './writer.ts';

export interface HarnessBatch<S> {
  outcomes: Outcome<unknown>[];
  book: Book;
  /** The handler's batch state after every command (what persist() would write). */
  state: S;
  /** Each participant's state after every command. */
  participant_states: Map<BatchParticipant<unknown>, unknown>;
  /** What the handler says the commands refer to, given `rows` (what a participant's late read would read). */
  references: BatchReferences | undefined;
}

/**
 * Runs commands of one handler as the writer would decide one batch — same book, journal and
 * participants, same all-or-nothing per command — without a database: rules are unit-tested in
 * milliseconds. `rows` stands for what the handler's read() would have found committed.
 */
export function runHandler<I, R, S, Rows>(
  handler: CommandHandler<I, R, S, Rows>,
  options: {
    accounts: AccountState[];
    inputs: I[];
    rows?: Rows;
    participants?: { participant: BatchParticipant<unknown>; rows?: unknown }[];
    now?: Date;
  },
): HarnessBatch<S> {
  const journal = new Journal();
  const state = handler.state(options.rows, journal);
  const participants = (options.participants ?? []).map(({ participant, rows }) => ({
    participant,
    state: participant.state(rows, journal),
  }));
  const book = new Book(options.accounts, options.now ?? new Date(), journal);
  const batch: Batch = {
    book,
    participants,
    stateOf: <P>(participant: BatchParticipant<P>) =>
      participants.find((p) => p.participant === participant)!.state as P,
  };
  const command = (input: I) => ({
    handler: handler as CommandHandler<unknown, unknown, unknown>,
    input,
    accounts: [],
  });
  settleDue(batch);
  const outcomes = options.inputs.map((input) => decide(batch, command(input), state));
  book.assertBalanced();
  return {
    outcomes,
    book,
    state,
    participant_states: new Map(participants.map((p) => [p.participant, p.state])),
    references: handler.references && {
      ...handler.references(options.inputs),
      transfer_ids: handler.reversals?.(options.rows, options.inputs) ?? [],
    },
  };
}

/** An account state for harness tests. */
export function accountState(id: bigint, key: AccountState['key'], balance_minor: bigint): AccountState {
  return { id, key, balance_minor, version: 0n, overdraft_limit_minor: key.kind === 'player' ? 0n : null };
}
