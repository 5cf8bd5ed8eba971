import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../db/sql.ts';
import type { Logger } from '../platform/logger.ts';
import { stringifyTotals } from './json-out.ts';
import { countCacheOf } from './metrics.ts';
import { PING_PAYLOAD, USERS_PAYLOAD } from './notify.ts';
import {
  NOTIFY_CHANNEL,
  REPORT_CACHE_ENTRIES_MAX,
  REPORT_CACHE_PING_INTERVAL_MS,
  REPORT_CACHE_TTL_MS,
} from './limits.ts';

/** A rendered answer: the exact bytes, their ETag, and the status (200 or 404). */
export interface CachedAnswer {
  status: number;
  body: string;
  etag: string;
}

interface Entry {
  /** When its fill began: the answer is at least as fresh as the database then. */
  filled_at_ms: number;
  answer: Promise<CachedAnswer>;
  /** The answer once the fill has resolved: a hit is then served without a promise. */
  value?: CachedAnswer;
}

/** Prefixes of the cache keys: one entry per user, one per payouts page and size. */
const USER_KEY = 'user\u0000';
const PAYOUTS_KEY = 'payouts\u0000';
export const userCacheKey = (user_id: string) => `${USER_KEY}${user_id}`;
export const payoutsCacheKey = (page: number, limit: number) => `${PAYOUTS_KEY}${page}\u0000${limit}`;

/**
 * The reporter's in-process cache (SPEC §7: "a burst of readers never turns into database load").
 * One entry per URL; concurrent misses share one fill (one query however many readers wait).
 *
 * Invalidation: every commit that changes totals sends one NOTIFY naming the users it changed (an
 * ingested page, a settlement); each process LISTENs and drops those users' answers and the payouts
 * pages. So an entry lives until its user changes: a reader of a user the puller did not touch never
 * costs a query, however many users are read.
 *
 * Freshness when a notification is lost: PostgreSQL delivers notifications to a listener in commit
 * order, so when this process's own ping (a NOTIFY it sends every REPORT_CACHE_PING_INTERVAL_MS) comes
 * back, every notification committed before the ping was sent has been seen. An entry still in the map
 * is therefore correct as of max(its fill, the last ping confirmed), and it is served only while that is
 * less than REPORT_CACHE_TTL_MS ago. While the LISTEN connection works, entries never expire; if it
 * breaks in any way (a reconnect, a half-open socket, a stalled database), no ping comes back and every
 * answer is at most REPORT_CACHE_TTL_MS stale. A (re)connect of the LISTEN drops everything.
 */
export class ReportCache {
  private readonly entries = new Map<string, Entry>();
  /** Send time of the newest ping of ours that LISTEN delivered back (0: none yet). */
  private confirmed_at_ms = 0;
  private readonly token = randomBytes(6).toString('hex');
  private readonly pings = new Map<number, number>();
  private ping_seq = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly ttl_ms: number = REPORT_CACHE_TTL_MS,
    private readonly entries_max: number = REPORT_CACHE_ENTRIES_MAX,
    private readonly now: () => number = Date.now,
  ) {
    countCacheOf(this);
  }

  /** The answer for `key` if it is cached, filled and fresh (a hit, counted); undefined otherwise. */
  peek(key: string): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (entry?.value === undefined || !this.fresh(entry)) return undefined;
    this.hits++;
    return entry.value;
  }

  get(key: string, fill: () => Promise<{ status: number; body: unknown }>): Promise<CachedAnswer> {
    const entry = this.entries.get(key);
    if (entry && this.fresh(entry)) {
      this.hits++;
      return entry.answer;
    }
    this.misses++;
    if (this.entries.size >= this.entries_max) this.entries.clear();
    const answer = fill().then(({ status, body }) => render(status, body));
    const fresh: Entry = { filled_at_ms: this.now(), answer };
    this.entries.set(key, fresh);
    answer.then(
      (value) => (fresh.value = value),
      // A failed fill is not cached: the next reader tries again.
      () => this.entries.get(key) === fresh && this.entries.delete(key),
    );
    return answer;
  }

  private fresh(entry: Entry): boolean {
    return this.now() - Math.max(entry.filled_at_ms, this.confirmed_at_ms) < this.ttl_ms;
  }

  /**
   * Everything cached so far is stale. A fill in progress finishes for its waiters but is not reused:
   * its entry is gone from the map, so the next reader starts a new one.
   */
  invalidate(): void {
    this.entries.clear();
  }

  /** These users' totals changed: their answers and every payouts page are stale. */
  invalidateUsers(user_ids: Iterable<string>): void {
    for (const user_id of user_ids) this.entries.delete(userCacheKey(user_id));
    for (const key of this.entries.keys()) if (key.startsWith(PAYOUTS_KEY)) this.entries.delete(key);
  }

  /** One notification of the channel: a ping (ours confirms freshness, others' are ignored), users, or everything. */
  onNotification(payload: string): void {
    if (payload.startsWith(PING_PAYLOAD)) {
      const [token, seq] = payload.slice(PING_PAYLOAD.length).split(':');
      const sent_at_ms = token === this.token ? this.pings.get(Number(seq)) : undefined;
      if (sent_at_ms === undefined) return;
      // Pings come back in order: this one and every older one are answered.
      for (const s of this.pings.keys()) if (s <= Number(seq)) this.pings.delete(s);
      this.confirmed_at_ms = Math.max(this.confirmed_at_ms, sent_at_ms);
      return;
    }
    if (payload.startsWith(USERS_PAYLOAD)) {
      let users: unknown;
      try {
        users = JSON.parse(payload.slice(USERS_PAYLOAD.length));
      } catch {
        users = undefined;
      }
      if (Array.isArray(users) && users.every((u) => typeof u === 'string')) return this.invalidateUsers(users);
    }
    this.invalidate();
  }

  /** The payload of the next ping; its send time is noted now, before it can be committed. */
  nextPing(): string {
    const seq = ++this.ping_seq;
    this.pings.set(seq, this.now());
    // A ping that never came back (LISTEN down) is forgotten after a few: the map stays small.
    for (const s of this.pings.keys()) if (s <= seq - 16) this.pings.delete(s);
    return `${PING_PAYLOAD}${this.token}:${seq}`;
  }

  /**
   * LISTEN on the channel and ping it every REPORT_CACHE_PING_INTERVAL_MS; also invalidates on every
   * (re)connect, when notifications may have been missed. Returns the stop function.
   */
  async listen(sql: Sql, logger: Logger): Promise<() => Promise<void>> {
    const { unlisten } = await sql.listen(
      NOTIFY_CHANNEL,
      (payload) => this.onNotification(payload),
      () => this.invalidate(),
    );
    let pinging: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      pinging = sql
        .notify(NOTIFY_CHANNEL, this.nextPing())
        .catch((err: unknown) => logger.debug({ err }, 'reporter cache ping not sent'));
    }, REPORT_CACHE_PING_INTERVAL_MS);
    timer.unref();
    logger.debug({ channel: NOTIFY_CHANNEL }, 'reporter cache listening');
    return async () => {
      clearInterval(timer);
      await pinging;
      await unlisten();
    };
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
  // The usual case, a client sending back the one ETag it was given, without a split.
  if (header === etag) return true;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
