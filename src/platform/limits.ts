/**
 * Every limit of the product, named once (SPEC §0: "Every limit is a named constant and documented").
 * Zero never means unlimited.
 */
export const BODY_SIZE_MAX_BYTES = 1024 * 1024;
export const ACTIONS_PER_BATCH_MAX = 100;
export const STRING_LENGTH_MAX = 255;
export const PAGE_SIZE_MAX = 1000;
export const PAGE_SIZE_DEFAULT = 50;
/** Largest amount accepted on the wire: JSON numbers above this lose precision. */
export const AMOUNT_MINOR_MAX = 9007199254740991n;
/** Highest player balance: every answer carries it as a JSON number, which holds integers exactly only this far. */
export const PLAYER_BALANCE_MAX_MINOR = AMOUNT_MINOR_MAX;
/** Group-commit writer: most commands in one database transaction. */
export const LEDGER_BATCH_SIZE_MAX = 500;
/** Group-commit writer: longest wait for a batch to fill after a large one (never when idle). */
export const LEDGER_BATCH_LINGER_MS = 1;
/** Group-commit writer: only after a batch at least this large does the next one wait to fill. */
export const LEDGER_BATCH_LINGER_MIN_LAST_SIZE = 4;
/** Group-commit writer: most commands waiting for a batch before new ones are refused (503). */
export const LEDGER_QUEUE_LENGTH_MAX = 20_000;
/** How often a batch is retried on deadlock / serialization / unique races before it is split. */
export const LEDGER_BATCH_RETRIES_MAX = 5;
/** Prepared HMAC keys kept per process, one per secret (a process knows a handful). */
export const HMAC_KEYS_CACHED_MAX = 16;
/** Labelled HTTP metric series cached per process (method × route pattern × status). */
export const HTTP_METRIC_SERIES_CACHED_MAX = 1_000;
/** Account-id cache entries kept per process (ids never change once created). */
export const ACCOUNT_CACHE_ENTRIES_MAX = 200_000;
/** Asset / currency codes: the ledger's CHECK (`^[A-Z][A-Z0-9_]{1,31}$`, migrations/001) allows 32 characters. */
export const ASSET_CODE_LENGTH_MAX = 32;
/** An idle keep-alive connection to this server is closed after this (above common proxies' 60 s, so they close first). */
export const HTTP_KEEP_ALIVE_TIMEOUT_MS = 72_000;
/** Graceful shutdown: how long in-flight requests may take before the process exits anyway. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;
/** Embedded PostgreSQL: how long start-up may take. */
export const EMBEDDED_PG_START_TIMEOUT_MS = 60_000;
/** Free-text reason an operator gives for a manual money movement (SPEC §4: ≤ 255). */
export const OPERATOR_REASON_LENGTH_MAX = STRING_LENGTH_MAX;
/** Failed sign-ins (a presented API key that resolves to no operator) one client address may make per window. */
export const SIGN_IN_FAILURES_PER_WINDOW_MAX = 30;
/** The window those failures are counted in; after it the address starts from zero. */
export const SIGN_IN_FAILURE_WINDOW_MS = 60_000;
/** Client addresses whose failures one process tracks (memory bound; beyond it, expired windows go first). */
export const SIGN_IN_ADDRESSES_TRACKED_MAX = 10_000;
