import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roundKey, type Round } from './round.ts';

const base: Pick<Round, 'surface' | 'player' | 'currency' | 'round_id' | 'request_key'> = {
  surface: 'aggregator',
  player: 'alice',
  currency: 'USD',
  round_id: 'r1',
};

test('a round key tells apart every surface, player, currency, round id and request key, whatever they hold', () => {
  const rounds = [
    base,
    { ...base, surface: 'casino' as const },
    { ...base, currency: 'EUR' },
    { ...base, round_id: 'r2' },
    // the same text as a round id and as a request key
    { ...base, round_id: null, request_key: 'r1' },
    // separators inside a player or an id cannot make two rounds meet
    { ...base, player: 'alice\u00011:x', round_id: 'r1' },
    { ...base, player: 'alice', round_id: '\u00011:x\u0001USD\u0001rr1' },
    { ...base, player: 'al', round_id: 'ice' },
    { ...base, player: 'a\u0001USD\u0001r', round_id: 'r1' },
  ];
  const keys = rounds.map((r) => roundKey(r));
  assert.equal(new Set(keys).size, rounds.length, keys.join('\n'));
  assert.equal(roundKey({ ...base }), roundKey(base), 'the same round, the same key');
  assert.equal(roundKey({ ...base, round_id: null }), null, 'no round id and no request key: no round');
  assert.ok(
    keys.every((k) => !k!.includes('\u0000')),
    'storable as text',
  );
});
