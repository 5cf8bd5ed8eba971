import type { Book } from '../ledger/book.ts';
import type { AccountNeed, Batch, BatchParticipant } from '../ledger/command.ts';
import { playerAccount, systemAccount, type AccountKey } from '../ledger/types.ts';
import type { Round } from './round.ts';

/**
 * How game money meets bonus money (SPEC §5) without play importing a domain: play defines the questions
 * it asks while a stake, win or refund is decided, and the bonus module's batch participant answers
 * them from its per-batch state. Play moves the money (one place for every surface); the participant
 * keeps the wagering, the splits and the grants' life cycle.
 */

/** Where the bonus part of a win (or of a refunded bet) goes: the bonus account, cash (converted) or the pool (ended). */
export type BonusDestination = 'bonus' | 'cash' | 'pool';

/** The active bonus a bet may use. */
export interface UsableBonus {
  bonus_id: string;
  max_bet_minor: bigint | null;
}

/** How one bet or win of a bonus player was split (keyed by its first transfer). */
export interface BonusPlay {
  transfer_id: string;
  kind: 'bet' | 'win';
  /** The grant a bet was staked with, a win paid under; null for a win whose split is not stored (money.ts unstoredWin). */
  bonus_id: string | null;
  round_key: string | null;
  cash_minor: bigint;
  bonus_minor: bigint;
  bonus_to: BonusDestination;
  contribution_minor: bigint;
  rolled_back: boolean;
}

/** A round's stakes so far, and the bonus they were staked with. */
export interface RoundStakes {
  bonus_id: string;
  cash_minor: bigint;
  bonus_minor: bigint;
}

/**
 * A bet of the round committed by an earlier batch while a bonus was active, as its protocol row holds
 * it (the protocols keep a bet's split on their own row: bonus_id, bonus_minor, contribution_minor).
 */
export interface CommittedStake {
  bonus_id: string;
  cash_minor: bigint;
  bonus_minor: bigint;
  at: Date;
}

/** What a bet's protocol row stores of its split: the grant it was staked with and its wagering contribution. */
export interface StakedBonus {
  bonus_id: string;
  contribution_minor: bigint;
}

export interface BonusHook<S> extends BatchParticipant<S> {
  readonly bonus_hook: true;
  /** The active bonus for the round's player and currency at the batch's time; an expired one is ended here first. */
  usable(batch: Batch, state: S, round: Round): UsableBonus | null;
  /** A bet was staked with a bonus active: record the split, add the contribution, convert at the requirement. */
  staked(
    batch: Batch,
    state: S,
    round: Round,
    play: Omit<BonusPlay, 'kind' | 'round_key' | 'bonus_to' | 'contribution_minor' | 'rolled_back' | 'bonus_id'> & {
      bonus_id: string;
    },
  ): void;
  /**
   * What this batch staked in the round (null: nothing with a bonus), less the bets of earlier batches it
   * rolled back: the round's committed stakes (CommittedStake) are the protocol's, added by pay().
   */
  roundStakes(state: S, round: Round): RoundStakes | null;
  /** Where a bonus part belonging to this grant goes now (active: the bonus account). */
  destination(state: S, bonus_id: string): BonusDestination;
  /** A win was paid in its round's proportion: recorded for the batch, stored unless its bonus part went to the bonus account. */
  won(
    batch: Batch,
    state: S,
    round: Round,
    play: Omit<BonusPlay, 'kind' | 'round_key' | 'contribution_minor' | 'rolled_back' | 'bonus_id'> & {
      bonus_id: string;
    },
  ): void;
  /** The split of a bet or win made with a bonus in this batch, or of a win whose split was stored. */
  playOf(state: S, transfer_id: string): BonusPlay | undefined;
  /**
   * Whether money of the player's bonus made at `at` is within this batch's reach: a grant of the pair is
   * live or recently ended (its bonus account locked) and `at` is inside the window of stored splits.
   */
  inReach(batch: Batch, state: S, player: string, currency: string, at: Date): boolean;
  /**
   * A bet or win was refunded: a stored win split is marked; a bet (made in this batch, or an earlier
   * batch's as its protocol row holds it) leaves its round's stakes and gives its contribution back while
   * its bonus is active.
   */
  reversed(state: S, play: BonusPlay): void;
  /** Before money leaves the player's cash (a withdraw): the active bonus of the asset is forfeited. */
  cashOut(batch: Batch, state: S, player: string, asset: string): void;
}

export function isBonusHook(participant: BatchParticipant<unknown>): participant is BonusHook<unknown> {
  return (participant as Partial<BonusHook<unknown>>).bonus_hook === true;
}

/** The batch's bonus participant and its state, if one is registered. */
export function bonusOf(batch: Batch): { hook: BonusHook<unknown>; state: unknown } | undefined {
  for (const { participant, state } of batch.participants) {
    if (isBonusHook(participant)) return { hook: participant, state };
  }
  return undefined;
}

export function bonusAccount(player: string, asset: string): AccountKey {
  return playerAccount(player, asset, 'bonus');
}

/**
 * The accounts bonus money moves through for one player and asset: the player's bonus account (created
 * by the ledger with the cash account, never here: a command for a player without a wallet must not
 * open one) and the asset's bonus_pool (a system account, seeded; created if a new asset lacks it).
 * Both are always locked late (AccountNeed.late), wherever they are named: game commands do not name
 * them at all — the bonus participant asks for them only for players its read found with a grant, so
 * a batch of players without a bonus locks nothing more. Every change to a player's grants or bonus
 * money also holds the player's cash account (locked early), which is why the participant's read,
 * made after the early locks, sees grants no other batch can change until this one commits.
 */
export function bonusAccountNeeds(player: string, asset: string, create = false): AccountNeed[] {
  return [
    { key: bonusAccount(player, asset), create, late: true },
    { key: systemAccount('bonus_pool', asset), create: true, late: true },
  ];
}

/** SPEC §5: `balance` in game answers is the playable total, cash + bonus. */
export function playableBalance(book: Book, player: string, asset: string): bigint {
  return book.balanceOrZero(playerAccount(player, asset)) + book.balanceOrZero(bonusAccount(player, asset));
}

/** A withdraw (or any cash-out) calls this first: the active bonus of the asset is forfeited (SPEC §5). */
export function beforeCashOut(batch: Batch, player: string, asset: string): void {
  const found = bonusOf(batch);
  if (found) found.hook.cashOut(batch, found.state, player, asset);
}

/** The account a destination names. */
export function destinationAccount(to: BonusDestination, player: string, asset: string): AccountKey {
  if (to === 'bonus') return bonusAccount(player, asset);
  if (to === 'cash') return playerAccount(player, asset);
  return systemAccount('bonus_pool', asset);
}
