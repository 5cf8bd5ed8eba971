import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMinor, parseMajor } from './money.ts';

const minor = (text: string, scale: number) => {
  const parsed = parseMajor(text, scale);
  return parsed.ok ? parsed.minor : parsed.reason;
};

test('typing 1.50 USD (scale 2) means exactly 150 minor units, without floating point', () => {
  assert.equal(minor('1.50', 2), 150n);
  assert.equal(minor('1.5', 2), 150n);
  assert.equal(minor('0.01', 2), 1n);
  assert.equal(minor('.5', 2), 50n);
  assert.equal(minor('1,234.50', 2), 123450n);
  assert.equal(minor('0.29', 2), 29n); // 0.29 * 100 is 28.999999999999996 in floating point
  assert.equal(minor('12', 0), 12n);
  assert.equal(minor('1.00', 0), 1n);
  assert.equal(minor('9007199254740991', 0), 9007199254740991n);
});

test('refuses what it cannot read exactly: too many decimals, a decimal comma, zero, letters, beyond 2^53 − 1', () => {
  for (const [text, scale] of [
    ['1.234', 2],
    ['1,50', 2],
    ['0', 2],
    ['', 2],
    ['1e5', 2],
    ['-1', 2],
    ['1.5', 0],
    ['9007199254740992', 0],
  ] as const) {
    assert.equal(typeof minor(text, scale), 'string', `${text} @${scale}`);
  }
});

test("formats minor units with the asset's scale and grouped thousands", () => {
  assert.equal(formatMinor(123450, 2), '1,234.50');
  assert.equal(formatMinor(5, 2), '0.05');
  assert.equal(formatMinor(-5, 2), '−0.05');
  assert.equal(formatMinor(1000, 0), '1,000');
  assert.equal(formatMinor(1000, 0, false), '1000');
  assert.equal(formatMinor(9007199254740991n, 8), '90,071,992.54740991');
});
