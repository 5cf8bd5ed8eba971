import { AMOUNT_MINOR_MAX } from '../platform/limits.ts';

/**
 * Limits of ingestion and the reporter (SPEC §7). The shared SPEC §0 limits are the platform's,
 * re-exported so this module names them once.
 */
export { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, STRING_LENGTH_MAX } from '../platform/limits.ts';

/** Items per upstream request: the upstream's maximum, so every request carries as much as it can. */
export const UPSTREAM_PAGE_SIZE = 1000;
/** One upstream request may take this long before it counts as failed. */
export const UPSTREAM_TIMEOUT_MS = 15_000;
/** A page of 1000 items is ~150 KB; anything this large is not a page of the format. */
export const UPSTREAM_RESPONSE_SIZE_MAX_BYTES = 16 * 1024 * 1024;
/**
 * Added to the budget window: our clock stamps a request when it leaves, the upstream counts it when
 * it arrives, and a first request that travelled slower than the sixth would otherwise look early.
 */
export const BUDGET_MARGIN_MS = 250;
/** The margin of a short (accelerated) window is 1/240 of it, but at least this (state.ts budgetMarginMs). */
export const BUDGET_MARGIN_MIN_MS = 100;
/** Back-off after a 5xx or a network error without Retry-After: doubled per failure, from … */
export const BACKOFF_BASE_MS = 1_000;
/** … up to this. */
export const BACKOFF_MAX_MS = 60_000;
/** A Retry-After beyond this is read as this (a bogus day-long value must not stall ingestion). */
export const RETRY_AFTER_MAX_S = 600;
/** Longest single sleep while waiting for budget: the lease is renewed between sleeps. */
export const BUDGET_SLEEP_MAX_MS = 5_000;
/** How often the job ticks; each tick that finds no walk running starts one (the budget paces it). */
export const PULL_INTERVAL_MS = 1_000;
/**
 * The SCR cash account of a player may go this far below zero: the upstream is the source of truth
 * and a spend may arrive before the earning it was paid from. The largest amount JSON carries.
 */
export const SCR_PLAYER_OVERDRAFT_LIMIT_MINOR = AMOUNT_MINOR_MAX;
/** Reporter answers cached per process (users × pages); when full the cache starts over. */
export const REPORT_CACHE_ENTRIES_MAX = 100_000;
/**
 * The most a cached answer may be stale if a notification is lost: an answer is served while its fill
 * or the last ping LISTEN confirmed (REPORT_CACHE_PING_INTERVAL_MS) is younger than this (cache.ts).
 */
export const REPORT_CACHE_TTL_MS = 5_000;
/** Each API process pings its own LISTEN this often (one NOTIFY a second per process, never per request). */
export const REPORT_CACHE_PING_INTERVAL_MS = 1_000;
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; a longer list of users becomes "everything". */
export const NOTIFY_PAYLOAD_BYTES_MAX = 7_900;
/** Highest page of the payouts list (bounds the OFFSET a client can ask for). */
export const PAYOUTS_PAGE_NUMBER_MAX = 1_000_000;
/** Settle requests with distinct Idempotency-Keys running at once in one process. */
export const SETTLE_IN_FLIGHT_MAX = 10_000;
export const IDEMPOTENCY_KEY_LENGTH_MAX = 255;
/** The LISTEN/NOTIFY channel the puller and settle bump after a commit. */
export const NOTIFY_CHANNEL = 'croupier_transactions';
/**
 * A walk ends this long before "now": an item stamped a moment before our request may still be on
 * its way into the upstream's store; the next walk reads that moment instead.
 */
export const WALK_END_DELAY_MS = 1_000;
/** Stored settle responses are kept at least this long (SPEC §4: "kept ≥ 24 h"), then purged. */
export const SETTLE_KEY_RETENTION_MS = 25 * 3_600_000;
/** The purge deletes in statements of at most this many rows, so it never holds long locks. */
export const SETTLE_KEY_PURGE_BATCH_ROWS_MAX = 1_000;
/** How often the purge job runs. */
export const SETTLE_KEY_PURGE_INTERVAL_MS = 3_600_000;
