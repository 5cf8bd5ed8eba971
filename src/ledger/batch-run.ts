import { assert } from '../platform/assert.ts';

/**
 * The phases of one group-commit batch, in order. `deciding` holds the writer's single deciding slot
 * (locks, reads, decisions); `writing` still holds a connection slot (writes and COMMIT on their way);
 * `flushing` is committed, its locks released, its callers waiting for the WAL flush.
 */
export type BatchPhase = 'deciding' | 'writing' | 'flushing' | 'answered' | 'failed';

const NEXT: Record<BatchPhase, readonly BatchPhase[]> = {
  deciding: ['writing', 'failed'],
  writing: ['flushing', 'failed'],
  flushing: ['answered', 'failed'],
  answered: [],
  failed: [],
};

/** One batch's place in its lifecycle; every transition asserts the phase it leaves. */
export class BatchRun {
  private current: BatchPhase = 'deciding';
  readonly started_ms = performance.now();

  constructor(readonly size: number) {}

  get phase(): BatchPhase {
    return this.current;
  }

  /** Moves to `to`; a transition the lifecycle does not allow is a bug. */
  advance(to: BatchPhase): void {
    assert(NEXT[this.current].includes(to), `batch cannot go from ${this.current} to ${to}`);
    this.current = to;
  }

  /** Moves to `to` only if the batch is still in `from` (hooks that may fire after a failure). */
  advanceFrom(from: BatchPhase, to: BatchPhase): boolean {
    if (this.current !== from) return false;
    this.advance(to);
    return true;
  }

  get holds_slot(): boolean {
    return this.current === 'deciding' || this.current === 'writing';
  }

  get finished(): boolean {
    return this.current === 'answered' || this.current === 'failed';
  }
}
