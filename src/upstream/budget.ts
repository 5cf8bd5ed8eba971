import { BUDGET_REQUESTS_MAX, BUDGET_WINDOW_MS_MAX, BUDGET_WINDOW_MS_MIN, CLIENTS_TRACKED_MAX } from './limits.ts';

/** Requests a client may make per sliding window, e.g. `5/60s`. */
export interface Budget {
  requests: number;
  window_ms: number;
}

const BUDGET_TEXT = /^(\d{1,6})\/(\d{1,7})(ms|s|m)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000 } as const;

/** `5/60s`, `5/6s`, `300/1m`, `10/500ms`… → Budget, or a sentence saying what is wrong. */
export function parseBudget(text: string): Budget | string {
  const m = BUDGET_TEXT.exec(text.trim());
  if (!m) return `must be <requests>/<window> with the window in ms, s or m (e.g. 5/60s), got "${text}"`;
  const requests = Number(m[1]);
  const window_ms = Number(m[2]) * UNIT_MS[m[3] as keyof typeof UNIT_MS];
  if (requests < 1 || requests > BUDGET_REQUESTS_MAX) {
    return `requests per window must be between 1 and ${BUDGET_REQUESTS_MAX}, got ${requests}`;
  }
  if (window_ms < BUDGET_WINDOW_MS_MIN || window_ms > BUDGET_WINDOW_MS_MAX) {
    const [min_s, max_s] = [BUDGET_WINDOW_MS_MIN / 1000, BUDGET_WINDOW_MS_MAX / 1000];
    return `window must be between ${min_s} s and ${max_s} s, got ${window_ms} ms`;
  }
  return { requests, window_ms };
}

export type Admission =
  { admitted: true } | { admitted: false; retry_after_s: number } | { admitted: false; too_many_clients: true };

/**
 * A sliding-window log per client: the times of its admitted requests in the last window. A request
 * is admitted while fewer than `requests` remain in the window; a refused one is not recorded, so a
 * client that keeps asking while throttled does not push its own recovery further away. Retry-After
 * is when the oldest admitted request leaves the window, rounded up to whole seconds.
 */
export class SlidingWindow {
  private readonly clients = new Map<string, number[]>();

  constructor(private readonly budget: Budget) {}

  admit(client: string, now_ms: number): Admission {
    let log = this.clients.get(client);
    if (log === undefined) {
      const full = this.clients.size >= CLIENTS_TRACKED_MAX && !this.forgetIdle(now_ms);
      if (full) return { admitted: false, too_many_clients: true };
      log = [];
      this.clients.set(client, log);
    }
    // A request leaves the window exactly window_ms after it was admitted.
    while (log.length > 0 && log[0] + this.budget.window_ms <= now_ms) log.shift();
    if (log.length >= this.budget.requests) {
      const wait_ms = log[0] + this.budget.window_ms - now_ms;
      return { admitted: false, retry_after_s: Math.max(1, Math.ceil(wait_ms / 1000)) };
    }
    log.push(now_ms);
    return { admitted: true };
  }

  /** Drops clients with nothing left in their window; whether room was made. */
  private forgetIdle(now_ms: number): boolean {
    for (const [client, log] of this.clients) {
      if (log.length === 0 || log[log.length - 1] + this.budget.window_ms <= now_ms) this.clients.delete(client);
    }
    return this.clients.size < CLIENTS_TRACKED_MAX;
  }

  get clients_tracked(): number {
    return this.clients.size;
  }
}
