import client from 'prom-client';
import { registry } from '../platform/metrics.ts';
import type { StatusAnswer } from './service.ts';

/** The status answer's numbers as Prometheus gauges, read when scraped (one query, shared by all six). */
let source: (() => Promise<StatusAnswer>) | undefined;
let last: { at_ms: number; value: Promise<StatusAnswer> } | undefined;
/** Scrapes within this of each other share one status read. */
const STATUS_READ_REUSE_MS = 1_000;

export function registerStatusSource(read: () => Promise<StatusAnswer>): void {
  source = read;
  last = undefined;
}

async function current(): Promise<StatusAnswer | undefined> {
  if (!source) return undefined;
  if (!last || Date.now() - last.at_ms > STATUS_READ_REUSE_MS) last = { at_ms: Date.now(), value: source() };
  return last.value.catch(() => undefined);
}

function gauge(name: string, help: string, pick: (s: StatusAnswer) => number | bigint | null): void {
  new client.Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      const s = await current();
      const v = s ? pick(s) : null;
      if (v !== null) this.set(Number(v));
    },
  });
}

gauge(
  'croupier_transactions_lag_seconds',
  'Seconds between now and the ingestion checkpoint (SPEC §7)',
  (s) => s.lag_s,
);
gauge('croupier_transactions_items_total', 'Upstream items written into the ledger', (s) => s.items_total);
gauge(
  'croupier_transactions_requests_total',
  'Requests sent to the upstream Transaction API (all processes)',
  (s) => s.requests_total,
);
gauge('croupier_transactions_throttled_total', 'Upstream answers 429 obeyed', (s) => s.throttled_total);
gauge(
  'croupier_transactions_errors_total',
  'Upstream requests failed (5xx, network, unreadable page)',
  (s) => s.errors_total,
);
gauge('croupier_transactions_quarantined_total', 'Malformed upstream items quarantined', (s) => s.quarantined_total);

/** The reporter caches of this process (cache.ts keeps plain counts; they are read when scraped, not per request). */
const caches = new Set<{ hits: number; misses: number }>();

export function countCacheOf(cache: { hits: number; misses: number }): void {
  caches.add(cache);
}

function cacheCounter(name: string, help: string, pick: (c: { hits: number; misses: number }) => number): void {
  let reported = 0;
  new client.Counter({
    name,
    help,
    registers: [registry],
    collect() {
      let total = 0;
      for (const cache of caches) total += pick(cache);
      if (total > reported) this.inc(total - reported);
      reported = Math.max(reported, total);
    },
  });
}

cacheCounter(
  'croupier_reporter_cache_hits_total',
  'Reporter answers served from the in-process cache (this process)',
  (c) => c.hits,
);
cacheCounter(
  'croupier_reporter_cache_misses_total',
  'Reporter answers that started a fill from the database (this process)',
  (c) => c.misses,
);
