import { compareItems, pageOfSequence, TRANSACTION_TYPES } from './items.ts';
import type { ItemFacts, ItemSource, PageQuery, PageResult, TransactionType, UpstreamItem } from './items.ts';
import { FIXED_ITEMS_MAX } from './limits.ts';
import { parseQueryDate } from './dates.ts';

/** A hand-written transaction: createdAt as the seed writes it or ISO-8601; visible from createdAt unless told. */
export interface FixedItem {
  id: string;
  userId: string;
  createdAt: string;
  type: TransactionType;
  amount_minor: bigint;
  /** Stream time it becomes visible; default its createdAt. */
  visible_at_ms?: number;
}

/**
 * The seed's example (SPEC §7): user 074092 earned 1.2, spent 12 and asked for a payout of 30, which
 * the reporter must show as earned 120, spent 1200, payout 3000, balance −4080 cents. The ids are
 * deliberately not all hexadecimal: a client must treat an upstream id as an opaque string.
 */
export const SEED_EXAMPLE_ITEMS: FixedItem[] = [
  {
    id: '41bbdf81-735c-4aea-beb3-3e5f433a30c5',
    userId: '074092',
    createdAt: '2023-03-16T12:33:11.000Z',
    type: 'payout',
    amount_minor: 3000n,
  },
  {
    id: '41bbdf81-735c-4aea-beb3-3e5fasfsdfef',
    userId: '074092',
    createdAt: '2023-03-12T12:33:11.000Z',
    type: 'spent',
    amount_minor: 1200n,
  },
  {
    id: '41bbdf81-735c-4aea-beb3-342jhj234nj234',
    userId: '074092',
    createdAt: '2023-03-15T12:33:11.000Z',
    type: 'earned',
    amount_minor: 120n,
  },
];

/** Serves a given list instead of the generator: ordered once, filtered per request. */
export class FixedList implements ItemSource {
  private readonly items: UpstreamItem[];

  constructor(fixed: FixedItem[]) {
    if (fixed.length > FIXED_ITEMS_MAX) {
      throw new RangeError(`items: at most ${FIXED_ITEMS_MAX} fixed items, got ${fixed.length}`);
    }
    const ids = new Set<string>();
    this.items = fixed.map((f, i) => {
      const created_at_ms = parseQueryDate(f.createdAt);
      if (created_at_ms === undefined) {
        throw new RangeError(`items[${i}].createdAt is not a date: "${f.createdAt}"`);
      }
      if (!TRANSACTION_TYPES.includes(f.type)) throw new RangeError(`items[${i}].type must be earned, spent or payout`);
      if (f.amount_minor <= 0n) throw new RangeError(`items[${i}].amount_minor must be positive`);
      if (ids.has(f.id)) throw new RangeError(`items[${i}].id "${f.id}" is not unique`);
      ids.add(f.id);
      const visible_at_ms = Math.max(created_at_ms, f.visible_at_ms ?? created_at_ms);
      return { id: f.id, userId: f.userId, type: f.type, amount_minor: f.amount_minor, created_at_ms, visible_at_ms };
    });
    this.items.sort(compareItems);
  }

  page(q: PageQuery): PageResult {
    const seen = this.items.filter(
      (it) => it.created_at_ms >= q.start_ms && it.created_at_ms <= q.end_ms && it.visible_at_ms <= q.now_ms,
    );
    const items = pageOfSequence(
      seen.length,
      (p) => seen[p].created_at_ms,
      (p) => seen[p],
      q.offset,
      q.limit,
    );
    return { total: seen.length, items };
  }

  scan(at_ms: number, visit: (facts: ItemFacts) => void): void {
    for (const item of this.items) if (item.created_at_ms <= at_ms) visit(item);
  }
}
