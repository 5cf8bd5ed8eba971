/** Limits of the live-progress WebSocket (SPEC §5): every one bounds memory or a dead peer. */

/** Open sockets per process; beyond it an upgrade is refused with 503. */
export const LIVE_SOCKETS_MAX = 10_000;
/** Players one socket may follow. */
export const LIVE_SUBSCRIPTIONS_PER_SOCKET_MAX = 100;
/** A client message (a subscribe) is tiny; anything larger closes the socket (1009). */
export const LIVE_CLIENT_MESSAGE_MAX_BYTES = 1_024;
/**
 * Bytes queued to a slow socket before it is closed (1013): a reader that does not keep up must not make
 * the server hold an unbounded backlog of updates for it.
 */
export const LIVE_SEND_BUFFER_MAX_BYTES = 1024 * 1024;
/** A ping this often; a socket that has not answered the previous one is dead and terminated. */
export const LIVE_HEARTBEAT_INTERVAL_MS = 15_000;
/**
 * How long a process's live-listener row counts without a refresh (live/audience.ts): past it, a process
 * that died no longer makes publishers send. Refreshed three times as often, so a slow refresh or two
 * never drops a live process.
 */
export const LIVE_LISTENER_TTL_MS = 30_000;
export const LIVE_LISTENER_REFRESH_MS = LIVE_LISTENER_TTL_MS / 3;
