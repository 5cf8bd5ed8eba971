import { SIGN_IN_ADDRESSES_TRACKED_MAX, SIGN_IN_FAILURE_WINDOW_MS, SIGN_IN_FAILURES_PER_WINDOW_MAX } from './limits.ts';

interface Window {
  started_at_ms: number;
  failures: number;
}

/**
 * Wrong API keys per client address, in fixed windows: an address past the limit is refused (429)
 * until its window ends, whatever key it presents, so guessing keys costs a window per few tries.
 * Kept minimal and self-contained (one class, no hook of its own) so a generic auth-failure limiter
 * in platform/ can replace it by swapping this one object in `createOperatorAuth`.
 */
export class SignInThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly failures_max = SIGN_IN_FAILURES_PER_WINDOW_MAX,
    private readonly window_ms = SIGN_IN_FAILURE_WINDOW_MS,
    private readonly addresses_max = SIGN_IN_ADDRESSES_TRACKED_MAX,
  ) {}

  blocked(address: string, now_ms: number = Date.now()): boolean {
    const window = this.windows.get(address);
    if (!window) return false;
    if (now_ms - window.started_at_ms >= this.window_ms) {
      this.windows.delete(address);
      return false;
    }
    return window.failures >= this.failures_max;
  }

  fail(address: string, now_ms: number = Date.now()): void {
    const window = this.windows.get(address);
    if (window && now_ms - window.started_at_ms < this.window_ms) {
      window.failures++;
      return;
    }
    if (!window && this.windows.size >= this.addresses_max) this.evict(now_ms);
    this.windows.set(address, { started_at_ms: now_ms, failures: 1 });
  }

  /** Expired windows first; if every tracked address is still inside its window, start over (memory stays bounded). */
  private evict(now_ms: number): void {
    for (const [address, window] of this.windows) {
      if (now_ms - window.started_at_ms >= this.window_ms) this.windows.delete(address);
    }
    if (this.windows.size >= this.addresses_max) this.windows.clear();
  }
}
