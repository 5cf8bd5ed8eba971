import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small Transaction API (SPEC §7 wire format) for the ingestion tests: items kept in memory, each
 * visible from `visible_at_ms` on, a sliding-window limit per server (429 + Retry-After), and fault
 * injection (the next answers forced to 429 / 5xx). Amounts are written as raw JSON number text,
 * so `1.2` reaches the puller exactly as an upstream would send it.
 */
export interface FakeItem {
  id: string;
  userId: string;
  createdAt: Date;
  type: string;
  /** JSON text of the amount, e.g. `1.2`. */
  amount: string;
  /** Not listed before this moment (a late item); default: at once. */
  visible_at_ms?: number;
  /** The whole item's JSON text instead of the fields above (a malformed item). */
  raw?: string;
}

export interface FakeRequest {
  at_ms: number;
  status: number;
  page: number;
  startDate: string;
  endDate: string;
}

export class FakeUpstream {
  readonly items: FakeItem[] = [];
  readonly requests: FakeRequest[] = [];
  /** Answers forced on the next requests, in order: 429, 500, 503… */
  readonly faults: number[] = [];
  fault_retry_after_s: number | null = 1;
  private accepted_ms: number[] = [];
  private server: http.Server | undefined;
  url = '';

  constructor(public limit: { requests: number; window_ms: number } | null = null) {}

  add(...items: FakeItem[]): void {
    this.items.push(...items);
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Most requests seen in any window of `window_ms` (sliding, by arrival). */
  maxRequestsInWindow(window_ms: number): number {
    const times = this.requests.map((r) => r.at_ms).sort((a, b) => a - b);
    let best = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i] - times[j] >= window_ms) j++;
      best = Math.max(best, i - j + 1);
    }
    return best;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const now_ms = Date.now();
    const url = new URL(req.url ?? '/', 'http://fake');
    const q = url.searchParams;
    const log = (status: number) =>
      this.requests.push({
        at_ms: now_ms,
        status,
        page: Number(q.get('page')),
        startDate: q.get('startDate') ?? '',
        endDate: q.get('endDate') ?? '',
      });
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      log(status);
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
    };
    if (url.pathname !== '/transactions') return send(404, '{"message":"not found"}');
    const fault = this.faults.shift();
    if (fault !== undefined) {
      const retry: Record<string, string> =
        this.fault_retry_after_s === null ? {} : { 'retry-after': String(this.fault_retry_after_s) };
      return send(fault, '{"message":"injected fault"}', retry);
    }
    if (this.limit) {
      this.accepted_ms = this.accepted_ms.filter((t) => t > now_ms - this.limit!.window_ms);
      if (this.accepted_ms.length >= this.limit.requests) {
        const retry_s = Math.ceil((this.accepted_ms[0] + this.limit.window_ms - now_ms) / 1000);
        return send(429, '{"message":"rate limited"}', { 'retry-after': String(Math.max(retry_s, 1)) });
      }
      this.accepted_ms.push(now_ms);
    }
    const start = parseDate(q.get('startDate'));
    const end = parseDate(q.get('endDate'));
    const page = Number(q.get('page') ?? 1);
    const limit = Number(q.get('limit') ?? 10);
    if (start === undefined || end === undefined || !(page >= 1) || !(limit >= 1 && limit <= 1000))
      return send(400, '{"message":"bad query"}');
    const matching = this.items
      .filter((i) => (i.visible_at_ms ?? 0) <= now_ms && i.createdAt.getTime() >= start && i.createdAt.getTime() <= end)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const slice = matching.slice((page - 1) * limit, page * limit);
    const items = slice.map(
      (i) =>
        i.raw ??
        `{"id":${JSON.stringify(i.id)},"userId":${JSON.stringify(i.userId)},"createdAt":"${i.createdAt.toISOString()}","type":${JSON.stringify(i.type)},"amount":${i.amount}}`,
    );
    const meta = {
      totalItems: matching.length,
      itemCount: slice.length,
      itemsPerPage: limit,
      totalPages: Math.ceil(matching.length / limit),
      currentPage: page,
    };
    send(200, `{"items":[${items.join(',')}],"meta":${JSON.stringify(meta)}}`);
  }
}

/** ISO-8601, or the seed's `2023-02-01 00:00:00` (UTC). */
function parseDate(text: string | null): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The exact truth of a set of items, computed independently of the code under test. */
export function expectedTotals(items: FakeItem[]): Map<string, { earned: bigint; spent: bigint; payout: bigint }> {
  const totals = new Map<string, { earned: bigint; spent: bigint; payout: bigint }>();
  for (const item of items) {
    if (item.raw !== undefined) continue;
    const [whole, fraction = ''] = item.amount.split('.');
    const cents = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
    const t = totals.get(item.userId) ?? { earned: 0n, spent: 0n, payout: 0n };
    t[item.type as 'earned' | 'spent' | 'payout'] += cents;
    totals.set(item.userId, t);
  }
  return totals;
}
