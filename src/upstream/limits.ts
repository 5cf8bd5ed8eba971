/**
 * Limits of the mock upstream Transaction API (SPEC §7 "The mock"). It is another system than
 * Croupier, so it keeps its own list; every limit is named with its unit and zero never means unlimited.
 */

/** Transactions the generator produces per minute of stream time: SPEC §7 default and peak. */
export const RATE_PER_MIN_DEFAULT = 100;
export const RATE_PER_MIN_MAX = 5_000;

/** Share of transactions that become visible only after their createdAt (0 = none, 1 = all). */
export const LATE_SHARE_DEFAULT = 0.02;

/**
 * Longest delay of a late item (SPEC §7 TRANSACTIONS_LATE_MAX_S, default 60). Capped so the part of
 * the stream that may still be invisible, which a request scans item by item, stays at most
 * RATE_PER_MIN_MAX × 10 min = 50,000 items.
 */
export const LATE_MAX_S_DEFAULT = 60;
export const LATE_MAX_S_MAX = 600;

/** The upstream's budget per client (SPEC §7): requests per sliding window. */
export const BUDGET_DEFAULT = '5/60s';
/** Most requests a budget may allow per window (a larger one is no longer a test of throttling). */
export const BUDGET_REQUESTS_MAX = 10_000;
/** Shortest window: Retry-After is whole seconds, so a shorter window could not be told to a client. */
export const BUDGET_WINDOW_MS_MIN = 1_000;
export const BUDGET_WINDOW_MS_MAX = 3_600_000;
/**
 * Clients whose request times are remembered at once. Beyond it, clients with an empty window are
 * forgotten first; if every one is still active, a new client is refused with 503 rather than
 * letting memory grow with the number of addresses.
 */
export const CLIENTS_TRACKED_MAX = 10_000;
/** Longest accepted `x-client-id` header. */
export const CLIENT_ID_LENGTH_MAX = 255;

/** Page size: SPEC §7 says `limit` ≤ 1000; a request without `limit` gets the default. */
export const PAGE_LIMIT_MAX = 1_000;
export const PAGE_LIMIT_DEFAULT = 100;
/** Highest page number: keeps (page − 1) × limit a safe integer with a wide margin. */
export const PAGE_MAX = 10_000_000;
/** Longest date parameter accepted (`2023-02-01T00:00:00.000+00:00` is 29 characters). */
export const DATE_PARAM_LENGTH_MAX = 40;

/** Distinct users the generator draws from by default, and at most (userIds are 6 digits). */
export const USERS_DEFAULT = 1_000;
export const USERS_MAX = 1_000_000;

/**
 * createdAt is a multiple of this (1 s by default, the seed's `YYYY-MM-DD HH:MM:SS` resolution), so
 * several items share a timestamp and a client paging by time must order them by id as well.
 */
export const CREATED_AT_STEP_MS_DEFAULT = 1_000;
export const CREATED_AT_STEP_MS_MAX = 60_000;

/** Generated amounts in cents: earned 0.01..20.00, spent 0.01..50.00, payout whole SCR 1..100. */
export const EARNED_AMOUNT_MINOR_MAX = 2_000;
export const SPENT_AMOUNT_MINOR_MAX = 5_000;
export const PAYOUT_AMOUNT_SCR_MAX = 100;

/** A fixed list served instead of the generator (the seed example, hand-made cases) is held in memory. */
export const FIXED_ITEMS_MAX = 100_000;

/** Stream time may run faster than the wall clock, for tests of tens of minutes in seconds. */
export const SPEED_MAX = 1_000;

/**
 * Accelerated measurements: the rate may be multiplied by this much (RATE_SCALE_MAX × RATE_PER_MIN_MAX =
 * 500,000 items a real minute, so the recent part a request scans stays RATE_SCALE_MAX × the budget
 * above for a late window scaled down alike).
 */
export const RATE_SCALE_MAX = 100;

/** Fault injection: most queued faulty answers, and the longest Retry-After an injected 429 may carry. */
export const FAULTS_QUEUED_MAX = 10_000;
export const RETRY_AFTER_S_MAX = 3_600;

/** `GET /_mock/truth` answers with one row per user; beyond this many users use truth() in process. */
export const TRUTH_HTTP_USERS_MAX = 100_000;
