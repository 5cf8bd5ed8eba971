import type { Batch, BatchParticipant } from '../ledger/command.ts';
import type { Round } from './round.ts';

/**
 * What game money did inside a command, told to every play participant while the command is decided
 * (report rollups; bonus wagering next). `at` is the batch's processing time. A rollback names the
 * kind and processing time of what it reversed, so a rollup can take it back from the right hour.
 * A `cancelled` action arrived already rolled back (an aggregator pre-rollback): no money, but it counts.
 *
 * `bonus_minor` is the part of `amount_minor` staked with (bet) or paid to (win) bonus money; on a
 * rollback, the bonus part of the original it reverses. Absent means 0 (cash only): bonus wagering
 * sets it when it splits a stake or a payout, and the report rollups add it to bonus_bets_minor /
 * bonus_wins_minor (SPEC §6), where it stays included in bets_minor / wins_minor too.
 */
export type PlayEvent =
  | {
      type: 'bet' | 'win' | 'cancelled_bet' | 'cancelled_win';
      round: Round;
      amount_minor: bigint;
      bonus_minor?: bigint;
      at: Date;
    }
  | {
      type: 'rollback';
      round: Round;
      amount_minor: bigint;
      bonus_minor?: bigint;
      at: Date;
      original: { kind: 'bet' | 'win'; at: Date };
    };

/** A batch participant that also hears every play event of the batch (through the journal, so a refused command's events vanish). */
export interface PlayParticipant<S> extends BatchParticipant<S> {
  onPlay(state: S, event: PlayEvent): void;
}

function isPlayParticipant(participant: BatchParticipant<unknown>): participant is PlayParticipant<unknown> {
  return typeof (participant as Partial<PlayParticipant<unknown>>).onPlay === 'function';
}

/** Tells every play participant of the batch. */
export function emit(batch: Batch, event: PlayEvent): void {
  for (const { participant, state } of batch.participants) {
    if (isPlayParticipant(participant)) participant.onPlay(state, event);
  }
}
