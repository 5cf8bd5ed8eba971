import { useEffect, useRef, useState } from 'react';
import type { BonusProgress } from './api.ts';

/** Where the live-progress socket stands, for the page to say so. */
export type LiveState =
  { state: 'connecting' } | { state: 'live' } | { state: 'offline'; retry_s: number; message: string };

/** The first reconnect waits this long; each failure doubles it, up to the maximum. */
const RECONNECT_FIRST_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;

/** Characters of an HTTP token (RFC 9110): a subprotocol may hold nothing else. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The socket of SPEC §5 (`GET /v1/ws`): the key as the subprotocol `bearer.<key>` — browsers cannot set an
 * Authorization header on a WebSocket — or, for a key that is not a valid token, `?access_token=`.
 */
export function openLiveSocket(api_key: string): WebSocket {
  const base = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/v1/ws`;
  return TOKEN.test(api_key)
    ? new WebSocket(base, [`bearer.${api_key}`])
    : new WebSocket(`${base}?access_token=${encodeURIComponent(api_key)}`);
}

/**
 * Follows one player's bonuses live: every `bonus` message goes to `onProgress`; after every (re)connection
 * `onConnected` runs, so the page reloads what it may have missed while the socket was down. A closed
 * socket reconnects with a growing delay.
 */
export function useLiveBonuses(
  api_key: string,
  player_id: string,
  onProgress: (message: BonusProgress) => void,
  onConnected: () => void,
): LiveState {
  const [state, setState] = useState<LiveState>({ state: 'connecting' });
  // The latest callbacks, without reopening the socket when the page re-renders.
  const callbacks = useRef({ onProgress, onConnected });
  callbacks.current = { onProgress, onConnected };

  useEffect(() => {
    let socket: WebSocket | null = null;
    let timer: number | undefined;
    let delay_ms = RECONNECT_FIRST_MS;
    let stopped = false;

    const connect = () => {
      setState({ state: 'connecting' });
      const current = openLiveSocket(api_key);
      socket = current;
      current.onopen = () => current.send(JSON.stringify({ subscribe: player_id }));
      current.onmessage = (event) => {
        let message: { type?: unknown } & Record<string, unknown>;
        try {
          message = JSON.parse(String(event.data));
        } catch {
          return;
        }
        if (message.type === 'subscribed' && message.playerId === player_id) {
          delay_ms = RECONNECT_FIRST_MS;
          setState({ state: 'live' });
          callbacks.current.onConnected();
        } else if (message.type === 'bonus' && message.playerId === player_id) {
          callbacks.current.onProgress(message as unknown as BonusProgress);
        }
      };
      current.onclose = (event) => {
        if (stopped) return;
        const retry_s = Math.round(delay_ms / 1000);
        setState({
          state: 'offline',
          retry_s,
          message:
            event.code === 1006
              ? 'The live connection was refused or lost.'
              : `The live connection closed (${event.code}${event.reason ? `: ${event.reason}` : ''}).`,
        });
        timer = window.setTimeout(connect, delay_ms);
        delay_ms = Math.min(delay_ms * 2, RECONNECT_MAX_MS);
      };
    };
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      socket?.close(1000, 'page left');
    };
  }, [api_key, player_id]);

  return state;
}
