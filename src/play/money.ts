import type { Batch } from '../ledger/command.ts';
import type { AccountKey, LedgerRefusal, TransferRecord } from '../ledger/types.ts';
import { assert } from '../platform/assert.ts';
import type { ErrorDefinition } from '../platform/error-table.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import {
  bonusAccount,
  bonusOf,
  destinationAccount,
  type BonusHook,
  type BonusPlay,
  type CommittedStake,
  type RoundStakes,
  type StakedBonus,
} from './bonus.ts';
import { emit } from './events.ts';
import { accountsOfRound, roundKey, type Round } from './round.ts';

/**
 * Game money, once, for every surface: a stake moves player → house, a payout house → player, a
 * refund reverses either. Transfer kinds are one vocabulary (`bet`, `win`, `rollback`); the round
 * travels with the transfer (TransferSpec.round) so every history row names its game and round.
 */
export const PLAY_TRANSFER_KINDS = { bet: 'bet', win: 'win', rollback: 'rollback' } as const;

/** The parts of game money that are bonus money (SPEC §5) carry their own kinds. */
export const BONUS_PLAY_TRANSFER_KINDS = { bet: 'bonus_bet', win: 'bonus_win', rollback: 'bonus_rollback' } as const;

/** How a protocol answers the ledger's refusals: its own registry rows and sentences. */
export interface ProtocolRefusals {
  /** The player's balance is too low (SPEC §2 code 100, §3 INSUFFICIENT_FUNDS). */
  insufficient_funds: ErrorDefinition;
  /** The player's balance would pass 2^53 − 1. */
  balance_limit: ErrorDefinition;
  /** The player has no wallet in this currency (the casino does not open wallets). */
  account_not_found: ErrorDefinition;
  /** The stake exceeds the active bonus's max_bet (SPEC §2 code 101, §3 BONUS_MAX_BET). */
  bonus_max_bet: ErrorDefinition;
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
  bonus_side?: AccountKey,
): Outcome<TransferRecord> {
  const accounts = accountsOfRound(round);
  const house = accounts.house;
  const player = bonus_side ?? accounts.player;
  const to_player = kind === 'win' || (kind === 'rollback' && reverses?.kind === 'bet');
  const result = batch.book.transfer({
    from: to_player ? house : player,
    to: to_player ? player : house,
    amount_minor,
    kind: bonus_side ? BONUS_PLAY_TRANSFER_KINDS[kind] : PLAY_TRANSFER_KINDS[kind],
    ...refs,
    reverses_id: reverses?.transfer_id ?? undefined,
    round: { surface: round.surface, provider: round.provider, game: round.game, round_id: round.round_id },
  });
  if (result.ok) return result;
  const row = {
    INSUFFICIENT_FUNDS: refusals.insufficient_funds,
    BALANCE_LIMIT: refusals.balance_limit,
    ACCOUNT_NOT_FOUND: refusals.account_not_found,
  }[result.refusal];
  return refuse(row, refusals.describe?.(result.refusal, amount_minor));
}

/** A bet: player → house (amount > 0); with an active bonus, cash first, then bonus money. */
export function stake(
  batch: Batch,
  round: Round,
  amount_minor: bigint,
  refs: TransferRefs,
  refusals: ProtocolRefusals,
): Outcome<TransferRecord> {
  const found = bonusOf(batch);
  const usable = found?.hook.usable(batch, found.state, round) ?? null;
  if (!found || !usable) {
    const moved = move(batch, round, 'bet', amount_minor, refs, refusals);
    if (moved.ok) emit(batch, { type: 'bet', round, amount_minor, at: batch.book.created_at });
    return moved;
  }
  if (usable.max_bet_minor !== null && amount_minor > usable.max_bet_minor) {
    // The row's own sentence: SPEC §2 fixes the message of code 101 word for word.
    return refuse(refusals.bonus_max_bet);
  }
  const { player } = accountsOfRound(round);
  const bonus = bonusAccount(round.player, round.currency);
  const cash_minor = minOf(batch.book.balanceOrZero(player), amount_minor);
  const bonus_minor = amount_minor - cash_minor;
  if (bonus_minor > batch.book.balanceOrZero(bonus)) {
    return refuse(refusals.insufficient_funds, refusals.describe?.('INSUFFICIENT_FUNDS', amount_minor));
  }
  const moved = split(batch, round, 'bet', { cash_minor, bonus_minor, bonus_from: bonus }, refs, refusals);
  if (!moved.ok) return moved;
  found.hook.staked(batch, found.state, round, {
    transfer_id: moved.value.id,
    bonus_id: usable.bonus_id,
    cash_minor,
    bonus_minor,
  });
  emit(batch, { type: 'bet', round, amount_minor, bonus_minor, at: batch.book.created_at });
  return moved;
}

