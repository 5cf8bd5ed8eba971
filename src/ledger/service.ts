import type { Sql } from '../db/sql.ts';
import type { Logger } from '../platform/logger.ts';
import { registerPoolReader } from '../platform/metrics.ts';
import { AccountDirectory } from './accounts.ts';
import { FlushBarrier } from './durability.ts';
import type { AccountNeed, CommandHandler, LedgerCommand } from './command.ts';
import { operationHandler, type OperationResult } from './operation.ts';
import { readAccount, readAccountsOfOwner, readPostings, type Posting, type PostingFilter } from './store.ts';
import { succeed, type Outcome } from '../platform/outcome.ts';
import type { AccountKey, AccountState, TransferSpec } from './types.ts';
import { GroupCommitWriter, type WriterOptions } from './writer.ts';

/** Narrowing of an account's postings (kind, time window), for the surfaces' history reads. */
export type { PostingFilter };

const noopHandler: CommandHandler<undefined, undefined, undefined> = {
  name: 'ledger.ensure_accounts',
  state: () => undefined,
  apply: () => succeed(undefined),
};

export interface Asset {
  code: string;
  scale: number;
}

/**
 * The ledger: the only module that writes money tables (SPEC §1). Protocol modules submit commands
 * (their rules as a CommandHandler) and read balances and history through here.
 */
export class Ledger {
  private readonly writer: GroupCommitWriter;
  private assets: Map<string, Asset> | undefined;
  private readonly flushed: FlushBarrier;

  constructor(
    readonly sql: Sql,
    readonly logger: Logger,
    options: WriterOptions & { pool_size?: number } = {},
  ) {
    this.writer = new GroupCommitWriter(sql, new AccountDirectory(), logger, options);
    this.flushed = new FlushBarrier(sql);
    const pool_size = options.pool_size ?? 10;
    registerPoolReader(() => ({ size: pool_size, busy: this.writer.busy }));
  }

  /** The one write entry point: the command joins the next group-commit batch. */
  submit<I, R, S>(command: LedgerCommand<I, R, S>): Promise<Outcome<R>> {
    return this.writer.submit(command);
  }

  /** Several transfers, all-or-nothing, idempotent per (scope, external_id). Accounts are created as needed. */
  execute(
    transfers: TransferSpec[],
    options: { create?: (key: AccountKey) => boolean } = {},
  ): Promise<Outcome<OperationResult>> {
    const create = options.create ?? (() => true);
    const accounts: AccountNeed[] = transfers.flatMap((t) => [
      { key: t.from, create: create(t.from) },
      { key: t.to, create: create(t.to) },
    ]);
    return this.submit({ handler: operationHandler, input: { transfers }, accounts });
  }

  /** Creates accounts (with zero balance) without moving money. */
  async ensureAccounts(keys: AccountKey[]): Promise<void> {
    if (keys.length === 0) return;
    const outcome = await this.submit({
      handler: noopHandler,
      input: undefined,
      accounts: keys.map((key) => ({ key, create: true })),
    });
    if (!outcome.ok) throw new Error(`could not create accounts: ${outcome.error.key}`);
  }

  async listAssets(): Promise<Map<string, Asset>> {
    if (!this.assets) {
      const rows = await this.sql<Asset[]>`select code, scale from assets order by code`;
      this.assets = new Map(rows.map((r) => [r.code, { code: r.code, scale: Number(r.scale) }]));
    }
    return this.assets;
  }

  async assetExists(code: string): Promise<boolean> {
    return (await this.listAssets()).has(code);
  }

  account(key: AccountKey): Promise<AccountState | undefined> {
    return readAccount(this.sql, key);
  }

  accountsOf(kind: 'player' | 'system', owner: string): Promise<AccountState[]> {
    return readAccountsOfOwner(this.sql, kind, owner);
  }

  /** Newest first; pass the last posting's version as `before_version` for the next page. */
  postings(
    account_id: bigint,
    limit: number,
    before_version: bigint | null = null,
    filter: PostingFilter = {},
  ): Promise<Posting[]> {
    return readPostings(this.sql, account_id, limit, before_version, filter);
  }

  /**
   * Resolves once everything committed before the call is on disk. A read may see a batch committed
   * but not yet flushed (see durability.ts); an answer that shows a client balances or history awaits
   * this after reading, so what it shows survives a crash. Checks that only decide (does the player
   * exist?) need not.
   */
  durable(): Promise<void> {
    return this.flushed.wait();
  }

  /** How long the oldest unanswered batch has waited beyond the wait deadline (0: none): a wedged writer turns /ready red. */
  stalledForMs(): number {
    return this.writer.stalledForMs();
  }

  /** Waits for queued commands to be written; new ones are refused. */
  close(): Promise<void> {
    return this.writer.close();
  }
}
