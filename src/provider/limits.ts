/** Limits of "Jaqpot Games", the built-in provider (SPEC §0: every limit named; zero never means unlimited). */
import { ASSET_CODE_LENGTH_MAX, STRING_LENGTH_MAX } from '../platform/limits.ts';

export { ASSET_CODE_LENGTH_MAX, STRING_LENGTH_MAX };

/** One callback attempt: no answer within this → the attempt is lost and retried with the same id. */
export const CALLBACK_TIMEOUT_MS = 5_000;
/** Attempts per callback (the first plus retries), all with the same externalTransactionId. */
export const CALLBACK_ATTEMPTS_MAX = 5;
/** Back-off before retry n is this × 2^(n-1), capped below. */
export const CALLBACK_RETRY_DELAY_MS = 10;
export const CALLBACK_RETRY_DELAY_MAX_MS = 500;
/** Keep-alive connections to the casino per provider process. */
export const CASINO_CONNECTIONS_MAX = 256;
/** Rounds one /provider/simulate request may play. */
export const SIMULATE_ROUNDS_MAX = 10_000;
/** Rounds one /provider/simulate request plays at once. */
export const SIMULATE_CONCURRENCY_MAX = 64;
/** Highest injectable fraction of lost callback answers (fault injection for tests and `croupier simulate`). */
export const DROP_RATE_MAX = 0.5;
/** Rounds left pending or unresolved longer than this are resumed by the recovery sweep. */
export const ROUND_STALE_MS = 60_000;
/** How often the recovery sweep looks for stale rounds, and how many it takes per pass. */
export const RECOVERY_INTERVAL_MS = 30_000;
export const RECOVERY_BATCH_MAX = 200;
/** Stale rounds resumed at once by one sweep. */
export const RECOVERY_CONCURRENCY = 8;
/** Idle keep-alive connections to the casino are closed after this. */
export const CASINO_KEEP_ALIVE_TIMEOUT_MS = 30_000;
/** Start-up of the provider thread (its own tsx compile and pool). */
export const PROVIDER_THREAD_START_TIMEOUT_MS = 60_000;
/** `croupier simulate`: one /provider/simulate request may take long on a loaded machine; beyond this the chunk is given up. */
export const SIMULATE_REQUEST_TIMEOUT_MS = 300_000;
/** `croupier simulate`: players launched at once. */
export const LAUNCH_CONCURRENCY = 16;
/** `croupier simulate --concurrency`: rounds in flight across all players (spread over many /provider/simulate requests). */
export const SIMULATE_CLI_CONCURRENCY_MAX = SIMULATE_CONCURRENCY_MAX * 16;
