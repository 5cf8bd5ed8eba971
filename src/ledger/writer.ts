import type { Sql, TransactionSql } from '../db/sql.ts';
import { AppError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import {
  LEDGER_BATCH_LINGER_MS,
  LEDGER_BATCH_LINGER_MIN_LAST_SIZE,
  LEDGER_BATCH_RETRIES_MAX,
  LEDGER_BATCH_SIZE_MAX,
  LEDGER_QUEUE_LENGTH_MAX,
  LEDGER_WAIT_MAX_MS,
} from '../platform/limits.ts';
import { assert } from '../platform/assert.ts';
import { ledgerMetrics } from '../platform/metrics.ts';
import { AccountDirectory } from './accounts.ts';
import { Book } from './book.ts';
import type { CommandHandler, Decided, LedgerCommand, PendingStatement } from './command.ts';
import { FLUSH_WAL } from './durability.ts';
import { insertTransfers, lockAccounts, writeBalances } from './store.ts';
import type { AccountState, Outcome } from './types.ts';

interface Pending {
  command: LedgerCommand;
  resolve(outcome: Outcome<unknown>): void;
  reject(error: unknown): void;
  /** performance.now() at submit, for the wait deadline. */
  submitted_ms: number;
  /** Answered 503 by the deadline; a later outcome is dropped. */
  expired?: boolean;
}

export interface WriterOptions {
  batch_size_max?: number;
  batches_in_flight?: number;
  queue_length_max?: number;
  /** Longest wait for an answer before 503 (default LEDGER_WAIT_MAX_MS). */
  wait_max_ms?: number;
}

// Deadlock, serialization failure, unique violation (a racing process inserted the same key first):
// the whole batch rolls back and is decided again against what is now committed.
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001', '23505']);

/**
 * The one write entry point: group commit. Commands that arrive while a batch is being written wait
 * in a queue and go together in the next transaction — one fsync for hundreds of bets, each hot
 * account (the house) updated once per batch. An idle writer starts a batch at once, so a lone request
 * pays no added latency, and batches grow by themselves with load; only right after a large batch may
 * it wait, once and at most LEDGER_BATCH_LINGER_MS, for more (see shouldLinger).
 */
export class GroupCommitWriter {
  private readonly queue: Pending[] = [];
  private running = 0;
  private closed = false;
  private readonly batch_size_max: number;
  private readonly batches_in_flight: number;
  private readonly queue_length_max: number;
  private idle_waiters: (() => void)[] = [];
  private last_batch_size = 0;
  private linger_timer: NodeJS.Timeout | undefined;
  private lingered = false;
  /** Batches between their start and the dispatch of their writes: at most one at a time. */
  private deciding = 0;
  /** Batches committed and waiting for the WAL flush before answering. */
  private flushing = 0;
  private readonly wait_max_ms: number;
  /** Batches between their start and their end, for the wait deadline. */
  private readonly in_flight = new Set<Pending[]>();
  private readonly deadline_timer: NodeJS.Timeout;

  constructor(
    private readonly sql: Sql,
    private readonly accounts: AccountDirectory,
    private readonly logger: Logger,
    options: WriterOptions = {},
  ) {
    this.batch_size_max = options.batch_size_max ?? LEDGER_BATCH_SIZE_MAX;
    this.batches_in_flight = options.batches_in_flight ?? 1;
    this.queue_length_max = options.queue_length_max ?? LEDGER_QUEUE_LENGTH_MAX;
    this.wait_max_ms = options.wait_max_ms ?? LEDGER_WAIT_MAX_MS;
    assert(this.batch_size_max > 0 && this.batches_in_flight > 0 && this.queue_length_max > 0 && this.wait_max_ms > 0, 'writer limits must be positive');
    // One sweep for all requests instead of a timer per request (the hot path pays one clock read).
    this.deadline_timer = setInterval(() => this.expire(), Math.max(10, Math.floor(this.wait_max_ms / 10)));
    this.deadline_timer.unref();
  }

  submit<I, R, S>(command: LedgerCommand<I, R, S>): Promise<Outcome<R>> {
    if (this.closed) return Promise.reject(new AppError('NOT_READY', 'The ledger is shutting down.'));
    if (this.queue.length >= this.queue_length_max) return Promise.reject(new AppError('OVERLOADED'));
    return new Promise<Outcome<R>>((resolve, reject) => {
      this.queue.push({ command: command as LedgerCommand, resolve: resolve as Pending['resolve'], reject, submitted_ms: performance.now() });
      this.pump();
    });
  }

  /** Batches being written right now (each holds one pooled connection). */
  get busy(): number {
    return this.running;
  }

  /** Stops taking commands and waits until every queued one is written. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.deadline_timer);
    if (this.running === 0 && this.flushing === 0 && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idle_waiters.push(resolve));
  }

  /**
   * A database that hangs without closing its connections (stopped, or behind a network that drops
   * packets) would hold every request for as long as it hangs. Past wait_max_ms a request is answered
   * 503: one still queued is dropped and never applied; one in a batch has an unknown outcome (the
   * batch may still commit), which its idempotency key makes safe to retry.
   */
  private expire(): void {
    const oldest_ms = performance.now() - this.wait_max_ms;
    let queued = 0;
    while (queued < this.queue.length && this.queue[queued].submitted_ms < oldest_ms) queued += 1;
    const expired = this.queue.splice(0, queued);
    for (const batch of this.in_flight) for (const p of batch) if (!p.expired && p.submitted_ms < oldest_ms) expired.push(p);
    if (expired.length === 0) return;
    this.logger.error({ requests: expired.length, wait_max_ms: this.wait_max_ms }, 'the database did not answer in time; requests answered 503');
    for (const p of expired) {
      p.expired = true;
      p.reject(new AppError('NOT_READY', 'The database did not answer in time; retry the request with the same idempotency key.'));
    }
  }

  private pump(): void {
    while (this.running < this.batches_in_flight && this.deciding === 0 && this.queue.length > 0) {
      if (this.shouldLinger()) {
        this.linger_timer ??= setTimeout(() => {
          this.linger_timer = undefined;
          this.lingered = true;
          this.pump();
        }, LEDGER_BATCH_LINGER_MS);
        return;
      }
      clearTimeout(this.linger_timer);
      this.linger_timer = undefined;
      this.lingered = false;
      const batch = this.queue.splice(0, this.batch_size_max);
      this.last_batch_size = batch.length;
      this.running += 1;
      this.deciding += 1;
      let deciding = true;
      // Called once the batch's writes are on their way: the next batch may lock and decide meanwhile.
      const writing = () => {
        if (!deciding) return;
        deciding = false;
        this.deciding -= 1;
        this.pump();
      };
      // The slot frees when the batch's COMMIT is answered (its locks are released then); waiting for
      // the WAL flush before answering its callers happens outside the slot.
      let slot = true;
      const release = () => {
        writing();
        if (!slot) return;
        slot = false;
        this.running -= 1;
        this.flushing += 1;
        if (this.queue.length > 0) this.pump();
      };
      this.in_flight.add(batch);
      this.runBatch(batch, writing, release).finally(() => {
        this.in_flight.delete(batch);
        release();
        this.flushing -= 1;
        if (this.queue.length > 0) this.pump();
        else if (this.running === 0 && this.flushing === 0) for (const wake of this.idle_waiters.splice(0)) wake();
      });
    }
  }

  /**
   * Under load, the requests answered by a batch come back within a millisecond or so. Starting the
   * next batch on the first of them would alternate batches of one and batches of many; waiting once,
   * briefly, until half the last batch is back keeps batches large. An idle writer (last batch small)
   * never waits, so a lone request pays nothing.
   */
  private shouldLinger(): boolean {
    return !this.closed && !this.lingered &&
      this.last_batch_size >= LEDGER_BATCH_LINGER_MIN_LAST_SIZE && this.queue.length * 2 < this.last_batch_size;
  }

  private async runBatch(batch: Pending[], writing: () => void = () => {}, committed: () => void = () => {}): Promise<void> {
    const started = performance.now();
    let written: Written;
    try {
      written = await this.executeWithRetry(batch.map((p) => p.command), writing);
    } catch (error) {
      if (batch.length > 1) {
        // Isolate the command that breaks the batch: each alone, so the others still succeed.
        this.logger.warn({ err: error, batch_size: batch.length }, 'ledger batch failed; retrying its commands one by one');
        // Commands answered 503 by the deadline are not run again: their batch rolled back.
        await Promise.all(batch.filter((p) => !p.expired).map((p) => this.runBatch([p])));
        return;
      }
      this.logger.error({ err: error, handler: batch[0].command.handler.name }, 'ledger command failed');
      batch[0].reject(error);
      return;
    }
    committed();
    try {
      await written.durable;
    } catch (error) {
      // Committed, but the flush was not confirmed: the outcome is unknown, so the batch is never run
      // again (that could apply it twice). Callers get 503 and retry with their idempotency keys.
      this.logger.error({ err: error, batch_size: batch.length }, 'ledger batch committed but its WAL flush was not confirmed');
      for (const p of batch) p.reject(new AppError('NOT_READY', 'The database did not confirm that the write is durable; retry the request.'));
      return;
    }
    // Answered on the next turn of the event loop: first the next batch (started by pump() as this
    // function returns) dispatches its BEGIN and locks, then the callers write their responses.
    // Answering first delayed the next batch by ~32 socket writes.
    setImmediate(() => batch.forEach((p, i) => p.resolve(written.outcomes[i])));
    ledgerMetrics.batch_size.observe(batch.length);
    ledgerMetrics.batch_seconds.observe((performance.now() - started) / 1000);
  }

  private async executeWithRetry(commands: LedgerCommand[], writing: () => void): Promise<Written> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.execute(commands, writing);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (!code || !RETRYABLE_SQLSTATES.has(code) || attempt >= LEDGER_BATCH_RETRIES_MAX) throw error;
        ledgerMetrics.batch_retries.inc({ sqlstate: code });
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  }

  /**
   * One batch, in two round trips: [BEGIN, locks, loads] pipelined, decide in memory, then [writes,
   * COMMIT, flush] pipelined. PostgreSQL runs a connection's statements in the order they were sent. The
   * lock is dispatched synchronously (execute()) before any load, so loads read after the locks are
   * granted. Writes are handed over undispatched and dispatched here in order, COMMIT last; a handler
   * whose persist() awaits its own statements makes COMMIT wait for it instead (a COMMIT sent earlier
   * would overtake those statements, which would then run outside the transaction and its locks).
   *
   * Early lock release: the transaction commits with synchronous_commit off, so its row locks (the
   * house account's above all) are released without waiting for the disk, and the next batch can lock
   * and decide while this one's WAL is flushed. Nothing is acknowledged before it is durable: the
   * statement after COMMIT takes a transaction id, and its own synchronous commit returns only once
   * the WAL is flushed past it, hence past this batch and every batch it read from. Resolves when
   * COMMIT is answered; `durable` settles after the flush.
   */
  private async execute(commands: LedgerCommand[], writing: () => void): Promise<Written> {
    const conn = await this.sql.reserve();
    const tx = conn as unknown as TransactionSql;
    let open = false;
    let commit: Promise<{ command: string }> | undefined;
    let flush: Promise<unknown> | undefined;
    try {
      // Every statement of a batch reads or writes a few rows by key. Prepared statements are planned
      // once per connection, possibly while a table is still empty — a sequential scan then — and that
      // plan would stay as the table grows (measured: 2,600 → 600 requests/s). Without sequential scans
      // every plan, generic or custom, uses the indexes.
      const begin = conn.unsafe('begin').execute();
      const settings = conn.unsafe(TRANSACTION_SETTINGS).execute();
      open = true;
      const resolved = await this.accounts.resolve(tx, commands.flatMap((c) => c.accounts), begin);
      const groups = groupByHandler(commands);
      const locking = lockAccounts(tx, resolved.ids);
      const loading = [...groups].map(([handler, members]) =>
        handler.load ? handler.load(tx, members.map((m) => m.command.input)) : Promise.resolve(undefined));
      const [, , locked, ...loaded] = await Promise.all([begin, settings, locking, ...loading]);
      const states = new Map<CommandHandler<unknown, unknown, unknown>, unknown>();
      [...groups.keys()].forEach((handler, i) => states.set(handler, loaded[i]));
      const book = new Book(locked as AccountState[], new Date());
      const results = commands.map((command) => decide(book, command, states.get(command.handler)));
      book.assertBalanced();
      const touched = book.touched();
      const balances = touched.length ? writeBalances(tx, touched) : undefined;
      const { statements, awaited } = persistAll(tx, groups, results, states);
      const pipelined = [...insertTransfers(tx, book.transfers), ...(balances ? [balances] : []), ...statements];
      for (const statement of pipelined) {
        assert(typeof statement.execute === 'function', 'persist() must return postgres.js queries, unawaited');
        statement.execute();
      }
      if (awaited.length) await Promise.all([...pipelined, ...awaited]);
      // Dispatched after every write: PostgreSQL runs it last. If a write failed, the transaction is
      // aborted and this COMMIT answers ROLLBACK, which the assertion below refuses to acknowledge.
      commit = conn.unsafe('commit').execute();
      flush = conn.unsafe(FLUSH_WAL).execute();
      writing();
      const [written, committed] = await Promise.all([Promise.all(pipelined), commit]);
      assert(committed.command === 'COMMIT', `commit answered ${committed.command}`);
      if (balances) {
        const updated = (written[pipelined.indexOf(balances)] as { count: number }).count;
        assert(updated === touched.length, `updated ${updated} of ${touched.length} balances`);
      }
      // Only committed accounts enter the id cache.
      this.accounts.remember(resolved.created);
      const durable = flush.then(() => undefined).finally(() => conn.release());
      return { outcomes: results, durable };
    } catch (error) {
      // The transaction must be over before the connection goes back to the pool: a dispatched COMMIT
      // ends it (as ROLLBACK when a statement failed); otherwise roll back. Both wait for every
      // statement queued before them.
      if (commit) await Promise.all([commit.catch(() => {}), flush?.catch(() => {})]);
      else if (open) await conn.unsafe('rollback').catch(() => {});
      conn.release();
      throw error;
    }
  }
}

