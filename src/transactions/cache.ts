import { createHash } from 'node:crypto';
import type { Sql } from '../db/sql.ts';
import type { Logger } from '../platform/logger.ts';
import { stringifyTotals } from './json-out.ts';
import { NOTIFY_CHANNEL, REPORT_CACHE_ENTRIES_MAX, REPORT_CACHE_TTL_MS } from './limits.ts';

/** A rendered answer: the exact bytes, their ETag, and the status (200 or 404). */
export interface CachedAnswer {
  status: number;
  body: string;
  etag: string;
}

interface Entry {
  generation: number;
  filled_at_ms: number;
  answer: Promise<CachedAnswer>;
}

/**
 * The reporter's in-process cache (SPEC §7: "a burst of readers never turns into database load").
 * One entry per URL; concurrent misses share one fill (one query however many readers wait).
 * Invalidation: every commit that changes totals sends one NOTIFY (ingested page, settlement); each
 * process LISTENs and drops everything. Entries also expire after REPORT_CACHE_TTL_MS, which bounds
 * staleness if a notification is lost while the LISTEN connection reconnects.
 */
export class ReportCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly ttl_ms: number = REPORT_CACHE_TTL_MS,
    private readonly entries_max: number = REPORT_CACHE_ENTRIES_MAX,
  ) {}

  get(key: string, fill: () => Promise<{ status: number; body: unknown }>): Promise<CachedAnswer> {
    const now_ms = Date.now();
    const entry = this.entries.get(key);
    if (entry && entry.generation === this.generation && now_ms - entry.filled_at_ms < this.ttl_ms) {
      this.hits++;
      return entry.answer;
    }
    this.misses++;
    if (this.entries.size >= this.entries_max) this.entries.clear();
    const generation = this.generation;
    const answer = fill().then(({ status, body }) => render(status, body));
    const fresh: Entry = { generation, filled_at_ms: now_ms, answer };
    this.entries.set(key, fresh);
    // A failed fill is not cached: the next reader tries again.
    answer.catch(() => this.entries.get(key) === fresh && this.entries.delete(key));
    return answer;
  }

  /** Everything cached so far is stale (a fill in progress finishes for its waiters but is not reused). */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }

  /** LISTEN on the channel; also invalidates on (re)connect, when notifications may have been missed. */
  async listen(sql: Sql, logger: Logger): Promise<() => Promise<void>> {
    const { unlisten } = await sql.listen(
      NOTIFY_CHANNEL,
      () => this.invalidate(),
      () => this.invalidate(),
    );
    logger.debug({ channel: NOTIFY_CHANNEL }, 'reporter cache listening');
    return unlisten;
  }
}

function render(status: number, body: unknown): CachedAnswer {
  const text = stringifyTotals(body);
  const etag = `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;
  return { status, body: text, etag };
}

/** If-None-Match: a list of ETags (weak ones compared weakly, RFC 9110 §13.1.2) or `*`. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
