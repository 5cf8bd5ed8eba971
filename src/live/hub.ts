import type { WebSocket } from 'ws';
import { assert } from '../platform/assert.ts';
import type { LiveMessage } from '../platform/live.ts';
import { LIVE_SEND_BUFFER_MAX_BYTES, LIVE_SUBSCRIPTIONS_PER_SOCKET_MAX } from './limits.ts';

/** Close codes (RFC 6455): 1013 "try again later" for a reader too slow to keep up. */
const CLOSE_TOO_SLOW = 1013;

/**
 * Who in this process follows which player, and the fan-out of live messages to them. A message is
 * sent once to each socket subscribed to its player; a socket whose send buffer passes its bound is
 * closed instead of growing without limit.
 */
export class LiveHub {
  private readonly by_player = new Map<string, Set<WebSocket>>();
  private readonly by_socket = new Map<WebSocket, Set<string>>();

  get sockets(): number {
    return this.by_socket.size;
  }

  add(socket: WebSocket): void {
    this.by_socket.set(socket, new Set());
  }

  /** false when the socket already follows as many players as it may. */
  subscribe(socket: WebSocket, player_id: string): boolean {
    const players = this.by_socket.get(socket);
    assert(players, 'subscribe on a socket the hub does not know');
    if (!players.has(player_id) && players.size >= LIVE_SUBSCRIPTIONS_PER_SOCKET_MAX) return false;
    players.add(player_id);
    const sockets = this.by_player.get(player_id) ?? new Set();
    sockets.add(socket);
    this.by_player.set(player_id, sockets);
    return true;
  }

  remove(socket: WebSocket): void {
    for (const player_id of this.by_socket.get(socket) ?? []) {
      const sockets = this.by_player.get(player_id);
      sockets?.delete(socket);
      if (sockets?.size === 0) this.by_player.delete(player_id);
    }
    this.by_socket.delete(socket);
  }

  /** Sends each message to its player's subscribers; returns how many sends were made. */
  deliver(messages: readonly LiveMessage[]): number {
    let sent = 0;
    for (const message of messages) {
      const sockets = this.by_player.get(message.playerId);
      if (!sockets) continue;
      const text = JSON.stringify(message);
      for (const socket of sockets) {
        if (socket.bufferedAmount + text.length > LIVE_SEND_BUFFER_MAX_BYTES) {
          socket.close(CLOSE_TOO_SLOW, 'reader too slow');
          continue;
        }
        socket.send(text);
        sent++;
      }
    }
    return sent;
  }

  /** Parses a NOTIFY payload (a JSON array of messages); anything else is ignored, never thrown. */
  static parse(payload: string): LiveMessage[] {
    try {
      const value: unknown = JSON.parse(payload);
      if (!Array.isArray(value)) return [];
      return value.filter(
        (m): m is LiveMessage => typeof m === 'object' && m !== null && typeof (m as LiveMessage).playerId === 'string',
      );
    } catch {
      return [];
    }
  }
}
