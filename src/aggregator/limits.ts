/**
 * Limits of the aggregator surface. The SPEC §0 limits (body size, actions per batch, string length,
 * page size, amount) are the platform's named constants, re-exported here so this module names them once.
 */
export { ACTIONS_PER_BATCH_MAX, AMOUNT_MINOR_MAX, BODY_SIZE_MAX_BYTES, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, STRING_LENGTH_MAX } from '../platform/limits.ts';

/** Width of one RTP rollup bucket; windows are exact, whole buckets come from the rollup table. */
export const RTP_BUCKET_MS = 3_600_000;
/** Highest page number of the RTP list (bounds the OFFSET a client can ask for). */
export const RTP_PAGE_NUMBER_MAX = 1_000_000;
