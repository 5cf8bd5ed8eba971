import { defineErrors } from '../platform/error-table.ts';

/** Error rows of the live-progress socket (answered before the upgrade, or as `{ type: 'error' }` messages). */
export const LIVE_ERRORS = defineErrors({
  LIVE_UPGRADE_REQUIRED: {
    code: 'UPGRADE_REQUIRED',
    http_status: 426,
    message: 'Connect with a WebSocket client (Upgrade: websocket).',
  },
  LIVE_TOO_MANY_SOCKETS: {
    code: 'TOO_MANY_SOCKETS',
    http_status: 503,
    message: 'This process has as many live sockets as it accepts; retry later or on another process.',
  },
  LIVE_BAD_MESSAGE: {
    code: 'BAD_MESSAGE',
    http_status: 400,
    message: 'Send { "subscribe": "<playerId>" } (a JSON object naming one player).',
  },
  LIVE_TOO_MANY_SUBSCRIPTIONS: {
    code: 'TOO_MANY_SUBSCRIPTIONS',
    http_status: 400,
    message: 'This socket follows as many players as one socket may.',
  },
});
