import { centsFromDecimal, type UserTotals } from '../../src/upstream/index.ts';

/** A clock the test moves by hand; the mock's budget window and stream time both follow it. */
export function manualClock(start_ms: number) {
  const clock = {
    now_ms: start_ms,
    now: () => clock.now_ms,
    advance: (ms: number) => {
      clock.now_ms += ms;
    },
  };
  return clock;
}

export interface WireItem {
  id: string;
  userId: string;
  createdAt: string;
  type: string;
  /** Read exactly from the JSON text into cents, never through a float. */
  amount_minor: bigint;
  amount_text: string;
}

export interface WirePage {
  status: number;
  text: string;
  headers: Headers;
  items: WireItem[];
  meta: { totalItems: number; itemCount: number; itemsPerPage: number; totalPages: number; currentPage: number };
  body: Record<string, unknown>;
}

/** Quotes every `amount` number of a page's text so JSON.parse keeps its digits as a string. */
function quoteAmounts(text: string): string {
  return text.replace(/"amount":(-?[0-9][0-9.eE+-]*)/g, '"amount":"$1"');
}

type Query = Record<string, string | number>;

export async function get(
  base_url: string,
  query: Query = {},
  headers: Record<string, string> = {},
): Promise<WirePage> {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  const response = await fetch(`${base_url}/transactions?${qs}`, { headers });
  const text = await response.text();
  const body = JSON.parse(quoteAmounts(text)) as Record<string, unknown>;
  const raw_items = (body.items ?? []) as (Omit<WireItem, 'amount_minor' | 'amount_text'> & { amount: string })[];
  const items = raw_items.map(({ amount, ...rest }) => {
    const amount_minor = centsFromDecimal(amount);
    if (amount_minor === undefined) throw new Error(`amount ${amount} is not exact with at most 2 fractional digits`);
    return { ...rest, amount_text: amount, amount_minor };
  });
  return { status: response.status, text, headers: response.headers, items, meta: body.meta as WirePage['meta'], body };
}

/** Every page of a query, in order. */
export async function getAll(base_url: string, query: Query, limit: number): Promise<WireItem[]> {
  const all: WireItem[] = [];
  for (let page = 1; ; page++) {
    const p = await get(base_url, { ...query, page, limit });
    if (p.status !== 200) throw new Error(`page ${page}: ${p.status} ${p.text}`);
    all.push(...p.items);
    if (page >= p.meta.totalPages) return all;
  }
}

/** Per-user sums of wire items, in the shape of truth(). */
export function sumByUser(items: WireItem[]): Map<string, UserTotals> {
  const users = new Map<string, UserTotals>();
  for (const it of items) {
    const t = users.get(it.userId) ?? { earned_minor: 0n, spent_minor: 0n, payout_minor: 0n, items: 0 };
    if (it.type === 'earned') t.earned_minor += it.amount_minor;
    else if (it.type === 'spent') t.spent_minor += it.amount_minor;
    else t.payout_minor += it.amount_minor;
    t.items++;
    users.set(it.userId, t);
  }
  return users;
}

/** `2023-02-01 00:00:00`, the seed's form of a time (UTC, whole seconds). */
export function seedForm(at_ms: number): string {
  return new Date(at_ms).toISOString().slice(0, 19).replace('T', ' ');
}
