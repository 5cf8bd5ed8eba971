import type { Sql } from '../db/sql.ts';

// Its own transaction (autocommit), with the session's synchronous_commit (on unless the operator chose
// otherwise). PostgreSQL commits a transaction that wrote no WAL asynchronously even then, so this one
// takes a transaction id and writes a tiny WAL record (a logical message, allowed to any role): its
// commit then waits until the WAL is flushed past it, hence past every transaction committed before it.
export const FLUSH_WAL = "select pg_current_xact_id(), pg_logical_emit_message(false, 'croupier', 'flush')";

/**
 * The writer commits with synchronous_commit off and acknowledges only after FLUSH_WAL (see
 * writer.ts), so for a millisecond or two a read can see a batch that is committed but not yet on
 * disk. Answers that show balances wait here (Ledger.durable()) before answering: what they show is
 * durable too. Callers arriving
 * while a flush runs join the next one (the running one may have started before their read), so any
 * number of readers cost at most two flushes in a row.
 */
export class FlushBarrier {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly sql: Sql) {}

  /** Resolves once the WAL is flushed past every commit made before this call. */
  wait(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    const queued = this.running
      .catch(() => {})
      .then(() => {
        if (this.queued === queued) this.queued = undefined;
        return this.start();
      });
    this.queued = queued;
    return queued;
  }

  private start(): Promise<void> {
    const flush = this.sql.unsafe(FLUSH_WAL).then(() => undefined);
    this.running = flush;
    flush
      .catch(() => {})
      .finally(() => {
        if (this.running === flush) this.running = undefined;
      });
    return flush;
  }
}
