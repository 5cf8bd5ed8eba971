import type { Sql, TransactionSql } from '../db/sql.ts';
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
import { LIVE_CHANNEL, LIVE_LISTENERS_EXIST, livePayloads, type LiveMessage } from '../platform/live.ts';
import type { Outcome } from '../platform/outcome.ts';
import { AccountDirectory } from './accounts.ts';
import { BatchRun } from './batch-run.ts';
import { Book } from './book.ts';
import type {
  AccountNeed,
  Batch,
  BatchParticipant,
  BatchReferences,
  CommandHandler,
  LedgerCommand,
  PendingStatement,
} from './command.ts';
import { FLUSH_WAL } from './durability.ts';
import { LedgerUnavailableError } from './errors.ts';
import { Journal } from './journal.ts';
import { insertTransfers, lockAccounts, writeBalances } from './store.ts';
import type { AccountKey, AccountState } from './types.ts';

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
  /** Modules that ride along with every batch (see BatchParticipant). */
  participants?: readonly BatchParticipant<unknown>[];
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
  /** Batches not yet answered or failed; each knows its phase. */
  private readonly runs = new Map<BatchRun, Pending[]>();
  private closed = false;
  private readonly batch_size_max: number;
  private readonly batches_in_flight: number;
  private readonly queue_length_max: number;
  private readonly participants: readonly BatchParticipant<unknown>[];
  private idle_waiters: (() => void)[] = [];
  private last_batch_size = 0;
  private linger_timer: NodeJS.Timeout | undefined;
  private lingered = false;
  private readonly wait_max_ms: number;
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
    this.participants = options.participants ?? [];
    this.wait_max_ms = options.wait_max_ms ?? LEDGER_WAIT_MAX_MS;
    assert(
      this.batch_size_max > 0 && this.batches_in_flight > 0 && this.queue_length_max > 0 && this.wait_max_ms > 0,
      'writer limits must be positive',
    );
    // One sweep for all requests instead of a timer per request (the hot path pays one clock read).
    this.deadline_timer = setInterval(() => this.expire(), Math.max(10, Math.floor(this.wait_max_ms / 10)));
    this.deadline_timer.unref();
  }

  submit<I, R, S>(command: LedgerCommand<I, R, S>): Promise<Outcome<R>> {
    if (this.closed) return Promise.reject(new LedgerUnavailableError('closing', 'The ledger is shutting down.'));
    if (this.queue.length >= this.queue_length_max) {
      return Promise.reject(new LedgerUnavailableError('overloaded', 'The ledger queue is full; retry shortly.'));
    }
    return new Promise<Outcome<R>>((resolve, reject) => {
      this.queue.push({
        command: command as LedgerCommand,
        resolve: resolve as Pending['resolve'],
        reject,
        submitted_ms: performance.now(),
      });
      this.pump();
    });
  }

  /** Batches holding a connection right now (deciding or writing). */
  get busy(): number {
    return this.count((run) => run.holds_slot);
  }

  /** Stops taking commands and waits until every queued one is written. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.deadline_timer);
    if (this.runs.size === 0 && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idle_waiters.push(resolve));
  }

  /** How far past the wait deadline the oldest batch still holding a connection is (0: none is). */
  stalledForMs(): number {
    let oldest_ms = Infinity;
    for (const run of this.runs.keys()) if (run.holds_slot) oldest_ms = Math.min(oldest_ms, run.started_ms);
    return Math.max(0, performance.now() - oldest_ms - this.wait_max_ms);
  }

  private count(predicate: (run: BatchRun) => boolean): number {
    let n = 0;
    for (const run of this.runs.keys()) if (predicate(run)) n++;
    return n;
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
    for (const batch of this.runs.values())
      for (const p of batch) if (!p.expired && p.submitted_ms < oldest_ms) expired.push(p);
    if (expired.length === 0) return;
    this.logger.error(
      { requests: expired.length, wait_max_ms: this.wait_max_ms },
      'the database did not answer in time; requests answered 503',
    );
    const timeout = new LedgerUnavailableError(
      'timeout',
      'The database did not answer in time; retry the request with the same idempotency key.',
    );
    for (const p of expired) {
      p.expired = true;
      p.reject(timeout);
    }
  }

  /**
   * Starts batches while a connection slot is free and no other batch is deciding (one decides at a
   * time: it locks the hot rows; the next may lock once this one's writes are on their way).
   */
  private pump(): void {
    while (
      this.busy < this.batches_in_flight &&
      this.count((r) => r.phase === 'deciding') === 0 &&
      this.queue.length > 0
    ) {
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
      const run = new BatchRun(batch.length);
      this.runs.set(run, batch);
      this.runBatch(batch, run).finally(() => {
        this.runs.delete(run);
        if (this.queue.length > 0) this.pump();
        else if (this.runs.size === 0) for (const wake of this.idle_waiters.splice(0)) wake();
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
    return (
      !this.closed &&
      !this.lingered &&
      this.last_batch_size >= LEDGER_BATCH_LINGER_MIN_LAST_SIZE &&
      this.queue.length * 2 < this.last_batch_size
    );
  }

  /** Phase hooks the batch's execution calls; each frees the slot it held and lets the next batch start. */
  private hooks(run: BatchRun): Hooks {
    return {
      writing: () => {
        if (run.advanceFrom('deciding', 'writing')) this.pump();
      },
      committed: () => {
        if (run.advanceFrom('writing', 'flushing') && this.queue.length > 0) this.pump();
      },
    };
  }

  private async runBatch(batch: Pending[], run: BatchRun): Promise<void> {
    let written: Written;
    try {
      written = await this.executeWithRetry(
        batch.map((p) => p.command),
        this.hooks(run),
      );
    } catch (error) {
      run.advance('failed');
      await this.isolate(batch, error);
      return;
    }
    this.hooks(run).committed();
    try {
      await written.durable;
    } catch (error) {
      // Committed, but the flush was not confirmed: the outcome is unknown, so the batch is never run
      // again (that could apply it twice). Callers get 503 and retry with their idempotency keys.
      run.advance('failed');
      this.logger.error(
        { err: error, batch_size: batch.length },
        'ledger batch committed but its WAL flush was not confirmed',
      );
      const unconfirmed = new LedgerUnavailableError(
        'unconfirmed',
        'The database did not confirm that the write is durable; retry the request.',
      );
      for (const p of batch) p.reject(unconfirmed);
      return;
    }
    run.advance('answered');
    this.publish(written.live);
    // Answered on the next turn of the event loop: first the next batch (started by pump() as this
    // function returns) dispatches its BEGIN and locks, then the callers write their responses.
    // Answering first delayed the next batch by ~32 socket writes.
    setImmediate(() => batch.forEach((p, i) => p.resolve(written.outcomes[i])));
    ledgerMetrics.batch_size.observe(batch.length);
    ledgerMetrics.batch_seconds.observe((performance.now() - run.started_ms) / 1000);
  }

  /**
   * Live messages of a durable batch, one NOTIFY per payload (usually one per batch), fire-and-forget:
   * a lost notification costs a subscriber one update, never money, and never delays an answer.
   */
  private publish(messages: LiveMessage[]): void {
    if (messages.length === 0) return;
    const payloads = livePayloads(messages);
    // A tagged statement is prepared once per connection; sql.unsafe() with parameters is not, and
    // postgres.js described it first every time: one more round trip and parse per published batch.
    // NOTIFY takes a transaction id, so its commit waited for a WAL flush of its own, beside the
    // batches' flushes: ~10 % of the bonus workload's throughput (measured with publishing switched
    // off). The batch is durable already; what this transaction commits is only the notification,
    // which may be lost (see above), so it commits without waiting for the disk.
    // One statement per payload (usually one): a text parameter goes out as it is, where a text[] of
    // JSON had every quote escaped by the driver. Sent only while some process has subscribers
    // (live_listeners, migration 094; a process registers before it acknowledges a subscription), decided
    // by the statement itself: without one, PostgreSQL's notification queue was ~5 % of the bonus
    // workload's throughput (measured with publishing switched off).
    for (const payload of payloads) {
      this.sql`
        with async as (select set_config('synchronous_commit', 'off', true))
        select pg_notify(${LIVE_CHANNEL}, ${payload}) from async
        where ${this.sql.unsafe(LIVE_LISTENERS_EXIST)}`
        .execute()
        .catch((err: unknown) => this.logger.warn({ err, messages: messages.length }, 'live messages not published'));
    }
  }

  /**
   * A batch that failed for a reason other than a retryable race: halve it and run each half, so one
   * bad command (a value the database refuses) costs its neighbours about log2(n) extra batches
   * instead of n single-command ones. A lone command that fails is rejected.
   */
  private async isolate(batch: Pending[], error: unknown): Promise<void> {
    if (batch.length === 0) return;
    if (batch.length === 1) {
      this.logger.error({ err: error, handler: batch[0].command.handler.name }, 'ledger command failed');
      batch[0].reject(error);
      return;
    }
    // Commands answered 503 by the deadline are not run again: their batch rolled back.
    const live = batch.filter((p) => !p.expired);
    if (live.length < batch.length) return this.isolate(live, error);
    this.logger.warn({ err: error, batch_size: batch.length }, 'ledger batch failed; retrying its halves');
    const half = Math.ceil(batch.length / 2);
    await Promise.all(
      [batch.slice(0, half), batch.slice(half)].map((part) => {
        const run = new BatchRun(part.length);
        run.advance('writing');
        return this.runBatch(part, run);
      }),
    );
  }

  private async executeWithRetry(commands: LedgerCommand[], hooks: Hooks): Promise<Written> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.execute(commands, hooks);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (!code || !RETRYABLE_SQLSTATES.has(code) || attempt >= LEDGER_BATCH_RETRIES_MAX) throw error;
        ledgerMetrics.batch_retries.inc({ sqlstate: code });
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  }

  /**
   * The second stage: accounts locked after the early ones and the participants' reads, skipping those
   * the first stage holds. Every account of this stage is late wherever it is named (AccountNeed.late),
   * so the global lock order holds.
   */
  private async lockLate(
    tx: TransactionSql,
    needs: AccountNeed[],
    early: { ids: bigint[]; created: [AccountKey, bigint][] },
    expected_ids: bigint[],
  ): Promise<AccountState[]> {
    const resolved = await this.accounts.resolve(tx, needs, Promise.resolve());
    early.created.push(...resolved.created);
    const held = new Set([...early.ids, ...expected_ids]);
    const ids = resolved.ids.filter((id) => !held.has(id));
    return ids.length > 0 ? lockAccounts(tx, ids) : [];
  }

  /** Ids of the accounts the participants expect this batch to lock late, known and not locked early. */
  private expectedIds(commands: LedgerCommand[], early_ids: bigint[]): bigint[] {
    const needs = this.participants.flatMap((p) => p.expects?.(commands) ?? []);
    if (needs.length === 0) return [];
    assert(
      needs.every((n) => n.late),
      'an expected account is a late one',
    );
    const early = new Set(early_ids);
    return this.accounts.known(needs).filter((id) => !early.has(id));
  }

  /**
   * One batch, in two round trips (three when it needs a late account no participant expected): [BEGIN,
   * locks, reads] pipelined, decide in memory, then [writes, COMMIT, flush] pipelined. PostgreSQL runs a connection's statements in the order they were sent. The
   * lock is dispatched synchronously (execute()) before any read, so reads see rows after the locks are
   * granted. Writes are handed over undispatched and dispatched here in order, COMMIT last.
   *
   * Early lock release: the transaction commits with synchronous_commit off, so its row locks (the
   * house account's above all) are released without waiting for the disk, and the next batch can lock
   * and decide while this one's WAL is flushed. Nothing is acknowledged before it is durable: the
   * statement after COMMIT takes a transaction id, and its own synchronous commit returns only once
   * the WAL is flushed past it, hence past this batch and every batch it read from. Resolves when
   * COMMIT is answered; `durable` settles after the flush.
   */
  private async execute(commands: LedgerCommand[], hooks: Hooks): Promise<Written> {
    const conn = await this.sql.reserve();
    const tx = conn as unknown as TransactionSql;
    let open = false;
    let commit: Promise<{ command: string }> | undefined;
    let flush: Promise<unknown> | undefined;
    try {
      // Every statement of a batch reads or writes a few rows by key. Prepared statements are planned
      // once per connection, possibly while a table is still empty — a sequential scan then — and that
      // plan would stay as the table grows (measured: 2,600 → 600 requests/s). Without sequential scans
      // every plan, generic or custom, uses the indexes. Nor hash or merge joins: on a small table the
      // planner now and then joined a batch's unnest() with a whole index scan of the table (an UPDATE
      // of 31 grants read all 1,000: 1.2 ms instead of 0.6, auto_explain), where a nested loop of key
      // look-ups is right at every size a batch has.
      const started_ms = performance.now();
      const begin = conn.unsafe('begin').execute();
      const settings = conn.unsafe(TRANSACTION_SETTINGS).execute();
      open = true;
      const needs = commands.flatMap((c) => c.accounts);
      const resolved = await this.accounts.resolve(
        tx,
        needs.filter((n) => !n.late),
        begin,
      );
      const groups = groupByHandler(commands);
      // The late accounts the participants expect, locked in the same statement after every early one
      // (the global order: early by id, then late by id), without a round trip or a statement of their own.
      const expected_ids = this.expectedIds(commands, resolved.ids);
      const locking = lockAccounts(tx, resolved.ids, expected_ids);
      const handler_reads = [...groups].map(([handler, members]) =>
        handler.read?.(
          tx,
          members.map((m) => m.input),
        ),
      );
      let input_references: BatchReferences | undefined;
      const inputReferencesOf = () => (input_references ??= batchReferences(groups));
      const participant_reads = this.participants.map((p) => p.read?.(tx, commands, inputReferencesOf));
      const [, , early, ...rows] = await Promise.all([
        begin,
        settings,
        locking,
        ...handler_reads,
        ...participant_reads,
      ]);
      const read_ms = performance.now();
      const participant_rows = rows.slice(groups.size);
      const late_needs = [
        ...needs.filter((n) => n.late),
        ...this.participants.flatMap((p, i) => p.accounts?.(participant_rows[i]) ?? []),
      ];
      let references: BatchReferences | undefined;
      // The inputs' part was worked out for the first read already; only the reversals need the rows.
      const referencesOf = () =>
        (references ??= { ...inputReferencesOf(), transfer_ids: batchReversals(groups, rows) });
      const late_reads = this.participants.map((p, i) => p.readLate?.(tx, participant_rows[i], referencesOf));
      const late_locking = late_needs.length > 0 ? this.lockLate(tx, late_needs, resolved, expected_ids) : undefined;
      const [late, ...late_rows] =
        late_locking || late_reads.some((r) => r !== undefined)
          ? await Promise.all([late_locking ?? [], ...late_reads])
          : [[]];
      const late_ms = performance.now();
      const locked = late.length > 0 ? [...early, ...late] : early;
      const journal = new Journal();
      const states = new Map<CommandHandler<unknown, unknown, unknown>, unknown>();
      [...groups.keys()].forEach((handler, i) => states.set(handler, handler.state(rows[i], journal)));
      const participants = this.participants.map((participant, i) => ({
        participant,
        state: participant.state(late_reads[i] === undefined ? participant_rows[i] : late_rows[i], journal),
      }));
      const book = new Book(locked, new Date(), journal);
      const batch = batchOf(book, participants);
      settleDue(batch);
      const outcomes = commands.map((command) => decide(batch, command, states.get(command.handler)));
      book.assertBalanced();
      const touched = book.touched();
      const balances = touched.length ? writeBalances(tx, touched) : undefined;
      const pipelined: PendingStatement[] = [
        ...insertTransfers(tx, book.transfers, book.created_at),
        ...(balances ? [balances] : []),
      ];
      for (const [handler, state] of states) pipelined.push(...(handler.persist?.(tx, state) ?? []));
      for (const { participant, state } of participants) pipelined.push(...participant.persist(tx, state));
      for (const statement of pipelined) {
        assert(typeof statement.execute === 'function', 'persist() must return postgres.js queries, unawaited');
        statement.execute();
      }
      // Dispatched after every write: PostgreSQL runs it last. If a write failed, the transaction is
      // aborted and this COMMIT answers ROLLBACK, which the assertion below refuses to acknowledge.
      commit = conn.unsafe('commit').execute();
      flush = conn.unsafe(FLUSH_WAL).execute();
      hooks.writing();
      const writing_ms = performance.now();
      const [written, committed] = await Promise.all([Promise.all(pipelined), commit]);
      observePhases(started_ms, read_ms, late_ms, writing_ms, performance.now());
      assert(committed.command === 'COMMIT', `commit answered ${committed.command}`);
      if (balances) {
        const updated = (written[pipelined.indexOf(balances)] as { count: number }).count;
        assert(updated === touched.length, `updated ${updated} of ${touched.length} balances`);
      }
      // Only committed accounts enter the id cache.
      this.accounts.remember(resolved.created);
      const durable = flush.then(() => undefined).finally(() => conn.release());
      const live = participants.flatMap(({ participant, state }) => participant.live?.(state, book) ?? []);
      return { outcomes, durable, live };
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

interface Hooks {
  /** The batch's writes are on their way: the next batch may lock and decide meanwhile. */
  writing(): void;
  /** COMMIT was answered: the batch's locks are released and its connection slot frees. */
  committed(): void;
}

/** A batch whose COMMIT was answered: its outcomes, to be given out once `durable` resolves. */
interface Written {
  outcomes: Outcome<unknown>[];
  durable: Promise<void>;
  /** What the batch's participants tell other processes once it is durable. */
  live: LiveMessage[];
}

const phase_seconds = {
  read: ledgerMetrics.batch_phase_seconds.labels('read'),
  late: ledgerMetrics.batch_phase_seconds.labels('late'),
  decide: ledgerMetrics.batch_phase_seconds.labels('decide'),
  write: ledgerMetrics.batch_phase_seconds.labels('write'),
};

/** The phases of one batch attempt (see ledgerMetrics.batch_phase_seconds), from performance.now() instants. */
function observePhases(started_ms: number, read_ms: number, late_ms: number, writing_ms: number, committed_ms: number) {
  phase_seconds.read.observe((read_ms - started_ms) / 1000);
  phase_seconds.late.observe((late_ms - read_ms) / 1000);
  phase_seconds.decide.observe((writing_ms - late_ms) / 1000);
  phase_seconds.write.observe((committed_ms - writing_ms) / 1000);
}

// One statement for the transaction-local settings (see execute()).
const TRANSACTION_SETTINGS =
  "select set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true), " +
  "set_config('enable_mergejoin', 'off', true), set_config('synchronous_commit', 'off', true)";

/** What every handler's inputs name (games), each once; no transfer ids: they need the reads. */
function batchReferences(groups: Groups): BatchReferences {
  const games = new Set<string>();
  for (const [handler, members] of groups) {
    const found = handler.references?.(members.map((m) => m.input));
    if (!found) continue;
    for (const game of found.games) games.add(game);
  }
  return { transfer_ids: [], games: [...games] };
}

/** The transfers every handler's commands reverse, given what its read() found (in batch order), each once. */
function batchReversals(groups: Groups, rows: unknown[]): string[] {
  const ids = new Set<string>();
  [...groups].forEach(([handler, members], i) => {
    for (const id of handler.reversals?.(
      rows[i],
      members.map((m) => m.input),
    ) ?? [])
      ids.add(id);
  });
  return [...ids];
}

function batchOf(book: Book, participants: { participant: BatchParticipant<unknown>; state: unknown }[]): Batch {
  return {
    book,
    participants,
    stateOf<S>(participant: BatchParticipant<S>): S {
      const slot = participants.find((p) => p.participant === participant);
      assert(slot, () => `participant ${participant.name} is not registered with this ledger`);
      return slot.state as S;
    },
  };
}

/** Before the first command: each participant's work due at the batch's instant, kept whatever follows. */
export function settleDue(batch: Batch): void {
  for (const { participant, state } of batch.participants) {
    if (!participant.settleDue) continue;
    batch.book.begin();
    participant.settleDue(batch, state);
    batch.book.commit();
  }
}

/** One command, all-or-nothing: its transfers and everything it journaled stay, or all are undone. */
export function decide(batch: Batch, command: LedgerCommand, state: unknown): Outcome<unknown> {
  batch.book.begin();
  const outcome = command.handler.apply(batch, command.input, state);
  if (outcome.ok) batch.book.commit();
  else batch.book.undo();
  return outcome;
}

type Groups = Map<CommandHandler<unknown, unknown, unknown>, LedgerCommand[]>;

function groupByHandler(commands: LedgerCommand[]): Groups {
  const groups: Groups = new Map();
  for (const command of commands) {
    const members = groups.get(command.handler) ?? [];
    members.push(command);
    groups.set(command.handler, members);
  }
  return groups;
}
