/** Limits of the bonus module (SPEC §5), each with its unit and reason. */

/** wagering_multiplier is an integer 1..100 (SPEC §5). */
export const WAGERING_MULTIPLIER_MIN = 1;
export const WAGERING_MULTIPLIER_MAX = 100;

/** Contribution percent per category, integer 0..100. */
export const CONTRIBUTION_PERCENT_MAX = 100;

/**
 * How long after a bet its split stays in the batch's reach: a win or rollback of a round staked with
 * bonus money arriving later than this is settled as cash. Bounds what the participant reads per batch
 * for a bonus player (rounds are seconds to minutes long; providers retry for hours at most).
 */
export const BONUS_PLAY_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** Most grants GET /v1/players/{id}/bonuses answers (newest first): the page-size limit of SPEC §0. */
export const BONUS_LIST_ROWS_MAX = 1000;

/** How often the expiry sweep looks for active bonuses past their expires_at. */
export const BONUS_EXPIRY_SWEEP_INTERVAL_MS = 10_000;

/** Most bonuses one sweep run expires (the rest wait for the next tick). */
export const BONUS_EXPIRY_SWEEP_ROWS_MAX = 500;

/** Most grants in-flight per process with an Idempotency-Key (409 on a duplicate, 503 beyond). */
export const BONUS_IN_FLIGHT_MAX = 10_000;

/**
 * Most (player, asset) pairs a process remembers as holding a grant (bonus/hint.ts): past it the hint
 * starts over, which costs the next batch of each such player one more round trip, never a wrong answer.
 */
export const BONUS_HINT_PAIRS_MAX = 100_000;
