import { createHash, randomUUID } from 'node:crypto';
import type { Sql } from '../db/sql.ts';
import type { Ledger } from '../ledger/service.ts';
import type { Logger } from '../platform/logger.ts';
import type { TransactionsConfig } from './config.ts';
import { itemAccounts, ingestHandler } from './handler.ts';
import { readItem, type UpstreamItem } from './item.ts';
import { changedUsersPayload } from './notify.ts';
import { exactJsonText, type ExactJson } from './json-exact.ts';
import {
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  BUDGET_SLEEP_MAX_MS,
  NOTIFY_CHANNEL,
  UPSTREAM_PAGE_SIZE,
  UPSTREAM_TIMEOUT_MS,
  WALK_END_DELAY_MS,
} from './limits.ts';
import {
  acquireLease,
  blockBudget,
  recordError,
  recordFailure,
  releaseLease,
  saveProgress,
  takeBudget,
  type IngestState,
  type Walk,
} from './state.ts';
import { quarantine } from './store.ts';
import { fetchPage, type PageAnswer } from './upstream.ts';

export interface PullerDeps {
  sql: Sql;
  ledger: Ledger;
  logger: Logger;
}

export interface PullerOptions {
  /** How long a silent puller keeps others away (default: two budget windows plus a request's timeout). */
  lease_ms?: number;
  upstream_timeout_ms?: number;
  /** Names this puller in the lease (default: a fresh UUID per puller). */
  owner?: string;
  /** Default WALK_END_DELAY_MS; tests that accelerate time shorten it with the budget window. */
  walk_end_delay_ms?: number;
}

type Step = 'next' | 'finished' | 'stopped';

/**
 * The ingestion worker (SPEC §7), one run per job tick. A run walks a fixed window
 * [checkpoint − TRANSACTIONS_LATE_MAX_S, now − WALK_END_DELAY_MS] page by page (limit 1000) until a
 * page comes back short, spending one request of the global budget per page, and returns; the next
 * tick starts the next walk. docs/transactions.md explains why this never skips and never counts twice.
 */
export class Puller {
  private readonly owner: string;
  private readonly lease_ms: number;
  private readonly timeout_ms: number;
  private readonly walk_end_delay_ms: number;
  /** Consecutive failed requests, for the exponential back-off. */
  private failures = 0;

  constructor(
    private readonly deps: PullerDeps,
    private readonly config: TransactionsConfig,
    options: PullerOptions = {},
  ) {
    this.owner = options.owner ?? randomUUID();
    this.timeout_ms = options.upstream_timeout_ms ?? UPSTREAM_TIMEOUT_MS;
    this.walk_end_delay_ms = options.walk_end_delay_ms ?? WALK_END_DELAY_MS;
    this.lease_ms = options.lease_ms ?? 2 * config.budget.window_ms + this.timeout_ms;
  }

  /** Hands the lease back (a clean shutdown), so another process can pull at once instead of after lease_ms. */
  release(): Promise<void> {
    return releaseLease(this.deps.sql, this.owner).catch(() => {});
  }

  async run(signal: AbortSignal): Promise<void> {
    if (this.config.api_url === undefined) return;
    try {
      for (;;) {
        if (signal.aborted) return;
        const state = await acquireLease(this.deps.sql, this.owner, this.lease_ms);
        if (!state) return; // another process pulls; this one tries again at the next tick
        // A new walk's end, and with no late window every walk's end, is taken when its request is granted.
        const extend = state.walk === null || this.config.late_max_s === 0;
        const walk = state.walk ?? this.newWalk(state);
        const step = await this.step(walk, extend, signal);
        if (step !== 'next') return;
      }
    } catch (error) {
      if (!signal.aborted)
        await recordError(this.deps.sql, `ingestion failed: ${(error as Error).message}`).catch(() => {});
      throw error;
    } finally {
      // A clean stop hands over at once; a crash leaves the lease to expire.
      if (signal.aborted) await this.release();
    }
  }

  /**
   * Re-reads the late window behind the checkpoint; the newest moment is left to the next walk. Both
   * ends fall on whole seconds: the seed's date format has none smaller, and an upstream that drops
   * the milliseconds of `endDate` would otherwise hide the items of the walk's last partial second.
   */
  private newWalk(state: IngestState): Walk {
    const from_ms = (state.checkpoint?.getTime() ?? this.config.start.getTime()) - this.config.late_max_s * 1000;
    const start = new Date(wholeSecond(Math.max(this.config.start.getTime(), from_ms)));
    const end = new Date(Math.max(start.getTime(), wholeSecond(state.now.getTime() - this.walk_end_delay_ms)));
    return { start, end, page: 1 };
  }

