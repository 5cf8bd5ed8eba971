import { Pool } from 'undici';
import { hmacSha256Hex } from '../platform/hmac.ts';
import {
  CALLBACK_ATTEMPTS_MAX,
  CALLBACK_RETRY_DELAY_MAX_MS,
  CALLBACK_RETRY_DELAY_MS,
  CALLBACK_TIMEOUT_MS,
  CASINO_CONNECTIONS_MAX,
  CASINO_KEEP_ALIVE_TIMEOUT_MS,
} from './limits.ts';
import { providerMetrics } from './metrics.ts';
import { STREAM_DROP, hashString, uniform } from './rng.ts';

/** What the provider learned from one callback after all its attempts. */
export interface CallbackResult {
  /** ok: confirmed; refused: a definitive error answer; unknown: no usable answer after every attempt. */
  state: 'ok' | 'refused' | 'unknown';
  status: number;
  body: Record<string, unknown> | undefined;
  attempts: number;
  /** Answers the fault injector threw away (the casino had applied those calls). */
  dropped: number;
}

/** Fault injection: the fraction of answers treated as lost, drawn from the run's seed so a run replays. */
export interface Faults {
  drop_rate: number;
  seed: number;
}

export const NO_FAULTS: Faults = { drop_rate: 0, seed: 0 };

interface Attempt {
  status: number;
  body: Record<string, unknown> | undefined;
}

/** A timeout, a reset, a 5xx or "slow down": the call may or may not have been applied; retry it. */
function retryable(attempt: Attempt | undefined): boolean {
  return (
    attempt === undefined ||
    attempt.status >= 500 ||
    attempt.status === 408 ||
    attempt.status === 429 ||
    attempt.body === undefined
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The provider's own HTTP client for the casino callbacks: keep-alive pool, signed with CASINO_SECRET,
 * a timeout per attempt, bounded retries with the same externalTransactionId.
 */
export class CasinoClient {
  /** One pool per casino origin (the URL is known only once a same-process casino listens). */
  private readonly pools = new Map<string, Pool>();

  constructor(
    private readonly base_url: () => string,
    private readonly secret: () => string,
  ) {}

  /** Sends until a definitive answer or CALLBACK_ATTEMPTS_MAX attempts; `key` names the call for fault draws. */
  async send(
    path: string,
    payload: Record<string, unknown>,
    key: string,
    faults: Faults = NO_FAULTS,
  ): Promise<CallbackResult> {
    const result = await this.attempts(path, payload, key, faults);
    const call = path.slice(path.lastIndexOf('/') + 1);
    providerMetrics.callbacks.inc({ call, result: result.state });
    if (result.attempts > 1) providerMetrics.retries.inc({ call }, result.attempts - 1);
    return result;
  }

  private async attempts(
    path: string,
    payload: Record<string, unknown>,
    key: string,
    faults: Faults,
  ): Promise<CallbackResult> {
    let dropped = 0;
    let last: Attempt | undefined;
    for (let attempt = 1; attempt <= CALLBACK_ATTEMPTS_MAX; attempt++) {
      if (attempt > 1) await sleep(Math.min(CALLBACK_RETRY_DELAY_MS * 2 ** (attempt - 2), CALLBACK_RETRY_DELAY_MAX_MS));
      last = await this.post(path, payload);
      if (
        last &&
        faults.drop_rate > 0 &&
        uniform(faults.seed, STREAM_DROP, hashString(key), attempt) < faults.drop_rate
      ) {
        dropped += 1;
        last = undefined;
        continue;
      }
      if (retryable(last)) continue;
      const state = last!.status >= 200 && last!.status < 300 ? 'ok' : 'refused';
      return { state, status: last!.status, body: last!.body, attempts: attempt, dropped };
    }
    return { state: 'unknown', status: last?.status ?? 0, body: last?.body, attempts: CALLBACK_ATTEMPTS_MAX, dropped };
  }

  /** One attempt; undefined when no answer came (network error or timeout). */
  private async post(path: string, payload: Record<string, unknown>): Promise<Attempt | undefined> {
    const body = JSON.stringify(payload);
    try {
      const response = await this.pool().request({
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-casino-signature': hmacSha256Hex(this.secret(), body) },
        body,
      });
      const text = await response.body.text();
      let parsed: Record<string, unknown> | undefined;
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        parsed = undefined;
      }
      return { status: response.statusCode, body: parsed };
    } catch {
      return undefined;
    }
  }

  private pool(): Pool {
    const origin = this.base_url();
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(new URL(origin).origin, {
        connections: CASINO_CONNECTIONS_MAX,
        headersTimeout: CALLBACK_TIMEOUT_MS,
        bodyTimeout: CALLBACK_TIMEOUT_MS,
        keepAliveTimeout: CASINO_KEEP_ALIVE_TIMEOUT_MS,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
  }
}
