/** What the mock serves, and the one ordering rule both of its sources keep (SPEC §7). */
export type TransactionType = 'earned' | 'spent' | 'payout';
export const TRANSACTION_TYPES: readonly TransactionType[] = ['earned', 'spent', 'payout'];

/** The facts of a transaction that its aggregates need (no id: truth() never builds one). */
export interface ItemFacts {
  userId: string;
  type: TransactionType;
  amount_minor: bigint;
  created_at_ms: number;
  /** When a request can first see it: createdAt for most items, later for late ones. */
  visible_at_ms: number;
}

export interface UpstreamItem extends ItemFacts {
  id: string;
}

export interface PageQuery {
  start_ms: number;
  end_ms: number;
  /** Stream time of the request: only items visible by then are seen. */
  now_ms: number;
  offset: number;
  limit: number;
}

export interface PageResult {
  /** Visible items in [start, end] at now_ms, on every page. */
  total: number;
  items: UpstreamItem[];
}

/** A source of transactions: the seeded generator, or a fixed list. */
export interface ItemSource {
  page(query: PageQuery): PageResult;
  /** Calls `visit` for every item with createdAt ≤ at_ms, visible yet or not. */
  scan(at_ms: number, visit: (facts: ItemFacts) => void): void;
}

/** Items are ordered by createdAt, then id (code-unit order of the id string). */
export function compareItems(a: UpstreamItem, b: UpstreamItem): number {
  if (a.created_at_ms !== b.created_at_ms) return a.created_at_ms - b.created_at_ms;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * One page of a sequence that is already ordered by createdAt but not yet by id inside a timestamp.
 * The page is widened to whole groups of equal createdAt, sorted, then cut: only those groups are
 * built, so a page costs its own size plus at most one group at each edge, wherever it lies.
 */
export function pageOfSequence(
  total: number,
  created_at_ms_of: (position: number) => number,
  build: (position: number) => UpstreamItem,
  offset: number,
  limit: number,
): UpstreamItem[] {
  if (offset >= total) return [];
  const end = Math.min(total, offset + limit);
  let from = offset;
  const first_ms = created_at_ms_of(offset);
  while (from > 0 && created_at_ms_of(from - 1) === first_ms) from--;
  let to = end;
  const last_ms = created_at_ms_of(end - 1);
  while (to < total && created_at_ms_of(to) === last_ms) to++;
  const items: UpstreamItem[] = [];
  for (let position = from; position < to; position++) items.push(build(position));
  items.sort(compareItems);
  return items.slice(offset - from, end - from);
}