  /**
   * One request: a page ingested and the walk advanced, or a refusal obeyed. With `extend`, the walk's
   * end moves up to now − WALK_END_DELAY_MS (the database's clock when the budget granted the request):
   * for a new walk that only trims the time spent waiting for budget; with no late window it makes a
   * walk that is behind run on with full pages instead of ending on a short one (docs/transactions.md).
   */
  private async step(walk: Walk, extend: boolean, signal: AbortSignal): Promise<Step> {
    const granted_at = await this.waitForBudget(signal);
    if (granted_at === null) return 'stopped';
    if (extend) {
      const end_ms = wholeSecond(granted_at.getTime() - this.walk_end_delay_ms);
      if (end_ms > walk.end.getTime()) walk = { ...walk, end: new Date(end_ms) };
    }
    const answer = await fetchPage(
      this.config.api_url!,
      { ...walk, limit: UPSTREAM_PAGE_SIZE },
      this.timeout_ms,
      signal,
    );
    if (signal.aborted) return 'stopped';
    if (answer.kind !== 'page') return (await this.obey(answer, signal)) ? 'next' : 'stopped';
    this.failures = 0;
    const { applied, users, created_max } = await this.ingest(answer.items);
    const finished =
      answer.items.length < UPSTREAM_PAGE_SIZE || (answer.total_pages !== null && walk.page >= answer.total_pages);
    // Finished: everything up to the walk's end is in. Mid-walk: everything before this page's last
    // createdAt is; items sharing it may continue on the next page, and the next walk starts at or
    // before it (startDate is inclusive), so they are re-read, never skipped.
    const checkpoint = finished ? walk.end : created_max && created_max < walk.end ? created_max : null;
    const held = await saveProgress(
      this.deps.sql,
      this.owner,
      finished ? null : { ...walk, page: walk.page + 1 },
      checkpoint,
    );
    // One NOTIFY per page, naming the users it changed: each reporter drops only their answers.
    if (applied > 0) await this.deps.sql.notify(NOTIFY_CHANNEL, changedUsersPayload(users));
    if (!held) return 'stopped';
    return finished ? 'finished' : 'next';
  }

  /**
   * Sleeps until the global budget grants a request, renewing the lease. Returns the database's clock at
   * the grant, or null if stopped or the lease is lost.
   */
  private async waitForBudget(signal: AbortSignal): Promise<Date | null> {
    for (;;) {
      if (signal.aborted) return null;
      const taken = await takeBudget(this.deps.sql, this.config.budget);
      if (taken.granted) return taken.now;
      await sleep(Math.min(taken.wait_ms, BUDGET_SLEEP_MAX_MS, this.lease_ms / 3), signal);
      if (signal.aborted || !(await acquireLease(this.deps.sql, this.owner, this.lease_ms))) return null;
    }
  }

  /** 429: Retry-After for every process on the database. 5xx / network: Retry-After, else exponential back-off. */
  private async obey(answer: Exclude<PageAnswer, { kind: 'page' }>, signal: AbortSignal): Promise<boolean> {
    this.failures++;
    await recordFailure(this.deps.sql, answer.kind, answer.message);
    this.deps.logger.warn(
      { failures: this.failures, message: answer.message },
      'transactions upstream refused a request',
    );
    const backoff_ms = Math.min(BACKOFF_BASE_MS * 2 ** (this.failures - 1), BACKOFF_MAX_MS);
    if (answer.retry_after_s !== null) await blockBudget(this.deps.sql, answer.retry_after_s);
    await sleep(answer.retry_after_s !== null ? answer.retry_after_s * 1000 : backoff_ms, signal);
    return !signal.aborted;
  }

  /** Applies a page's good items (each its own ledger command) and quarantines the rest. */
  private async ingest(
    raw_items: ExactJson[],
  ): Promise<{ applied: number; users: Set<string>; created_max: Date | null }> {
    const bad: { raw: ExactJson; item_id: string | null; reason: string }[] = [];
    const good: { raw: ExactJson; item: UpstreamItem }[] = [];
    for (const raw of raw_items) {
      const reading = readItem(raw);
      if (reading.ok) good.push({ raw, item: reading.item });
      else bad.push({ raw, item_id: reading.item_id, reason: reading.reason });
    }
    const outcomes = await Promise.all(
      good.map(({ item }) =>
        this.deps.ledger.submit({ handler: ingestHandler, input: item, accounts: itemAccounts(item).needs }),
      ),
    );
    let applied = 0;
    const users = new Set<string>();
    outcomes.forEach((outcome, i) => {
      if (outcome.ok && outcome.value.applied) {
        applied += 1;
        users.add(good[i].item.user_id);
      } else if (!outcome.ok)
        bad.push({ raw: good[i].raw, item_id: good[i].item.id, reason: outcome.message ?? outcome.error.message });
    });
    await this.quarantine(bad);
    const created_max = good.reduce<Date | null>(
      (max, { item }) => (max === null || item.created_at > max ? item.created_at : max),
      null,
    );
    return { applied, users, created_max };
  }

  private async quarantine(bad: { raw: ExactJson; item_id: string | null; reason: string }[]): Promise<void> {
    if (bad.length === 0) return;
    const entries = bad.map(({ raw, item_id, reason }) => {
      const text = exactJsonText(raw);
      return { raw_sha256: createHash('sha256').update(text).digest(), item_id, raw: text, reason };
    });
    const added = await quarantine(this.deps.sql, entries);
    if (added > 0) {
      const message = `quarantined ${added} malformed item(s), e.g. ${entries[0].item_id ?? '(no id)'}: ${entries[0].reason}`;
      this.deps.logger.warn({ added }, message);
      await recordError(this.deps.sql, message);
    }
  }
}

function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** Resolves after `ms`, or at once when the signal aborts; never keeps the process alive. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
  });
}
