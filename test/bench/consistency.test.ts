import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConsistency, PlayerBook } from '../../bench/consistency.ts';

describe('consistency check', () => {
  test('accepts balances equal to funded − acknowledged bets + acknowledged wins', () => {
    const book = new PlayerBook(['a', 'b'], 1_000n);
    book.acknowledge(0, 150 - 100); // bet 100, win 150
    book.acknowledge(0, 0 - 30); // bet 30, win 0
    book.acknowledge(1, 20 - 20);
    const result = checkConsistency(book, [1_020n, 1_000n]);
    assert.equal(result.status, 'CONSISTENT');
    assert.deepEqual(result.mismatches, []);
    assert.equal(result.players_checked, 2);
  });

  test('detects a wrong balance and names the player, the expected and the actual amount', () => {
    const book = new PlayerBook(['a', 'b', 'c'], 500n);
    book.acknowledge(1, -7);
    const result = checkConsistency(book, [500n, 500n, 500n]);
    assert.equal(result.status, 'INCONSISTENT');
    assert.deepEqual(result.mismatches, [{ player: 'b', expected_minor: 493n, actual_minor: 500n }]);
  });

  test('treats an unreadable balance as a mismatch', () => {
    const book = new PlayerBook(['a'], 10n);
    const result = checkConsistency(book, [null]);
    assert.equal(result.status, 'INCONSISTENT');
    assert.equal(result.mismatches[0].actual_minor, null);
  });

  test('reports UNRESOLVED, not CONSISTENT, when a request never got a definite answer', () => {
    const book = new PlayerBook(['a', 'b'], 10n);
    book.markUnresolved(0);
    const result = checkConsistency(book, [3n, 10n]);
    assert.equal(result.status, 'UNRESOLVED');
    assert.deepEqual(result.unresolved_players, ['a']);
  });

  test('a mismatch outranks an unresolved player', () => {
    const book = new PlayerBook(['a', 'b'], 10n);
    book.markUnresolved(0);
    assert.equal(checkConsistency(book, [10n, 11n]).status, 'INCONSISTENT');
  });

  test('refuses a balance list of the wrong length', () => {
    assert.throws(() => checkConsistency(new PlayerBook(['a'], 0n), []));
  });
});
