import { assert } from './assert.ts';
import { AUTH_FAILURES_PER_WINDOW_MAX, AUTH_FAILURE_CLIENTS_TRACKED_MAX, AUTH_FAILURE_WINDOW_MS } from './limits.ts';

export interface FailureVerdict {
  /** Over the limit: answer 429 instead of the authentication error. */
  limited: boolean;
  /** Whole seconds until the client's window ends (the Retry-After header). */
  retry_after_s: number;
}

interface Window {
  started_ms: number;
  failures: number;
}

/**
 * Counts failed authentications per client address in fixed windows. Only failures are recorded: the
 * check for a correct key or signature never consults this, so it is never slowed. Memory is bounded by
 * AUTH_FAILURE_CLIENTS_TRACKED_MAX: a Map keeps insertion order, and a client's entry is re-inserted when
 * its window restarts, so the first entry is always the oldest window and is the one forgotten.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly failures_max = AUTH_FAILURES_PER_WINDOW_MAX,
    private readonly window_ms = AUTH_FAILURE_WINDOW_MS,
    private readonly clients_max = AUTH_FAILURE_CLIENTS_TRACKED_MAX,
  ) {
    assert(failures_max > 0 && window_ms > 0 && clients_max > 0, 'auth failure limits are positive');
  }

  /** Records one failure of `client` at `now_ms`. */
  recordFailure(client: string, now_ms: number = Date.now()): FailureVerdict {
    let window = this.windows.get(client);
    if (!window || now_ms - window.started_ms >= this.window_ms) {
      this.windows.delete(client);
      window = { started_ms: now_ms, failures: 0 };
      this.windows.set(client, window);
      this.forgetOldest();
    }
    window.failures += 1;
    const retry_after_s = Math.max(1, Math.ceil((window.started_ms + this.window_ms - now_ms) / 1000));
    return { limited: window.failures > this.failures_max, retry_after_s };
  }

  get clients_tracked(): number {
    return this.windows.size;
  }

  private forgetOldest(): void {
    while (this.windows.size > this.clients_max) {
      const oldest = this.windows.keys().next().value as string;
      this.windows.delete(oldest);
    }
  }
}
