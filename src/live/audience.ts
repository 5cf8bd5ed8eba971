import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/sql.ts';
import type { Logger } from '../platform/logger.ts';
import { LIVE_LISTENER_REFRESH_MS, LIVE_LISTENER_TTL_MS } from './limits.ts';

/**
 * This process as a listener of live messages (table live_listeners, migration 094). Publishers send a
 * batch's messages only while some process is registered, so the process registers before it
 * acknowledges its first subscription (join), refreshes its row while it has sockets, and leaves when
 * its last socket closes. A row not refreshed in LIVE_LISTENER_TTL_MS (a process that died) no longer
 * counts.
 */
export class LiveAudience {
  private readonly process_id = randomUUID();
  private joined: Promise<void> | null = null;
  private refresh: NodeJS.Timeout | null = null;
  private leaving: Promise<void> = Promise.resolve();

  constructor(
    private readonly sql: Sql,
    private readonly logger: Logger,
  ) {}

  /** Resolves once this process's row is committed: from then on every publisher sends to it. */
  join(): Promise<void> {
    if (this.joined) return this.joined;
    // After a leave still on its way: its delete must not land after this insert.
    const joined: Promise<void> = this.leaving
      .then(() => this.register())
      .then(
        () => {
          if (this.joined !== joined) return;
          this.refresh ??= setInterval(() => {
            this.register().catch((err: unknown) => this.logger.warn({ err }, 'live listener not refreshed'));
          }, LIVE_LISTENER_REFRESH_MS);
          this.refresh.unref();
        },
        (err: unknown) => {
          // Tried again by the next subscription.
          if (this.joined === joined) this.joined = null;
          throw err;
        },
      );
    this.joined = joined;
    return joined;
  }

  /** The last socket closed: publishers may stop sending (best effort; the row expires anyway). */
  leave(): Promise<void> {
    if (this.refresh) clearInterval(this.refresh);
    this.refresh = null;
    this.joined = null;
    this.leaving = this.sql`delete from live_listeners where process_id = ${this.process_id}`.then(
      () => undefined,
      (err: unknown) => this.logger.warn({ err }, 'live listener not removed'),
    );
    return this.leaving;
  }

  private async register(): Promise<void> {
    const ttl = `${LIVE_LISTENER_TTL_MS} milliseconds`;
    await this.sql`
      insert into live_listeners (process_id, expires_at) values (${this.process_id}, now() + ${ttl}::interval)
      on conflict (process_id) do update set expires_at = excluded.expires_at`;
    // Rows of processes that died long ago: gone with the next registration anywhere.
    await this.sql`delete from live_listeners where expires_at < now() - ${ttl}::interval`;
  }
}
