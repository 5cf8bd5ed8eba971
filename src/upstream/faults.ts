import { FAULTS_QUEUED_MAX, RETRY_AFTER_S_MAX } from './limits.ts';

/** A faulty answer for the puller's tests: a server error, or a 429 with a chosen Retry-After. */
export type Fault = { status: 500 | 502 | 503; count: number } | { status: 429; count: number; retry_after_s: number };
export type FaultAnswer = { status: 500 | 502 | 503 } | { status: 429; retry_after_s: number };

/**
 * The next requests to answer badly, in order. They are answered before the budget is looked at and
 * consume none of it, so a test knows exactly which requests fail whatever its client's window holds.
 */
export class FaultQueue {
  private readonly queue: { answer: FaultAnswer; left: number }[] = [];

  add(fault: Fault): void {
    if (!Number.isSafeInteger(fault.count) || fault.count < 1) {
      throw new RangeError(`fault count must be a whole number ≥ 1, got ${fault.count}`);
    }
    if (this.pending() + fault.count > FAULTS_QUEUED_MAX) {
      throw new RangeError(`at most ${FAULTS_QUEUED_MAX} faulty answers may be queued`);
    }
    if (fault.status === 429) {
      const s = fault.retry_after_s;
      if (!Number.isSafeInteger(s) || s < 0 || s > RETRY_AFTER_S_MAX) {
        throw new RangeError(`retry_after_s must be 0..${RETRY_AFTER_S_MAX}, got ${s}`);
      }
      this.queue.push({ answer: { status: 429, retry_after_s: s }, left: fault.count });
    } else {
      this.queue.push({ answer: { status: fault.status }, left: fault.count });
    }
  }

  /** The fault for this request, if one is queued. */
  take(): FaultAnswer | undefined {
    const head = this.queue[0];
    if (head === undefined) return undefined;
    if (--head.left === 0) this.queue.shift();
    return head.answer;
  }

  clear(): void {
    this.queue.length = 0;
  }

  pending(): number {
    return this.queue.reduce((n, f) => n + f.left, 0);
  }
}
