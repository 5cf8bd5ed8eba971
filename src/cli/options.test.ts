import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberOption, UsageError } from './options.ts';

test('numberOption takes the fallback, a value in range, and refuses anything else naming the option', () => {
  assert.equal(numberOption({}, 'players', 10, 1, 100), 10);
  assert.equal(numberOption({ players: '42' }, 'players', 10, 1, 100), 42);
  assert.equal(numberOption({ rate: '0.25' }, 'rate', 0, 0, 0.5, false), 0.25);
  for (const bad of ['0', '101', '1.5', 'abc', '', ' ']) {
    assert.throws(
      () => numberOption({ players: bad }, 'players', 10, 1, 100),
      (e: Error) => e instanceof UsageError && /--players must be an integer between 1 and 100/.test(e.message),
      bad,
    );
  }
  assert.throws(
    () => numberOption({ rate: '0.9' }, 'rate', 0, 0, 0.5, false),
    /--rate must be a number between 0 and 0.5/,
  );
});
