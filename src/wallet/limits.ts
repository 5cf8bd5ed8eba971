import { PLAYER_BALANCE_MAX_MINOR, STRING_LENGTH_MAX } from '../platform/limits.ts';

/** Limits of the wallet surface (SPEC §0: every limit named and documented in docs/wallet.md). */

/** Idempotency-Key length, after removing structured-field quotes (SPEC §0 string limit). */
export const IDEMPOTENCY_KEY_LENGTH_MAX = STRING_LENGTH_MAX;
/** How long a stored response is replayed; SPEC §4 asks for at least 24 h. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
/** How often the purge job looks for expired keys. */
export const IDEMPOTENCY_PURGE_INTERVAL_MS = 10 * 60 * 1000;
/** Rows one purge statement deletes, so a large backlog never holds locks for long. */
export const IDEMPOTENCY_PURGE_BATCH_ROWS_MAX = 5_000;
/** Most keys of one process being processed at once (beyond: 503, like a full ledger queue). */
export const IDEMPOTENCY_IN_FLIGHT_MAX = 20_000;
/** A player balance beyond this could not be sent as a JSON number (SPEC §0); enforced by the ledger's Book. */
export const WALLET_BALANCE_MAX_MINOR = PLAYER_BALANCE_MAX_MINOR;
/** Client metadata on a movement: keys per object, key length. Values are strings ≤ 255 chars, numbers, booleans or null. */
export const METADATA_KEYS_MAX = 32;
export const METADATA_KEY_LENGTH_MAX = 64;
/** Opaque cursors are short; anything longer is not one of ours. */
export const CURSOR_LENGTH_MAX = 2_048;
/**
 * Player id length on this surface: the SPEC §0 string limit, in paths and bodies alike (the router's
 * maxParamLength is raised to the same limit in platform/http.ts, so a path segment is not cut shorter).
 */
export const PLAYER_ID_LENGTH_MAX = STRING_LENGTH_MAX;
