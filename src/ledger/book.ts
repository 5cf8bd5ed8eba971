import { assert } from '../platform/assert.ts';
import { PLAYER_BALANCE_MAX_MINOR } from '../platform/limits.ts';
import { uuidv7 } from '../platform/uuid.ts';
import { AccountKeyMap } from './account-key-map.ts';
import { Journal } from './journal.ts';
import {
  accountKeyString,
  type AccountKey,
  type AccountState,
  type LedgerRefusal,
  type TransferRecord,
  type TransferResult,
  type TransferSpec,
} from './types.ts';

interface Mark {
  transfers_length: number;
  /** By the account's state object: the book's own, one per account. */
  saved: Map<AccountState, { balance_minor: bigint; version: bigint }>;
}

/**
 * The in-memory view of one batch's locked accounts. Commands are applied to it one after another;
 * each command's transfers either all stay or are all undone (its own all-or-nothing), without
 * touching its neighbours. Only after every command is decided does the batch write once.
 */
export class Book {
  readonly transfers: TransferRecord[] = [];
  private readonly accounts = new AccountKeyMap<AccountState>();
  private readonly opening = new Map<AccountState, { balance_minor: bigint; version: bigint }>();
  private mark: Mark | undefined;

  /**
   * `journal` is the batch's per-command undo log: begin/commit/undo here open and close it too, so a
   * refused command loses its protocol rows with its money.
   */
  constructor(
    locked: AccountState[],
    readonly created_at: Date,
    readonly journal: Journal = new Journal(),
  ) {
    for (const account of locked) {
      assert(
        !this.accounts.has(account.key),
        () => `account ${accountKeyString(account.key)} locked twice in one batch`,
      );
      const state = { ...account };
      this.accounts.set(account.key, state);
      this.opening.set(state, { balance_minor: account.balance_minor, version: account.version });
    }
  }

  /** The live state of an account of this batch, or undefined if it does not exist. */
  account(key: AccountKey): AccountState | undefined {
    return this.accounts.get(key);
  }

  exists(key: AccountKey): boolean {
    return this.accounts.has(key);
  }

  /** The balance of an account of this batch, 0 for one that does not exist (one look-up, not two). */
  balanceOrZero(key: AccountKey): bigint {
    return this.accounts.get(key)?.balance_minor ?? 0n;
  }

  balance(key: AccountKey): bigint {
    const account = this.accounts.get(key);
    assert(account, () => `account ${accountKeyString(key)} was not locked for this batch`);
    return account.balance_minor;
  }

  /** Starts a command: everything until commit()/undo() is one all-or-nothing unit. */
  begin(): void {
    assert(this.mark === undefined, 'commands do not nest');
    this.mark = { transfers_length: this.transfers.length, saved: new Map() };
    this.journal.begin();
  }

  commit(): void {
    assert(this.mark, 'commit without begin');
    this.mark = undefined;
    this.journal.commit();
  }

  undo(): void {
    const mark = this.mark;
    assert(mark, 'undo without begin');
    for (const [account, saved] of mark.saved) Object.assign(account, saved);
    this.transfers.length = mark.transfers_length;
    this.mark = undefined;
    this.journal.undo();
  }

  /**
   * Moves money; refuses (changing nothing) if the source would go below its floor (INSUFFICIENT_FUNDS)
   * or a player would hold more than PLAYER_BALANCE_MAX_MINOR (BALANCE_LIMIT): one ceiling for every
   * surface, so no path can make a balance that answers could not carry.
   */
  transfer(spec: TransferSpec): TransferResult {
    assert(this.mark, 'transfer outside a command');
    assert(spec.amount_minor > 0n, () => `transfer amount must be positive, got ${spec.amount_minor}`);
    assert(spec.from.asset === spec.to.asset, 'transfer between different assets');
    const from = this.accounts.get(spec.from);
    const to = this.accounts.get(spec.to);
    if (!from || !to) return refused('ACCOUNT_NOT_FOUND');
    assert(from.id !== to.id, 'transfer from an account to itself');
    const from_after = from.balance_minor - spec.amount_minor;
    if (from.overdraft_limit_minor !== null && from_after < -from.overdraft_limit_minor) {
      return refused('INSUFFICIENT_FUNDS');
    }
    if (to.key.kind === 'player' && to.balance_minor + spec.amount_minor > PLAYER_BALANCE_MAX_MINOR)
      return refused('BALANCE_LIMIT');
    this.save(from);
    this.save(to);
    from.balance_minor = from_after;
    from.version += 1n;
    to.balance_minor += spec.amount_minor;
    to.version += 1n;
    const record: TransferRecord = {
      id: uuidv7(this.created_at.getTime()),
      from_account_id: from.id,
      to_account_id: to.id,
      asset: spec.from.asset,
      amount_minor: spec.amount_minor,
      kind: spec.kind,
      reverses_id: spec.reverses_id ?? null,
      scope: spec.scope ?? null,
      external_id: spec.external_id ?? null,
      metadata: spec.metadata ?? null,
      round: spec.round ?? null,
      from_balance_after_minor: from.balance_minor,
      from_version: from.version,
      to_balance_after_minor: to.balance_minor,
      to_version: to.version,
      created_at: this.created_at,
    };
    this.transfers.push(record);
    return { ok: true, value: record };
  }

  /** Accounts whose balance changed, with their final state. */
  touched(): AccountState[] {
    return [...this.accounts.values()].filter((a) => a.version !== this.opening.get(a)!.version);
  }

  /** Double entry, checked before anything is written: per asset the deltas sum to zero. */
  assertBalanced(): void {
    const net = new Map<string, bigint>();
    for (const account of this.accounts.values()) {
      const delta = account.balance_minor - this.opening.get(account)!.balance_minor;
      net.set(account.key.asset, (net.get(account.key.asset) ?? 0n) + delta);
    }
    for (const [asset, sum] of net) assert(sum === 0n, `batch is not zero-sum for ${asset}: ${sum}`);
    for (const account of this.accounts.values()) {
      const floor = account.overdraft_limit_minor;
      assert(floor === null || account.balance_minor >= -floor, `account ${account.id} below its floor`);
    }
  }

  private save(account: AccountState): void {
    if (!this.mark!.saved.has(account)) {
      this.mark!.saved.set(account, { balance_minor: account.balance_minor, version: account.version });
    }
  }
}

function refused(refusal: LedgerRefusal): TransferResult {
  return { ok: false, refusal };
}
