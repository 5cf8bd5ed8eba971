import { NOTIFY_PAYLOAD_BYTES_MAX } from './limits.ts';

/**
 * Payloads of the NOTIFY_CHANNEL notifications. A commit that changes totals (an ingested page, a
 * settlement) sends one naming the users it changed; the reporter caches (cache.ts) drop only those.
 */

/** `u:` + a JSON array of user ids. */
export const USERS_PAYLOAD = 'u:';
/** Everything may have changed. Any payload not understood is read the same way. */
export const EVERYTHING_PAYLOAD = '*';
/** A reporter cache's own liveness ping: `ping:<token>:<seq>` (cache.ts). */
export const PING_PAYLOAD = 'ping:';

/** The users a commit changed, or `*` when their list would not fit in a notification. */
export function changedUsersPayload(user_ids: Iterable<string>): string {
  const payload = `${USERS_PAYLOAD}${JSON.stringify([...new Set(user_ids)])}`;
  return Buffer.byteLength(payload) <= NOTIFY_PAYLOAD_BYTES_MAX ? payload : EVERYTHING_PAYLOAD;
}
