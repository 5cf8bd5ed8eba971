import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignInThrottle } from '../../src/platform/sign-in-throttle.ts';

describe('SignInThrottle', () => {
  test('blocks an address after its limit of failures within the window, and only that address', () => {
    const throttle = new SignInThrottle(3, 1_000, 100);
    for (let i = 0; i < 3; i++) {
      assert.equal(throttle.blocked('a', 10), false);
      throttle.fail('a', 10);
    }
    assert.equal(throttle.blocked('a', 500), true);
    assert.equal(throttle.blocked('b', 500), false);
  });

  test('an address starts from zero once its window has passed', () => {
    const throttle = new SignInThrottle(2, 1_000, 100);
    throttle.fail('a', 0);
    throttle.fail('a', 1);
    assert.equal(throttle.blocked('a', 999), true);
    assert.equal(throttle.blocked('a', 1_000), false);
    throttle.fail('a', 1_001);
    assert.equal(throttle.blocked('a', 1_002), false);
  });

  test('tracks at most addresses_max addresses: expired windows are evicted first', () => {
    const throttle = new SignInThrottle(1, 1_000, 2);
    throttle.fail('old', 0);
    throttle.fail('b', 1_500);
    throttle.fail('c', 1_600);
    assert.equal(throttle.blocked('b', 1_700), true, 'b survived: only the expired window was evicted');
    assert.equal(throttle.blocked('c', 1_700), true);
  });
});
