/** Shapes shared by the casino side of the seamless protocol. */

/** The built-in provider's code in the casino catalogue (SPEC §5: casino callbacks are provider `jaqpot`). */
export const BUILT_IN_PROVIDER = 'jaqpot';

export type CallKind = 'debit' | 'credit' | 'rollback';
export type RowKind = CallKind | 'tombstone';

export interface Session {
  token: string;
  user_id: string;
  game_id: string;
  currency: string;
  expires_at: Date;
}

interface CallCommon {
  external_transaction_id: string;
  session_token: string;
  /** Looked up before the command is queued; null when the token is unknown. */
  session: Session | null;
  user_id: string;
  currency: string;
  game_id: string | null;
  received_at: Date;
}

/** A debit or credit: a round and an amount, always (the schemas require both). */
export type MoneyCall = CallCommon & {
  kind: 'debit' | 'credit';
  round_id: string;
  amount_minor: bigint;
  original_transaction_id: null;
};
/** A rollback names the debit it undoes; round and amount are optional checks against that debit. */
export type RollbackCall = CallCommon & {
  kind: 'rollback';
  round_id: string | null;
  amount_minor: bigint | null;
  original_transaction_id: string;
};

/** One money callback, checked and parsed (amounts bigint). */
export type CallInput = MoneyCall | RollbackCall;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A money callback as parsed from the wire, before its session is looked up. */
export type CallRequest = DistributiveOmit<CallInput, 'session' | 'received_at'>;

/** The exact answer sent for a call; duplicates get these bytes again. */
export interface StoredResponse {
  status: number;
  body: string;
}

export interface CallResult {
  response: StoredResponse;
  replayed: boolean;
}

/** A seamless_transactions row. */
export interface TransactionRow {
  external_transaction_id: string;
  kind: RowKind;
  transaction_id: string;
  session_token: string;
  user_id: string;
  currency: string;
  game_id: string | null;
  round_id: string | null;
  amount_minor: bigint | null;
  original_transaction_id: string | null;
  transfer_id: string | null;
  rolled_back_by: string | null;
  /** The part of the amount that counts as bonus money (play/money.ts bonusPartOf), for the reports. */
  bonus_minor: bigint;
  /** A debit staked while a bonus was active: the grant (play/money.ts stakedBonusOf); null otherwise. */
  bonus_id: string | null;
  /** That debit's wagering contribution, given back if it is rolled back while the grant is active. */
  contribution_minor: bigint | null;
  response_status: number | null;
  response_body: string | null;
  /** When the call was processed (the ledger batch's time): a rollback's report rollup goes to its debit's hour. */
  created_at: Date;
}
