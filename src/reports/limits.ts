/** Limits of the reports module. SPEC §0 limits are the platform's named constants, re-exported here. */
export { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, STRING_LENGTH_MAX } from '../platform/limits.ts';

/** Width of one rollup bucket; windows are exact, whole buckets come from the rollup table. */
export const ROLLUP_BUCKET_MS = 3_600_000;
/** Width of one daily rollup bucket (a UTC day, migration 045): whole days come from the daily tables. */
export const ROLLUP_DAY_MS = 86_400_000;
/**
 * A day is folded into its day rows this long after it ended. Migration 045's triggers take a day off
 * the folded list on any write to an hour older than one hour, so with two hours a write a fold could
 * miss would have to come from a transaction open for more than an hour.
 */
export const FOLD_AFTER_DAY_END_MS = 2 * 3_600_000;
/**
 * How often a process folds the batches' pending rollup events into the hour rows (migration 046). The
 * hot path's cost does not depend on it; reports read pending events too, so it bounds how many they unnest.
 */
export const PENDING_FOLD_INTERVAL_MS = 1_000;
/** How often the reports worker job looks for days to fold. */
export const FOLD_INTERVAL_MS = 5 * 60_000;
/** Days folded per run of the job at most (a backlog goes in monthly steps). */
export const FOLD_DAYS_PER_RUN = 31;
/** Statement deadline of folding one day (the pool's request deadline is shorter). */
export const FOLD_DAY_TIMEOUT_MS = 300_000;
/** Highest page number of a report list (bounds the OFFSET a client can ask for). */
export const REPORT_PAGE_NUMBER_MAX = 1_000_000;
/** Largest number of fields a report can group by (day, provider, game, player). */
export const GROUP_FIELDS_MAX = 4;
/** Largest text of a group_by parameter ("day,provider,game,player" is 24 characters, room for spaces). */
export const GROUP_BY_LENGTH_MAX = 64;
/** Decimal places of a report's rtp (SPEC §6: rounded half-up to 4 decimals). */
export const RTP_DECIMALS = 4;

/**
 * The provider every casino callback is booked under (the built-in provider, seamless BUILT_IN_PROVIDER;
 * reports may not import the seamless domain, a test keeps the two equal).
 */
export const CASINO_PROVIDER = 'jaqpot';
