import type { FastifyReply } from 'fastify';
import type { AppContext, DomainModule } from '../ledger/context.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses } from '../platform/http-schemas.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { LIVE_CHANNEL } from '../platform/live.ts';
import { LIVE_ERRORS } from './errors.ts';
import { LiveAudience } from './audience.ts';
import { LiveHub } from './hub.ts';
import { LIVE_PATH, liveSockets } from './socket.ts';

/** Per process: the hub, its socket server and the LISTEN that feeds it. */
const running = new WeakMap<AppContext, { close(): Promise<void> }>();

/**
 * Live progress (SPEC §5): `GET /v1/ws` upgrades to a WebSocket; messages published by any process on
 * the same database (NOTIFY on LIVE_CHANNEL after a batch is durable) reach this process's subscribers.
 */
export const liveModule: DomainModule = {
  name: 'live',
  roles: ['api'],
  errors: LIVE_ERRORS,
  async routes(app, ctx) {
    const hub = new LiveHub();
    const audience = new LiveAudience(ctx.sql, ctx.logger);
    // Any operator's key may follow players (a viewer too: the socket only reads).
    const sockets = liveSockets(hub, audience, async (key) => (await ctx.operator_auth.resolve(key)) !== undefined);
    app.server.on('upgrade', sockets.upgrade);
    // Every batch that moved a bonus notifies; a process nobody follows does not parse what it hears.
    const listening = await ctx.sql.listen(LIVE_CHANNEL, (payload) => {
      if (hub.sockets > 0) hub.deliver(LiveHub.parse(payload));
    });
    running.set(ctx, {
      close: async () => {
        app.server.off('upgrade', sockets.upgrade);
        sockets.close();
        await audience.leave();
        await listening.unlisten().catch(() => {});
      },
    });
    app.get(
      LIVE_PATH,
      {
        schema: {
          summary: 'Live progress: upgrade to a WebSocket',
          description:
            'Upgrade with the operator key as the subprotocol `bearer.<key>` (the server selects it) or `?access_token=<key>`; a wrong key is 401 before the upgrade. ' +
            'Send `{ "subscribe": "<playerId>" }` (several allowed) → `{ "type": "subscribed", "playerId" }`; then `{ "type": "bonus", … }` within 100 ms of every commit that moved that player\'s bonus, from any process on the same database. Without an upgrade: 426.',
          tags: ['live'],
          security: [{ apiKey: [] }],
          response: {
            101: {
              type: 'null',
              description: 'Switching Protocols: the socket is open (only with Upgrade: websocket).',
            },
            // The upgrade checks the key itself (socket.ts): a wrong one is 401, not counted like the HTTP guard's.
            ...errorResponses(
              PLATFORM_ERRORS.UNAUTHORIZED,
              LIVE_ERRORS.LIVE_UPGRADE_REQUIRED,
              LIVE_ERRORS.LIVE_TOO_MANY_SOCKETS,
            ),
          },
        },
      },
      async (_request, reply: FastifyReply) => {
        const required = new AppError(LIVE_ERRORS.LIVE_UPGRADE_REQUIRED);
        return reply.code(required.http_status).header('upgrade', 'websocket').send(required.body());
      },
    );
  },
  close: async (ctx) => running.get(ctx)?.close(),
};
