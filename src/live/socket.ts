import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ErrorDefinition } from '../platform/error-table.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { LIVE_ERRORS } from './errors.ts';
import type { LiveAudience } from './audience.ts';
import type { LiveHub } from './hub.ts';
import { LIVE_CLIENT_MESSAGE_MAX_BYTES, LIVE_HEARTBEAT_INTERVAL_MS, LIVE_SOCKETS_MAX } from './limits.ts';

export const LIVE_PATH = '/v1/ws';
const BEARER_PROTOCOL_PREFIX = 'bearer.';

/** The operator key a client presents: the subprotocol `bearer.<key>`, or `?access_token=` (browsers cannot set headers). */
export function presentedKey(request: IncomingMessage): { key: string; protocol?: string } | undefined {
  const offered = String(request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  const protocol = offered.find((p) => p.startsWith(BEARER_PROTOCOL_PREFIX));
  if (protocol) return { key: protocol.slice(BEARER_PROTOCOL_PREFIX.length), protocol };
  const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('access_token');
  return token ? { key: token } : undefined;
}

/** An HTTP answer on a socket that is not upgraded: the registry shape, then the socket is closed. */
function refuseUpgrade(socket: Duplex, row: ErrorDefinition, message?: string): void {
  const body = JSON.stringify({ code: row.code, message: message ?? row.message });
  socket.end(
    `HTTP/1.1 ${row.http_status} ${row.http_status === 401 ? 'Unauthorized' : 'Refused'}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nx-content-type-options: nosniff\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Accepts WebSocket upgrades on /v1/ws for a client that presents a valid operator key — checked before
 * the upgrade, so a wrong key never gets a socket (401) — and speaks the subscribe protocol of SPEC §5.
 */
export function liveSockets(hub: LiveHub, audience: LiveAudience, authorize: (key: string) => Promise<boolean>) {
  const server = new WebSocketServer({
    noServer: true,
    maxPayload: LIVE_CLIENT_MESSAGE_MAX_BYTES,
    // The server selects the bearer subprotocol the client offered, as SPEC §5 says.
    handleProtocols: (protocols) => [...protocols].find((p) => p.startsWith(BEARER_PROTOCOL_PREFIX)) ?? false,
  });
  const alive = new WeakMap<WebSocket, boolean>();
  const heartbeat = setInterval(() => {
    for (const socket of server.clients) {
      if (alive.get(socket) === false) {
        socket.terminate();
        continue;
      }
      alive.set(socket, false);
      socket.ping();
    }
  }, LIVE_HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();

  const onConnection = (socket: WebSocket) => {
    hub.add(socket);
    alive.set(socket, true);
    socket.on('pong', () => alive.set(socket, true));
    socket.on('close', () => {
      hub.remove(socket);
      if (hub.sockets === 0) void audience.leave();
    });
    socket.on('error', () => socket.terminate());
    socket.on('message', (data) => handleMessage(hub, audience, socket, String(data)));
  };

  const upgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== LIVE_PATH)
      return refuseUpgrade(socket, PLATFORM_ERRORS.NOT_FOUND);
    const presented = presentedKey(request);
    if (!presented || !(await authorize(presented.key))) return refuseUpgrade(socket, PLATFORM_ERRORS.UNAUTHORIZED);
    if (hub.sockets >= LIVE_SOCKETS_MAX) return refuseUpgrade(socket, LIVE_ERRORS.LIVE_TOO_MANY_SOCKETS);
    server.handleUpgrade(request, socket, head, onConnection);
  };

  return {
    upgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void upgrade(request, socket, head),
    close: () => {
      clearInterval(heartbeat);
      for (const socket of server.clients) socket.close(1001, 'server shutting down');
      server.close();
    },
  };
}

function handleMessage(hub: LiveHub, audience: LiveAudience, socket: WebSocket, text: string): void {
  let player_id: unknown;
  try {
    player_id = (JSON.parse(text) as { subscribe?: unknown }).subscribe;
  } catch {
    player_id = undefined;
  }
  if (typeof player_id !== 'string' || player_id.length === 0 || player_id.length > 255)
    return sendError(socket, LIVE_ERRORS.LIVE_BAD_MESSAGE);
  if (!hub.subscribe(socket, player_id)) return sendError(socket, LIVE_ERRORS.LIVE_TOO_MANY_SUBSCRIPTIONS);
  // Acknowledged once this process is a registered listener: every batch committed after the answer is
  // published to it (publishers send only while some process is registered, live/audience.ts).
  const subscribed = player_id;
  audience.join().then(
    () => socket.send(JSON.stringify({ type: 'subscribed', playerId: subscribed })),
    () => sendError(socket, PLATFORM_ERRORS.NOT_READY),
  );
}

function sendError(socket: WebSocket, row: ErrorDefinition): void {
  socket.send(JSON.stringify({ type: 'error', code: row.code, message: row.message }));
}
