import type { Batch } from '../ledger/command.ts';
import type { LedgerRefusal, TransferRecord } from '../ledger/types.ts';
import type { ErrorDefinition } from '../platform/error-table.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import { emit } from './events.ts';
import { accountsOfRound, type Round } from './round.ts';

/**
 * Game money, once, for every surface: a stake moves player → house, a payout house → player, a
 * refund reverses either. Transfer kinds are one vocabulary (`bet`, `win`, `rollback`); the round
 * travels in the transfer's metadata so every history row names its game and round.
 */
export const PLAY_TRANSFER_KINDS = { bet: 'bet', win: 'win', rollback: 'rollback' } as const;

/** How a protocol answers the ledger's refusals: its own registry rows and sentences. */
export interface ProtocolRefusals {
  /** The player's balance is too low (SPEC §2 code 100, §3 INSUFFICIENT_FUNDS). */
  insufficient_funds: ErrorDefinition;
  /** The player's balance would pass 2^53 − 1. */
  balance_limit: ErrorDefinition;
  /** The player has no wallet in this currency (the casino does not open wallets). */
  account_not_found: ErrorDefinition;
  /** A sentence naming the cause, for the refusal's message (undefined: the row's own). */
  describe?(refusal: LedgerRefusal, amount_minor: bigint): string | undefined;
}

/** Idempotency and reversal references a protocol records with the transfer. */
export interface TransferRefs {
  scope?: string;
  external_id?: string;
}

function move(
  batch: Batch,
  round: Round,
  kind: keyof typeof PLAY_TRANSFER_KINDS,
  amount_minor: bigint,
  refs: TransferRefs,
  refusals: ProtocolRefusals,
  reverses?: { kind: 'bet' | 'win'; transfer_id: string | null },
): Outcome<TransferRecord> {
  const { player, house } = accountsOfRound(round);
  const to_player = kind === 'win' || (kind === 'rollback' && reverses?.kind === 'bet');
  const result = batch.book.transfer({
    from: to_player ? house : player,
    to: to_player ? player : house,
    amount_minor,
    kind: PLAY_TRANSFER_KINDS[kind],
    ...refs,
    reverses_id: reverses?.transfer_id ?? undefined,
    metadata: { surface: round.surface, provider: round.provider, game: round.game, round: round.round_id },
  });
  if (result.ok) return result;
  const row = {
    INSUFFICIENT_FUNDS: refusals.insufficient_funds,
    BALANCE_LIMIT: refusals.balance_limit,
    ACCOUNT_NOT_FOUND: refusals.account_not_found,
  }[result.refusal];
  return refuse(row, refusals.describe?.(result.refusal, amount_minor));
}

/** A bet: player → house (amount > 0). */
export function stake(
  batch: Batch,
  round: Round,
  amount_minor: bigint,
  refs: TransferRefs,
  refusals: ProtocolRefusals,
): Outcome<TransferRecord> {
  const moved = move(batch, round, 'bet', amount_minor, refs, refusals);
  if (moved.ok) emit(batch, { type: 'bet', round, amount_minor, at: batch.book.created_at });
  return moved;
}

/** A win: house → player. A win of 0 moves nothing (no transfer) but still counts as the round's result. */
export function pay(
  batch: Batch,
  round: Round,
  amount_minor: bigint,
  refs: TransferRefs,
  refusals: ProtocolRefusals,
): Outcome<TransferRecord | null> {
  if (amount_minor === 0n) {
    emit(batch, { type: 'win', round, amount_minor, at: batch.book.created_at });
    return succeed(null);
  }
  const moved = move(batch, round, 'win', amount_minor, refs, refusals);
  if (moved.ok) emit(batch, { type: 'win', round, amount_minor, at: batch.book.created_at });
  return moved;
}

/**
 * Reverses a bet (house → player) or a win (player → house) of `amount_minor`, referencing its transfer.
 * A win of 0 moved nothing: nothing moves back, but the rollback still counts.
 */
export function refund(
  batch: Batch,
  round: Round,
  original: { kind: 'bet' | 'win'; amount_minor: bigint; transfer_id: string | null; at: Date },
  refs: TransferRefs,
  refusals: ProtocolRefusals,
): Outcome<TransferRecord | null> {
  const event = {
    type: 'rollback' as const,
    round,
    amount_minor: original.amount_minor,
    at: batch.book.created_at,
    original: { kind: original.kind, at: original.at },
  };
  if (original.amount_minor === 0n) {
    emit(batch, event);
    return succeed(null);
  }
  const moved = move(batch, round, 'rollback', original.amount_minor, refs, refusals, original);
  if (moved.ok) emit(batch, event);
  return moved;
}

/** An action that arrived already rolled back (a pre-rollback named it): no money moves, but reports count it. */
export function recordCancelled(batch: Batch, round: Round, kind: 'bet' | 'win', amount_minor: bigint): void {
  emit(batch, {
    type: kind === 'bet' ? 'cancelled_bet' : 'cancelled_win',
    round,
    amount_minor,
    at: batch.book.created_at,
  });
}
