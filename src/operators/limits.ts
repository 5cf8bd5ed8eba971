import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, STRING_LENGTH_MAX } from '../platform/limits.ts';

/** Limits of operators and the audit log (SPEC §0: every limit named; docs/operators.md lists them). */

/** Random bytes in a generated API key: 256 bits, beyond any guessing, which is why sha256 suffices to store it. */
export const OPERATOR_KEY_BYTES = 32;
/** Operator names (SPEC §0 string limit). */
export const OPERATOR_NAME_LENGTH_MAX = STRING_LENGTH_MAX;
/** Active (unrevoked) operators at once; a list answer stays one page. */
export const OPERATORS_ACTIVE_MAX = 1_000;
/** Operators one list answer shows, revoked ones included (they accumulate; the newest beyond this are cut). */
export const OPERATORS_LISTED_MAX = 10 * OPERATORS_ACTIVE_MAX;
/**
 * How long a process trusts a key it resolved from the database. A key revoked by another process
 * answers 401 here at most this long after the revocation (the revoking process forgets at once).
 */
export const OPERATOR_KEY_CACHE_TTL_MS = 2_000;
/** Resolved keys cached per process (memory bound; wrong keys are never cached). */
export const OPERATOR_KEYS_CACHED_MAX = 1_000;
/** Audit page size (SPEC §0 page limit). */
export const AUDIT_PAGE_SIZE_MAX = PAGE_SIZE_MAX;
export const AUDIT_PAGE_SIZE_DEFAULT = PAGE_SIZE_DEFAULT;
/** Request paths longer than this are cut in the audit entry (the query string is never kept). */
export const AUDIT_PATH_LENGTH_MAX = 2_048;
/** Longest a response waits for its audit entry's insert; past it the answer goes out and a failure is only logged. */
export const AUDIT_WRITE_WAIT_MS = 2_000;
/** Audit inserts one process has in flight; beyond it an entry is logged instead of written (a stalled database must not pile up work). */
export const AUDIT_WRITES_IN_FLIGHT_MAX = 1_000;
/** How long audit entries are kept: five years, the record-keeping period gambling regulators commonly ask for. */
export const AUDIT_RETENTION_MS = 5 * 365 * 24 * 60 * 60 * 1000;
/** How often the purge job deletes expired entries. */
export const AUDIT_PURGE_INTERVAL_MS = 60 * 60 * 1000;
/** Rows one purge statement deletes, so a backlog never holds locks for long. */
export const AUDIT_PURGE_BATCH_ROWS_MAX = 5_000;
/** Opaque cursors are short; anything longer is not one of ours. */
export const AUDIT_CURSOR_LENGTH_MAX = 64;
