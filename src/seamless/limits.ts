/** Limits of the casino side of the seamless protocol (SPEC §0: every limit named). */
export {
  AMOUNT_MINOR_MAX,
  ASSET_CODE_LENGTH_MAX,
  PLAYER_BALANCE_MAX_MINOR,
  STRING_LENGTH_MAX,
} from '../platform/limits.ts';

/** How long a launched session accepts debits and balance calls. */
export const SESSION_TTL_MS = 60 * 60 * 1000;
/**
 * After expiry a session still settles rounds it started: a credit or rollback naming its own debits is
 * accepted this long, so a player never loses a win because the round straddled the expiry.
 */
export const SESSION_SETTLE_GRACE_MS = 24 * 60 * 60 * 1000;
/** Random bytes in a session token (base64url on the wire). */
export const SESSION_TOKEN_BYTES = 32;
/** Casino → provider launch call. */
export const PROVIDER_LAUNCH_TIMEOUT_MS = 5_000;
/** Casino → provider scripted round (six callbacks with their retries). */
export const PROVIDER_SIMULATE_TIMEOUT_MS = 30_000;
/** Callbacks one process is deciding at once, duplicates joined; beyond it new ids get 503 OVERLOADED. */
export const CALLS_IN_FLIGHT_MAX = 20_000;
/** Sessions kept in the per-process cache (sessions never change once created). */
export const SESSION_CACHE_ENTRIES_MAX = 100_000;
