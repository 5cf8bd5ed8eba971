/**
 * Every bound of `croupier bench`, named once. Load only ever goes to 127.0.0.1 (or the --url the
 * operator names) and is bounded in count and in time. Zero never means unlimited.
 */

/** Longest measured phase a run may ask for. */
export const DURATION_MAX_S = 600;
export const DURATION_DEFAULT_S = 30;
/** Warm-up before each measured phase (excluded from every figure except error counts and the consistency check). */
export const WARMUP_DEFAULT_S = 3;
export const WARMUP_MAX_S = 60;
export const CONNECTIONS_DEFAULT = 64;
export const CONNECTIONS_MAX = 1024;
export const PLAYERS_MAX = 100_000;
/** Largest --requests cap (requests sent after the warm-up). */
export const REQUESTS_MAX = 100_000_000;
/** Largest --prefill-actions. */
export const PREFILL_ACTIONS_MAX = 20_000_000;
/** The prefill phase stops at this time even if it has not sent everything (reported). */
export const PREFILL_DURATION_MAX_S = 3600;
/** Rounds (bet + win) per prefill request: 100 actions, the protocol's ACTIONS_PER_BATCH_MAX. */
export const PREFILL_ROUNDS_PER_REQUEST = 50;
/** A request not completely answered this long after it was sent counts as timed out (and is replayed). */
export const REQUEST_TIMEOUT_DEFAULT_MS = 10_000;
export const REQUEST_TIMEOUT_MAX_MS = 120_000;
export const RSS_SAMPLE_INTERVAL_MS = 500;
/** A bet is 1..BET_MAX_MINOR minor units; its win 0..2 × bet. */
export const BET_MAX_MINOR = 1000;
/**
 * Every player starts with this much: a player losing every bet of a 600 s W2 run plus a
 * 20,000,000-action prefill still stays far above 0, so funds never run out by chance.
 */
export const FUND_MINOR = 10_000_000_000n;
/** Players funded per ledger command. */
export const FUND_PLAYERS_PER_COMMAND = 250;
/** Concurrent requests while funding over HTTP, replaying, and reading balances. */
export const SIDE_CONCURRENCY = 16;
/** Mismatches listed in the text report (all of them go to --json). */
export const MISMATCHES_PRINTED_MAX = 20;
/** Requests of unknown outcome kept (with their bodies) for the replay; beyond, their players are UNRESOLVED at once. */
export const UNKNOWN_REQUESTS_KEPT_MAX = 100_000;
/** A connection that failed at the network level waits this long before its next request (no busy loop on a dead server). */
export const NETWORK_ERROR_BACKOFF_MS = 50;

/** The game every bench round is played on (aggregator `game`, provider:game); --bonus registers it as a slot. */
export const BENCH_GAME = 'bench:slot';
/**
 * --bonus: each player's grant is the funding amount (FUND_MINOR) at the highest multiplier SPEC §5 allows,
 * so the requirement (100 × FUND_MINOR) is never met by a run and no grant converts mid-run.
 */
export const BONUS_WAGERING_MULTIPLIER = 100;
/** --bonus: the grants expire a day after the run starts (longer than any run: prefill ≤ 1 h, phases ≤ 10 min). */
export const BONUS_EXPIRES_S = 86_400;
/** --bonus: players with a broken bonus rule named in the report (the counts cover all). */
export const BONUS_CHECK_MISMATCHES_KEPT_MAX = 20;

/** --poison-share: at most half the requests poisoned (beyond that it measures refusals, not the ledger). */
export const POISON_SHARE_MAX = 0.5;
/** The reports workload (`--workload reports`, bench/reports.ts). */
/** Hours the prefill is spread over: 30 days, one slice of the actions per hour. */
export const REPORTS_SPREAD_HOURS = 720;
export const REPORTS_GAMES = 50;
export const REPORTS_PROVIDERS = 5;
export const REPORTS_PREFILL_DEFAULT = 100_000;
/** Share of the actions sent as casino callbacks (one action per request, so the fill stays quick). */
export const REPORTS_CASINO_PERCENT = 10;
/** Share of rounds whose bet is rolled back (in the same request or round, so a slice never reaches back into a moved hour). */
export const REPORTS_ROLLBACK_PERCENT = 3;
/** Share of aggregator rounds sent as a pre-rollback followed by its late original. */
export const REPORTS_PRE_ROLLBACK_PERCENT = 1;
/** Casino players given a fresh session per slice (sessions last an hour; a slice takes seconds). */
export const REPORTS_CASINO_PLAYERS_PER_SLICE = 10;
/** Timed requests per report shape (after one untimed warm-up request). */
export const REPORT_SAMPLES_DEFAULT = 100;
export const REPORT_SAMPLES_MAX = 1000;
/** Concurrent requests while filling. */
export const REPORTS_FILL_CONCURRENCY = 32;
/** A report request unanswered this long fails the run. */
export const REPORT_TIMEOUT_MS = 120_000;
