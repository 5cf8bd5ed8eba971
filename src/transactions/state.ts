import type { Queryable, Sql } from '../db/sql.ts';
import type { Budget } from './config.ts';
import { BUDGET_MARGIN_MIN_MS, BUDGET_MARGIN_MS } from './limits.ts';

/** The puller's durable position, lease and counters (ingest_state), and the shared budget (ingest_budget). */

export interface Walk {
  start: Date;
  end: Date;
  /** The next page to fetch. */
  page: number;
}

export interface IngestState {
  checkpoint: Date | null;
  walk: Walk | null;
  items_total: bigint;
  requests_total: bigint;
  throttled_total: bigint;
  errors_total: bigint;
  quarantined_total: bigint;
  last_error: string | null;
  last_error_at: Date | null;
  /** The database's clock, so lag is measured on one clock whichever process asks. */
  now: Date;
}

interface StateRow {
  checkpoint: Date | null;
  walk_start: Date | null;
  walk_end: Date | null;
  walk_page: number | null;
  items_total: bigint;
  requests_total: bigint;
  throttled_total: bigint;
  errors_total: bigint;
  quarantined_total: bigint;
  last_error: string | null;
  last_error_at: Date | null;
  now: Date;
}

function toState(row: StateRow): IngestState {
  const walk =
    row.walk_start && row.walk_end && row.walk_page
      ? { start: row.walk_start, end: row.walk_end, page: Number(row.walk_page) }
      : null;
  const { walk_start: _s, walk_end: _e, walk_page: _p, ...rest } = row;
  return { ...rest, walk };
}

export async function readState(db: Queryable): Promise<IngestState> {
  const [row] = await db<StateRow[]>`select *, now() as now from ingest_state where id = 1`;
  return toState(row);
}

/**
 * Takes or renews the lease: only one process pulls at a time, so two workers never fetch the same
 * page twice. Returns the state if this owner holds the lease now, undefined if another does.
 */
export async function acquireLease(sql: Sql, owner: string, lease_ms: number): Promise<IngestState | undefined> {
  const rows = await sql<StateRow[]>`
    update ingest_state set lease_owner = ${owner}, lease_until = now() + ${lease_ms} * interval '1 millisecond'
    where id = 1 and (lease_owner is null or lease_owner = ${owner} or lease_until < now())
    returning *, now() as now`;
  return rows[0] ? toState(rows[0]) : undefined;
}

/** Lets the next puller start at once (a clean stop); a crashed one's lease simply expires. */
export async function releaseLease(sql: Sql, owner: string): Promise<void> {
  await sql`update ingest_state set lease_owner = null, lease_until = null where id = 1 and lease_owner = ${owner}`;
}

/**
 * Saves progress if this owner still holds the lease: the walk (null when finished) and the checkpoint,
 * which only moves forward. False: the lease was lost and the caller must stop.
 */
export async function saveProgress(
  sql: Sql,
  owner: string,
  walk: Walk | null,
  checkpoint: Date | null,
): Promise<boolean> {
  const result = await sql`
    update ingest_state set walk_start = ${walk?.start.toISOString() ?? null}::timestamptz, walk_end = ${walk?.end.toISOString() ?? null}::timestamptz,
      walk_page = ${walk?.page ?? null}::integer,
      checkpoint = greatest(checkpoint, ${checkpoint?.toISOString() ?? null}::timestamptz), updated_at = now()
    where id = 1 and lease_owner = ${owner}`;
  return result.count === 1;
}

/**
 * The window is widened because the upstream counts arrivals and we stamp departures: 1/240 of it,
 * BUDGET_MARGIN_MS (250 ms) for the 60 s window of SPEC §7, never more, and never less than
 * BUDGET_MARGIN_MIN_MS (the jitter between a grant and the request's arrival on a busy machine).
 * Proportional, so a budget accelerated for a measurement (5/6s) keeps about the same share of its
 * window instead of losing ten times more.
 */
export function budgetMarginMs(budget: Budget): number {
  return Math.min(BUDGET_MARGIN_MS, Math.max(BUDGET_MARGIN_MIN_MS, Math.ceil(budget.window_ms / 240)));
}

export type RequestOutcome = 'throttled' | 'failed';

/** Counts a refused or failed request and keeps its message as last_error. */
export async function recordFailure(sql: Sql, outcome: RequestOutcome, message: string): Promise<void> {
  await sql`
    update ingest_state set throttled_total = throttled_total + ${outcome === 'throttled' ? 1 : 0},
      errors_total = errors_total + ${outcome === 'failed' ? 1 : 0}, last_error = ${message}, last_error_at = now()
    where id = 1`;
}

export async function recordError(sql: Sql, message: string): Promise<void> {
  await sql`update ingest_state set last_error = ${message}, last_error_at = now() where id = 1`;
}

/**
 * One request of the global budget, or how long to wait for one. The row lock serializes every
 * process on the database: of two workers asking at once one waits for the other's commit and
 * then sees its request in `sent_at`, so together they never exceed `budget.requests` per window.
 * The database's clock decides (clock_timestamp(), read once the lock is granted; now() would be the
 * transaction's start, before the wait), so processes with skewed clocks still agree.
 */
export async function takeBudget(
  sql: Sql,
  budget: Budget,
): Promise<{ granted: true; now: Date } | { granted: false; wait_ms: number }> {
  return sql.begin(async (tx) => {
    const [row] = await tx<{ sent_at: Date[]; blocked_until: Date | null; now: Date }[]>`
      select sent_at, blocked_until, clock_timestamp() as now from ingest_budget where id = 1 for update`;
    const now_ms = row.now.getTime();
    const window_ms = budget.window_ms + budgetMarginMs(budget);
    const recent = row.sent_at
      .map((d) => d.getTime())
      .filter((t) => t > now_ms - window_ms)
      .sort((a, b) => a - b);
    if (row.blocked_until && row.blocked_until.getTime() > now_ms)
      return { granted: false, wait_ms: row.blocked_until.getTime() - now_ms };
    if (recent.length >= budget.requests)
      return { granted: false, wait_ms: recent[recent.length - budget.requests] + window_ms - now_ms };
    const sent_at = [...recent, now_ms].map((t) => new Date(t).toISOString());
    await tx`update ingest_budget set sent_at = ${sent_at}::timestamptz[] where id = 1`;
    await tx`update ingest_state set requests_total = requests_total + 1 where id = 1`;
    return { granted: true, now: row.now };
  }) as Promise<{ granted: true; now: Date } | { granted: false; wait_ms: number }>;
}

/** After a 429 (or a 5xx with Retry-After): nobody on this database asks before `retry_after_s` has passed. */
export async function blockBudget(sql: Sql, retry_after_s: number): Promise<void> {
  await sql`
    update ingest_budget set blocked_until = greatest(coalesce(blocked_until, now()), now() + ${retry_after_s} * interval '1 second')
    where id = 1`;
}
