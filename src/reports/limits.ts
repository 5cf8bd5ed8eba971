/** Limits of the reports module. SPEC §0 limits are the platform's named constants, re-exported here. */
export { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, STRING_LENGTH_MAX } from '../platform/limits.ts';

/** Width of one rollup bucket; windows are exact, whole buckets come from the rollup table. */
export const ROLLUP_BUCKET_MS = 3_600_000;
/** Highest page number of a report list (bounds the OFFSET a client can ask for). */
export const REPORT_PAGE_NUMBER_MAX = 1_000_000;
