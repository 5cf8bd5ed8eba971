import { assert } from '../platform/assert.ts';
import type { ItemSource } from './items.ts';

/** One user's exact sums in cents, as the reporter should show them once it has every item. */
export interface UserTotals {
  earned_minor: bigint;
  spent_minor: bigint;
  payout_minor: bigint;
  items: number;
}

export interface Truth {
  /** Stream time the sums are taken at: every item with createdAt ≤ at_ms. */
  at_ms: number;
  items_total: number;
  users: Map<string, UserTotals>;
}

export interface TruthOptions {
  /** Count only items visible by this stream time (what a client could have read by then). */
  visible_at_ms?: number;
}

/** The exact per-user aggregates of a source at a moment: the oracle the puller's tests compare with. */
export function truthOf(source: ItemSource, at_ms: number, options: TruthOptions = {}): Truth {
  assert(Number.isSafeInteger(at_ms), `truth(at_ms): at_ms must be an integer, got ${at_ms}`);
  const visible_at_ms = options.visible_at_ms ?? Number.MAX_SAFE_INTEGER;
  const users = new Map<string, UserTotals>();
  let items_total = 0;
  source.scan(at_ms, (facts) => {
    if (facts.visible_at_ms > visible_at_ms) return;
    let totals = users.get(facts.userId);
    if (totals === undefined) {
      totals = { earned_minor: 0n, spent_minor: 0n, payout_minor: 0n, items: 0 };
      users.set(facts.userId, totals);
    }
    if (facts.type === 'earned') totals.earned_minor += facts.amount_minor;
    else if (facts.type === 'spent') totals.spent_minor += facts.amount_minor;
    else totals.payout_minor += facts.amount_minor;
    totals.items++;
    items_total++;
  });
  return { at_ms, items_total, users };
}
