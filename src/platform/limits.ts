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
/**
 * The request line and headers together: Node's own default, named so the 431 message can state it.
 * An over-long URL is refused by this limit too (it is part of the request line).
 */
export const HTTP_HEADER_SIZE_MAX_BYTES = 16 * 1024;
/**
 * A client has this long from connecting (or from its previous request) to finish sending its headers.
 * Every legitimate client sends them at once; a slow-loris client that trickles them no longer holds a socket.
 */
export const HTTP_HEADERS_TIMEOUT_MS = 10_000;
/** The whole request, headers and body (≤ 1 MiB), must arrive within this; 408 otherwise. */
export const HTTP_REQUEST_TIMEOUT_MS = 20_000;
/**
 * How often Node looks for connections past the two timeouts above (its default, 30 s, would let a
 * stalled connection live up to 30 s longer than its timeout).
 */
export const HTTP_CONNECTIONS_CHECK_INTERVAL_MS = 1_000;
/**
 * A socket silent this long while its request is being handled is closed. Above the longest silent
 * handler: a bulk /provider/simulate may run SIMULATE_REQUEST_TIMEOUT_MS (300 s, provider/limits.ts).
 */
export const HTTP_SOCKET_INACTIVITY_TIMEOUT_MS = 330_000;
/**
 * A second SIGINT/SIGTERM this long after the first forces the exit; sooner, it is the same Ctrl-C
 * delivered twice (the terminal signals the whole process group, and npm forwards it to its child).
 */
export const SIGNAL_REPEAT_FORCE_MIN_MS = 1_000;
/** Graceful shutdown: how long in-flight requests may take before the process exits anyway. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;
/** Embedded PostgreSQL: how long start-up may take. */
export const EMBEDDED_PG_START_TIMEOUT_MS = 60_000;
/**
 * Production secrets and API keys: at least 32 characters (≈ 190 bits as random base64), so neither an
 * HMAC secret nor the operator key can be guessed online, even across many clients under the auth-failure limit.
 */
export const SECRET_LENGTH_MIN_CHARS = 32;
/**
 * Failed authentications (wrong API key, wrong HMAC signature) one client address may make per window
 * before its further failures are answered 429. A correct key or signature is never counted or slowed,
 * so a client with a typo in one integration does not lock out its working ones.
 */
export const AUTH_FAILURES_PER_WINDOW_MAX = 20;
export const AUTH_FAILURE_WINDOW_MS = 10_000;
/** Client addresses whose failures are tracked at once; the oldest window is forgotten first (bounded memory). */
export const AUTH_FAILURE_CLIENTS_TRACKED_MAX = 10_000;

/**
 * Database deadlines, set on every pooled connection at start-up (src/db/sql.ts), so a query that can
 * never finish is ended by PostgreSQL instead of holding a connection and the rows it locked.
 * The ledger's statements read or write a few rows by key (milliseconds); the slowest legitimate
 * statement is a report or a `verify` check over a large range. Past this, a caller has long given up.
 */
export const DB_STATEMENT_TIMEOUT_MS = 15_000;
/**
 * Longest wait for a row lock. The writer holds its locks for one batch (a few ms); a longer wait means
 * a stuck transaction elsewhere, and failing (55P03, answered 503) beats queueing behind it.
 * Migrations raise it for their own session (migrate.ts): they take turns on an advisory lock.
 */
export const DB_LOCK_TIMEOUT_MS = 5_000;
/** A transaction left open by a stalled client is rolled back after this, releasing its locks (the house account above all). */
export const DB_IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;
/** Opening a connection (TCP + startup + authentication). A hung server accepts TCP but never answers the startup. */
export const DB_CONNECT_TIMEOUT_MS = 2_000;
/**
 * Reconnection back-off, doubling from the first to the cap. The driver's default grows to 20 s,
 * which kept a pool away from a database that was back for that long; the cap bounds recovery time.
 */
export const DB_RECONNECT_BACKOFF_FIRST_MS = 50;
export const DB_RECONNECT_BACKOFF_MAX_MS = 1_000;
/** Migrations: statement and lock timeouts of the migrating session (a migration may rewrite a big table). */
export const DB_MIGRATION_TIMEOUT_MS = 600_000;
/**
 * How long a request waits for the ledger writer before it is answered 503 (retry with the same
 * idempotency key). Covers a database that hangs without closing its connections (no server-side
 * timeout can fire in a stopped server). A batch takes milliseconds; even a full queue drains in ~1 s.
 */
export const LEDGER_WAIT_MAX_MS = 5_000;
/** /ready's database probe (src/db/health.ts): answers within this, reachable or not. */
export const DB_HEALTH_PROBE_TIMEOUT_MS = 1_000;
/** Supervision of the embedded PostgreSQL: how often the postmaster is checked while the process runs. */
export const EMBEDDED_PG_WATCH_INTERVAL_MS = 500;
/** Supervision: restarts tried after the postmaster dies, with back-off between them, before giving up (logged, /ready stays 503). */
export const EMBEDDED_PG_RESTART_ATTEMPTS_MAX = 5;
/** Supervision: the first restart back-off; it doubles per failed attempt. */
export const EMBEDDED_PG_RESTART_BACKOFF_FIRST_MS = 500;
/** Free-text reason an operator gives for a manual money movement (SPEC §4: ≤ 255). */
export const OPERATOR_REASON_LENGTH_MAX = STRING_LENGTH_MAX;
