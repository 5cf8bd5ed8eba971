/**
 * Live updates across processes (SPEC §5 live progress): a batch participant publishes small messages
 * after its batch is durable, with PostgreSQL NOTIFY on one channel; every process LISTENs and pushes
 * each message to the WebSocket subscribers of its player (src/live/). A message names its player.
 */
export const LIVE_CHANNEL = 'croupier_live';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; payloads stay below with a margin. */
export const LIVE_PAYLOAD_MAX_BYTES = 7_900;

/**
 * Whether some process has live subscribers (table live_listeners, registered by src/live before it
 * acknowledges a subscription). Read inside a batch, it covers every bet sent after an acknowledgement.
 */
export const LIVE_LISTENERS_EXIST = 'exists (select 1 from live_listeners where expires_at > now())';

/** LIVE_LISTENERS_EXIST as a statement of its own: one row, `listened`. */
export const LIVE_LISTENED_SQL = `select ${LIVE_LISTENERS_EXIST} as listened`;

export interface LiveMessage {
  playerId: string;
  type: string;
  [field: string]: unknown;
}

/**
 * The messages as NOTIFY payloads: JSON arrays, as few as fit under LIVE_PAYLOAD_MAX_BYTES (one per batch
 * in the common case). A single message larger than that is a bug of its publisher (send ids, not rows).
 */
export function livePayloads(messages: readonly LiveMessage[]): string[] {
  // A batch's messages usually fit in one payload: one native JSON.stringify of the array, measured
  // once, instead of one call and one measure per message.
  const whole = JSON.stringify(messages);
  if (Buffer.byteLength(whole) <= LIVE_PAYLOAD_MAX_BYTES) return messages.length === 0 ? [] : [whole];
  const payloads: string[] = [];
  let current: string[] = [];
  let bytes = 2;
  for (const message of messages) {
    const text = JSON.stringify(message);
    const size = Buffer.byteLength(text) + 1;
    if (size + 2 > LIVE_PAYLOAD_MAX_BYTES)
      throw new Error(`a live message of ${size} bytes exceeds ${LIVE_PAYLOAD_MAX_BYTES}`);
    if (bytes + size > LIVE_PAYLOAD_MAX_BYTES) {
      payloads.push(`[${current.join(',')}]`);
      current = [];
      bytes = 2;
    }
    current.push(text);
    bytes += size;
  }
  if (current.length > 0) payloads.push(`[${current.join(',')}]`);
  return payloads;
}