/**
 * A win: house → player. A win of 0 moves nothing (no transfer) but still counts as the round's result.
 * A round staked partly with bonus money is paid in its cash : bonus proportion, the bonus part rounded
 * down, to wherever that bonus now sends it (its account while active, cash once converted, the pool once ended).
 * `committed`: the round's bonus bets of earlier batches, as the protocol's rows hold them (read with the
 * batch, before any of its rollbacks); this batch's own bets and rollbacks are the bonus participant's.
 */
export function pay(
  batch: Batch,
  round: Round,
  amount_minor: bigint,
  refs: TransferRefs,
  refusals: ProtocolRefusals,
  committed: readonly CommittedStake[] = [],
): Outcome<TransferRecord | null> {
  if (amount_minor === 0n) {
    emit(batch, { type: 'win', round, amount_minor, at: batch.book.created_at });
    return succeed(null);
  }
  const found = bonusOf(batch);
  const stakes = found ? roundStakesOf(batch, found, round, committed) : null;
  if (!found || !stakes) {
    const moved = move(batch, round, 'win', amount_minor, refs, refusals);
    if (moved.ok) emit(batch, { type: 'win', round, amount_minor, at: batch.book.created_at });
    return moved;
  }
  const bonus_minor = (amount_minor * stakes.bonus_minor) / (stakes.cash_minor + stakes.bonus_minor);
  const bonus_to = found.hook.destination(found.state, stakes.bonus_id);
  const parts = {
    cash_minor: amount_minor - bonus_minor,
    bonus_minor,
    bonus_from: destinationAccount(bonus_to, round.player, round.currency),
  };
  const moved = split(batch, round, 'win', parts, refs, refusals);
  if (!moved.ok) return moved;
  found.hook.won(batch, found.state, round, {
    transfer_id: moved.value.id,
    bonus_id: stakes.bonus_id,
    cash_minor: parts.cash_minor,
    bonus_minor,
    bonus_to,
  });
  // Paid to bonus money only while the grant is active (to cash once converted, to the pool once ended).
  emit(batch, {
    type: 'win',
    round,
    amount_minor,
    bonus_minor: bonus_to === 'bonus' ? bonus_minor : 0n,
    at: batch.book.created_at,
  });
  return moved;
}

/**
 * The round's stakes at this point of the batch: its committed bonus bets within the batch's reach plus
 * what this batch staked and rolled back. Null when no bonus money is in it (the win is cash only). The
 * bonus is the newest stake's: this batch's, else the last committed bet's.
 */
function roundStakesOf(
  batch: Batch,
  found: { hook: BonusHook<unknown>; state: unknown },
  round: Round,
  committed: readonly CommittedStake[],
): RoundStakes | null {
  const own = found.hook.roundStakes(found.state, round);
  let cash_minor = own?.cash_minor ?? 0n;
  let bonus_minor = own?.bonus_minor ?? 0n;
  let bonus_id = own?.bonus_id;
  let newest_ms = Number.NEGATIVE_INFINITY;
  for (const bet of committed) {
    if (!found.hook.inReach(batch, found.state, round.player, round.currency, bet.at)) continue;
    cash_minor += bet.cash_minor;
    bonus_minor += bet.bonus_minor;
    if (own === null && bet.at.getTime() >= newest_ms) {
      bonus_id = bet.bonus_id;
      newest_ms = bet.at.getTime();
    }
  }
  assert(cash_minor >= 0n && bonus_minor >= 0n, "a round's stakes are never negative");
  return bonus_id === undefined || bonus_minor === 0n ? null : { bonus_id, cash_minor, bonus_minor };
}

/**
 * Reverses a bet (house → player) or a win (player → house) of `amount_minor`, referencing its transfer.
 * A win of 0 moved nothing: nothing moves back, but the rollback still counts. A bet or win split with a
 * bonus is reversed part by part: a bet's bonus part goes where its bonus now sends it, a win's comes
 * back from where it went.
 */
