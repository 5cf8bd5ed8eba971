import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exact, parseExactJson } from './exact-json.ts';

test('integers beyond 2^53 − 1 arrive as their exact digits; safe numbers, fractions and strings as they were', () => {
  const text =
    '{"bets":27021597764222973,"wins":-27021597764222973,"ggr":9,"rtp":1.0001,"max":9007199254740991,' +
    '"next":9007199254740992,"e":1e21,"s":"12345678901234567890","q":"a \\" 99999999999999999 b","list":[123456789012345678901,0,-1]}';
  const parsed = parseExactJson(text) as Record<string, unknown>;
  assert.deepEqual(parsed, {
    bets: '27021597764222973',
    wins: '-27021597764222973',
    ggr: 9,
    rtp: 1.0001,
    max: 9007199254740991,
    next: '9007199254740992',
    e: 1e21,
    s: '12345678901234567890',
    q: 'a " 99999999999999999 b',
    list: ['123456789012345678901', 0, -1],
  });
  assert.equal(exact(parsed.bets as string), 27021597764222973n);
  assert.equal(exact(9), 9n);
});

test('the same answer as JSON.parse for ordinary JSON', () => {
  const text = '{"data":[{"day":"2026-11-30","bet_count":3,"rtp":null,"x":true}],"pagination":{"page":1}}';
  assert.deepEqual(parseExactJson(text), JSON.parse(text));
  assert.throws(() => parseExactJson('{"a":}'), SyntaxError);
});
