/** The aggregator's domain types: what a request asks, what is stored, what is answered. */

export type ActionKind = 'bet' | 'win' | 'rollback';

/** One action of a request, checked and converted at the boundary (amounts are bigint from here on). */
export interface ActionInput {
  action: ActionKind;
  action_id: string;
  /** bet: > 0, win: >= 0, rollback: as sent (null when absent). */
  amount_minor: bigint | null;
  /** Rollbacks only; null for bets and wins (ignored there if sent). */
  original_action_id: string | null;
}

export interface ProcessInput {
  user_id: string;
  currency: string;
  game: string | null;
  game_id: string | null;
  actions: ActionInput[];
}

/** A row of aggregator_actions. */
export interface ActionRow {
  action_id: string;
  user_id: string;
  currency: string;
  action: ActionKind;
  amount_minor: bigint | null;
  original_action_id: string | null;
  tx_id: string;
  rolled_back: boolean;
  game: string | null;
  game_id: string | null;
  /** The part of the amount that counts as bonus money (play/money.ts bonusPartOf), for the reports. */
  bonus_minor: bigint;
  /** A bet staked while a bonus was active: the grant (play/money.ts stakedBonusOf); null otherwise. */
  bonus_id: string | null;
  /** That bet's wagering contribution, given back if it is rolled back while the grant is active. */
  contribution_minor: bigint | null;
  created_at: Date;
}

export interface TransactionEntry {
  action_id: string;
  tx_id: string;
}

export interface ProcessResult {
  transactions: TransactionEntry[];
  balance_minor: bigint;
}