export function refund(
  batch: Batch,
  round: Round,
  original: RefundedOriginal,
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
  const found = bonusOf(batch);
  const play = found ? splitOf(batch, found, round, original) : undefined;
  const moved =
    found && play
      ? refundSplit(batch, round, found, play, original, refs, refusals)
      : move(batch, round, 'rollback', original.amount_minor, refs, refusals, original);
  if (moved.ok) emit(batch, { ...event, bonus_minor: countedBonusPart(play) });
  return moved;
}

/** What a refund is told of its original, as its protocol row holds it. */
export interface RefundedOriginal {
  kind: 'bet' | 'win';
  amount_minor: bigint;
  transfer_id: string | null;
  at: Date;
  /** The original's counted bonus part (bonusPartOf when it was made). */
  bonus_minor: bigint;
  /** A bet staked while a bonus was active: its grant and contribution (stakedBonusOf); null otherwise. */
  staked_bonus: StakedBonus | null;
}

/** The split of a refund's original: made in this batch, stored (a win paid to cash or the pool), or its row's. */
function splitOf(
  batch: Batch,
  found: { hook: BonusHook<unknown>; state: unknown },
  round: Round,
  original: RefundedOriginal,
): BonusPlay | undefined {
  const { transfer_id } = original;
  if (transfer_id === null) return undefined;
  const made = found.hook.playOf(found.state, transfer_id);
  if (made) return made;
  const unstored = { ...original, transfer_id };
  return original.kind === 'bet'
    ? unstoredBet(batch, found, round, unstored)
    : unstoredWin(batch, found, round, unstored);
}

/**
 * An earlier batch's bet staked while a bonus was active: its split is on its protocol row (the bonus
 * part counted, the rest cash; its grant and contribution). Out of the batch's reach it is cash only.
 */
function unstoredBet(
  batch: Batch,
  found: { hook: BonusHook<unknown>; state: unknown },
  round: Round,
  original: RefundedOriginal & { transfer_id: string },
): BonusPlay | undefined {
  if (original.staked_bonus === null) return undefined;
  if (!found.hook.inReach(batch, found.state, round.player, round.currency, original.at)) return undefined;
  assert(original.bonus_minor <= original.amount_minor, 'a bet stakes at most its amount as bonus money');
  return {
    transfer_id: original.transfer_id,
    kind: 'bet',
    bonus_id: original.staked_bonus.bonus_id,
    round_key: roundKey(round),
    cash_minor: original.amount_minor - original.bonus_minor,
    bonus_minor: original.bonus_minor,
    bonus_to: 'bonus',
    contribution_minor: original.staked_bonus.contribution_minor,
    rolled_back: false,
  };
}

/**
 * What a rollback counts as bonus money in the reports: the part of its original that refund() reversed
 * as bonus money (the same look-up), so its action row counts as the rollups do.
 */
export function refundedBonusPart(batch: Batch, round: Round, original: RefundedOriginal): bigint {
  const found = bonusOf(batch);
  return countedBonusPart(found ? splitOf(batch, found, round, original) : undefined);
}

/**
 * A win whose bonus part went to the bonus account is not stored as a split (BonusHook.won): its
 * protocol row's counted bonus part is that bonus part, and the rest was cash. It is that win's split
 * while its bonus is within the batch's reach (the window of stored splits); beyond, it is cash only,
 * as a stored split out of reach would be.
 */
function unstoredWin(
  batch: Batch,
  found: { hook: BonusHook<unknown>; state: unknown },
  round: Round,
  original: RefundedOriginal & { transfer_id: string },
): BonusPlay | undefined {
  if (original.kind !== 'win' || original.bonus_minor <= 0n) return undefined;
  if (!found.hook.inReach(batch, found.state, round.player, round.currency, original.at)) return undefined;
  assert(original.bonus_minor <= original.amount_minor, 'a win counts at most its amount as bonus money');
  return {
    transfer_id: original.transfer_id,
    kind: 'win',
    bonus_id: null,
    round_key: null,
    cash_minor: original.amount_minor - original.bonus_minor,
    bonus_minor: original.bonus_minor,
    bonus_to: 'bonus',
    contribution_minor: 0n,
    rolled_back: false,
  };
}