/** A batch whose COMMIT was answered: its outcomes, to be given out once `durable` resolves. */
interface Written {
  outcomes: Outcome<unknown>[];
  durable: Promise<void>;
}

// One statement for both transaction-local settings (see execute()).
const TRANSACTION_SETTINGS = "select set_config('enable_seqscan', 'off', true), set_config('synchronous_commit', 'off', true)";

function decide(book: Book, command: LedgerCommand, state: unknown): Outcome<unknown> {
  book.begin();
  const outcome = command.handler.apply(book, command.input, state);
  if (outcome.ok) book.commit();
  else book.undo();
  return outcome;
}

type Groups = Map<CommandHandler<unknown, unknown, unknown>, { command: LedgerCommand; index: number }[]>;

function groupByHandler(commands: LedgerCommand[]): Groups {
  const groups: Groups = new Map();
  commands.forEach((command, index) => {
    const members = groups.get(command.handler) ?? [];
    members.push({ command, index });
    groups.set(command.handler, members);
  });
  return groups;
}

function persistAll(tx: TransactionSql, groups: Groups, results: Outcome<unknown>[], states: Map<unknown, unknown>): { statements: PendingStatement[]; awaited: Promise<void>[] } {
  const statements: PendingStatement[] = [];
  const awaited: Promise<void>[] = [];
  for (const [handler, members] of groups) {
    if (!handler.persist) continue;
    const decided: Decided<unknown, unknown>[] = members.map((m) => ({ input: m.command.input, outcome: results[m.index] }));
    const written = handler.persist(tx, decided, states.get(handler));
    if (Array.isArray(written)) statements.push(...written);
    else awaited.push(written);
  }
  return { statements, awaited };
}
