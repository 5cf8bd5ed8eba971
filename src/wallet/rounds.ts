import { amountToJson } from '../platform/money.ts';
import type { RoundTransferRow } from './store.ts';

/** One transfer of a round, from the player's side (SPEC §8: bets, wins, rollbacks and their ids). */
export interface RoundTransfer {
  transactionId: string;
  kind: string;
  amount: number;
  direction: 'credit' | 'debit';
  reverses: string | null;
  created_at: string;
}

/** A game round of one player across both surfaces, with its totals in the round's asset. */
export interface RoundItem {
  round: string;
  game: string | null;
  provider: string | null;
  surface: string | null;
  asset: string;
  started_at: string;
  /** Sums of the player's bets, wins and rollbacks (amounts ≥ 0); net = what the player gained (may be < 0). */
  bet: number;
  win: number;
  rolled_back: number;
  net: number;
  transfers: RoundTransfer[];
}

/** Rows (ordered by round, then time) → rounds with their transfers and totals, in bigint until the wire. */
export function groupRounds(rows: RoundTransferRow[]): {
  items: RoundItem[];
  keys: { started_key: string; round_key: string }[];
} {
  const items: RoundItem[] = [];
  const keys: { started_key: string; round_key: string }[] = [];
  const totals: { bet: bigint; win: bigint; rolled_back: bigint; net: bigint }[] = [];
  rows.forEach((row, i) => {
    const previous = rows[i - 1];
    if (!previous || previous.round_key !== row.round_key || previous.started_key !== row.started_key) {
      items.push({
        round: row.round,
        game: row.game,
        provider: row.provider,
        surface: row.surface,
        asset: row.asset,
        started_at: '',
        bet: 0,
        win: 0,
        rolled_back: 0,
        net: 0,
        transfers: [],
      });
      totals.push({ bet: 0n, win: 0n, rolled_back: 0n, net: 0n });
      keys.push({ started_key: row.started_key, round_key: row.round_key });
    }
    const item = items[items.length - 1];
    const sum = totals[totals.length - 1];
    if (item.transfers.length === 0) item.started_at = row.created_at.toISOString();
    if (row.kind === 'bet') sum.bet += row.amount_minor;
    else if (row.kind === 'win') sum.win += row.amount_minor;
    else if (row.kind === 'rollback') sum.rolled_back += row.amount_minor;
    sum.net += row.to_player ? row.amount_minor : -row.amount_minor;
    item.transfers.push({
      transactionId: row.transfer_id,
      kind: row.kind,
      amount: amountToJson(row.amount_minor),
      direction: row.to_player ? 'credit' : 'debit',
      reverses: row.reverses_id,
      created_at: row.created_at.toISOString(),
    });
  });
  items.forEach((item, i) => {
    item.bet = amountToJson(totals[i].bet);
    item.win = amountToJson(totals[i].win);
    item.rolled_back = amountToJson(totals[i].rolled_back);
    item.net = Number(totals[i].net); // |net| ≤ max(bet, win + rolled_back): both are safe, so is net.
  });
  return { items, keys };
}
