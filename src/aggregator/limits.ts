/**
 * Limits of the aggregator surface. The SPEC §0 limits (body size, actions per batch, string length,
 * amount) are the platform's named constants, re-exported here so this module names them once.
 */
export {
  ACTIONS_PER_BATCH_MAX,
  AMOUNT_MINOR_MAX,
  BODY_SIZE_MAX_BYTES,
  PLAYER_BALANCE_MAX_MINOR,
  STRING_LENGTH_MAX,
} from '../platform/limits.ts';
