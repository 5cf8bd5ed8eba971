import type { Book } from '../ledger/book.ts';
import type { LiveMessage } from '../platform/live.ts';
import { amountToJson } from '../platform/money.ts';
import { bonusAccount } from '../play/bonus.ts';
import type { BonusRow } from './state.ts';

/** The grant object of SPEC §5, as every bonus answer carries it. */
export interface GrantJson {
  bonusId: string;
  playerId: string;
  asset: string;
  amount: number;
  status: BonusRow['status'];
  bonus_balance: number;
  wagered: number;
  required: number;
  percent: number;
  expires_at: string;
  max_bet: number | null;
  max_conversion: number | null;
  created_at: string;
}

/** percent = floor(100 × wagered / required), at most 100 (wagering may pass the requirement by one bet). */
export function percentOf(row: Pick<BonusRow, 'wagered_minor' | 'required_minor'>): number {
  const percent = (100n * row.wagered_minor) / row.required_minor;
  return Number(percent > 100n ? 100n : percent);
}

/** `bonus_balance`: the bonus account while active; a pending grant's money has not moved yet, an ended one's has left. */
export function grantJson(row: BonusRow, active_balance_minor: bigint): GrantJson {
  return {
    bonusId: row.id,
    playerId: row.player,
    asset: row.asset,
    amount: amountToJson(row.amount_minor),
    status: row.status,
    bonus_balance: amountToJson(row.status === 'active' ? active_balance_minor : 0n),
    wagered: amountToJson(row.wagered_minor),
    required: amountToJson(row.required_minor),
    percent: percentOf(row),
    expires_at: row.expires_at.toISOString(),
    max_bet: row.max_bet_minor === null ? null : amountToJson(row.max_bet_minor),
    max_conversion: row.max_conversion_minor === null ? null : amountToJson(row.max_conversion_minor),
    created_at: row.created_at.toISOString(),
  };
}

/**
 * A live `bonus` message (SPEC §5, GET /v1/ws): the grant object's fields a subscriber follows, as
 * grantJson answers them, without the instants and limits that a bet never changes.
 */
export function liveGrant(row: BonusRow, active_balance_minor: bigint): LiveMessage {
  return {
    type: 'bonus',
    bonusId: row.id,
    playerId: row.player,
    asset: row.asset,
    status: row.status,
    bonus_balance: amountToJson(row.status === 'active' ? active_balance_minor : 0n),
    wagered: amountToJson(row.wagered_minor),
    required: amountToJson(row.required_minor),
    percent: percentOf(row),
  };
}

export function bonusBalanceIn(book: Book, player: string, asset: string): bigint {
  return book.balanceOrZero(bonusAccount(player, asset));
}
