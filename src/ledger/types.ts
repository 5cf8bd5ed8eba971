/** What names an account: unique per (kind, owner, purpose, asset). */
export interface AccountKey {
  kind: 'player' | 'system';
  owner: string;
  /** 'cash' for a player's wallet, 'bonus' for bonus money; a system account's role ('main'). */
  purpose: string;
  asset: string;
}

export function playerAccount(owner: string, asset: string, purpose = 'cash'): AccountKey {
  return { kind: 'player', owner, purpose, asset };
}

/**
 * System accounts per asset (SPEC §4): treasury issues, revenue receives spend, house plays games;
 * payouts_pending holds payouts players requested and nobody has settled yet (SPEC §7).
 */
export const SYSTEM_ACCOUNT_NAMES = ['treasury', 'revenue', 'bonus_pool', 'house', 'payouts_pending'] as const;
export type SystemAccountName = (typeof SYSTEM_ACCOUNT_NAMES)[number];

export function systemAccount(name: SystemAccountName, asset: string): AccountKey {
  return { kind: 'system', owner: name, purpose: 'main', asset };
}

export function accountKeyString(key: AccountKey): string {
  return `${key.kind}\u0000${key.owner}\u0000${key.purpose}\u0000${key.asset}`;
}

export interface AccountState {
  id: bigint;
  key: AccountKey;
  balance_minor: bigint;
  version: bigint;
  /** null: no floor (system accounts). */
  overdraft_limit_minor: bigint | null;
}

/** What a command asks the book to move. */
export interface TransferSpec {
  from: AccountKey;
  to: AccountKey;
  amount_minor: bigint;
  kind: string;
  scope?: string;
  external_id?: string;
  reverses_id?: string;
  metadata?: Record<string, unknown>;
  /** The game round this movement belongs to (game money, play/money.ts). */
  round?: TransferRound;
}

/**
 * The game round a transfer belongs to, stored in columns of its own (migration 090): what a player's
 * history and rounds show. The ledger keeps it and never reads it.
 */
export interface TransferRound {
  surface: string;
  provider: string;
  game: string;
  /** The protocol's round id; null when the protocol sent none. */
  round_id: string | null;
}

/** An applied transfer, as stored. */
export interface TransferRecord {
  id: string;
  from_account_id: bigint;
  to_account_id: bigint;
  asset: string;
  amount_minor: bigint;
  kind: string;
  reverses_id: string | null;
  scope: string | null;
  external_id: string | null;
  metadata: Record<string, unknown> | null;
  round: TransferRound | null;
  from_balance_after_minor: bigint;
  from_version: bigint;
  to_balance_after_minor: bigint;
  to_version: bigint;
  created_at: Date;
}

/**
 * Why the book refused a transfer — a closed list in precedence order (TigerBeetle's
 * CreateTransferResult): an account missing from the batch first, then the source's floor, then the
 * destination's ceiling. Protocols map each to their own wire codes; nothing else can come back.
 */
export const LEDGER_REFUSALS = ['ACCOUNT_NOT_FOUND', 'INSUFFICIENT_FUNDS', 'BALANCE_LIMIT'] as const;
export type LedgerRefusal = (typeof LEDGER_REFUSALS)[number];

export type TransferResult = { ok: true; value: TransferRecord } | { ok: false; refusal: LedgerRefusal };