/**
 * The part of a bet or win transfer that counts as bonus money in the reports (SPEC §6): a stake's
 * bonus part, a win's part paid to bonus money; 0 for cash-only money, no transfer, or one this batch's
 * bonus state does not know. A rollback counts the part of the original it reverses (refundedBonusPart).
 * What the protocols store on their action rows, so a report's partial hour counts as its rollups do.
 */
export function bonusPartOf(batch: Batch, transfer_id: string | null | undefined): bigint {
  if (!transfer_id) return 0n;
  const found = bonusOf(batch);
  return countedBonusPart(found?.hook.playOf(found.state, transfer_id));
}

/** A protocol row's stored bonus stake (its `bonus_id` and `contribution_minor` columns), as a refund is told it. */
export function stakedBonusOfRow(row: {
  bonus_id: string | null;
  contribution_minor: bigint | null;
}): StakedBonus | null {
  if (row.bonus_id === null) return null;
  assert(row.contribution_minor !== null, 'a row naming a grant carries its contribution');
  return { bonus_id: row.bonus_id, contribution_minor: row.contribution_minor };
}

/**
 * What a bet's protocol row stores of its split, so a later batch can refund it and pay its round without
 * a split row of its own: null for a bet staked with no bonus active, a win, or no transfer.
 */
export function stakedBonusOf(batch: Batch, transfer_id: string | null | undefined): StakedBonus | null {
  if (!transfer_id) return null;
  const found = bonusOf(batch);
  const play = found?.hook.playOf(found.state, transfer_id);
  if (!play || play.kind !== 'bet') return null;
  assert(play.bonus_id !== null, 'a bet split names its grant');
  return { bonus_id: play.bonus_id, contribution_minor: play.contribution_minor };
}

/** A bet's bonus stake; a win's bonus part only if it was paid to bonus money (not cash, not the pool). */
function countedBonusPart(play: BonusPlay | undefined): bigint {
  return !play ? 0n : play.kind === 'bet' || play.bonus_to === 'bonus' ? play.bonus_minor : 0n;
}

function refundSplit(
  batch: Batch,
  round: Round,
  found: { hook: BonusHook<unknown>; state: unknown },
  play: NonNullable<ReturnType<BonusHook<unknown>['playOf']>>,
  original: { kind: 'bet' | 'win'; transfer_id: string | null },
  refs: TransferRefs,
  refusals: ProtocolRefusals,
): Outcome<TransferRecord> {
  const bonus_to = original.kind === 'bet' ? found.hook.destination(found.state, play.bonus_id!) : play.bonus_to;
  const parts = {
    cash_minor: play.cash_minor,
    bonus_minor: play.bonus_minor,
    bonus_from: destinationAccount(bonus_to, round.player, round.currency),
  };
  const moved = split(
    batch,
    round,
    'rollback',
    parts,
    refs,
    refusals,
    original as { kind: 'bet' | 'win'; transfer_id: string },
  );
  if (moved.ok) found.hook.reversed(found.state, play);
  return moved;
}

/**
 * Moves a cash part and a bonus part as up to two transfers (the cash one first; the first one made
 * carries the protocol's references and is the one protocols answer with). `bonus_from` is the bonus
 * part's player-side account: where a stake takes it from, or where a win or refund sends it.
 */
function split(
  batch: Batch,
  round: Round,
  kind: keyof typeof PLAY_TRANSFER_KINDS,
  parts: { cash_minor: bigint; bonus_minor: bigint; bonus_from: AccountKey },
  refs: TransferRefs,
  refusals: ProtocolRefusals,
  reverses?: { kind: 'bet' | 'win'; transfer_id: string },
): Outcome<TransferRecord> {
  let first: TransferRecord | undefined;
  if (parts.cash_minor > 0n) {
    const moved = move(batch, round, kind, parts.cash_minor, refs, refusals, reverses);
    if (!moved.ok) return moved;
    first = moved.value;
  }
  if (parts.bonus_minor > 0n) {
    const moved = move(batch, round, kind, parts.bonus_minor, first ? {} : refs, refusals, reverses, parts.bonus_from);
    if (!moved.ok) return moved;
    first ??= moved.value;
  }
  assert(first, 'a split moves a positive amount');
  return succeed(first);
}

function minOf(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
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
