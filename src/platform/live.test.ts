import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIVE_PAYLOAD_MAX_BYTES, livePayloads, type LiveMessage } from './live.ts';

function message(i: number, padding = 0): LiveMessage {
  return { playerId: `player-${i}`, type: 'bonus', note: 'é'.repeat(padding) };
}

test('a batch whose messages fit is one payload: the JSON array of them all, in order', () => {
  const messages = Array.from({ length: 31 }, (_, i) => message(i));
  const payloads = livePayloads(messages);
  assert.equal(payloads.length, 1);
  assert.deepEqual(JSON.parse(payloads[0]), messages);
});

test('no messages, no payload', () => {
  assert.deepEqual(livePayloads([]), []);
});

test('messages past the NOTIFY limit are cut into several payloads, each under it in bytes (not characters)', () => {
  // 'é' is two bytes in UTF-8: counted in characters these would seem to fit in fewer payloads.
  const messages = Array.from({ length: 40 }, (_, i) => message(i, 300));
  const payloads = livePayloads(messages);
  assert.ok(payloads.length > 1);
  for (const payload of payloads) assert.ok(Buffer.byteLength(payload) <= LIVE_PAYLOAD_MAX_BYTES);
  assert.deepEqual(
    payloads.flatMap((p) => JSON.parse(p) as LiveMessage[]),
    messages,
  );
});

test('a single message over the limit is refused (a publisher bug: send ids, not rows)', () => {
  assert.throws(() => livePayloads([message(1, LIVE_PAYLOAD_MAX_BYTES)]), /exceeds/);
});
