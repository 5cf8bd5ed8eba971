import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactJson } from './ingestion-api.ts';

test('exactJson reads every integer as a bigint from its digits, also beyond 2^53 − 1', () => {
  const text =
    '{"userId":"074092","balance":-4080,"earned":90071992547409930,"paidOut":0,"updatedAt":"2026-01-01T00:00:00.000Z"}';
  assert.deepEqual(exactJson(text), {
    userId: '074092',
    balance: -4080n,
    earned: 90071992547409930n, // JSON.parse would give 90071992547409920
    paidOut: 0n,
    updatedAt: '2026-01-01T00:00:00.000Z',
  });
});

test('exactJson leaves digits inside strings, escapes, nulls and fractions alone', () => {
  assert.deepEqual(exactJson('{"a":"12 \\"34\\" 5","b":[1,-2,null,true],"c":1.5,"d":2e3,"e":{"f":"-7"}}'), {
    a: '12 "34" 5',
    b: [1n, -2n, null, true],
    c: 1.5,
    d: 2000,
    e: { f: '-7' },
  });
  assert.throws(() => exactJson('{"a":}'), SyntaxError);
});
