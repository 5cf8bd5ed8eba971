import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { centsFromDecimal, decimalFromCents } from '../../src/upstream/decimal.ts';

describe('amounts on the wire are exact decimal text written from integer cents', () => {
  test('cents are written with the fewest digits the value needs: 1.2, 12, 30, 12.05, 0.05', () => {
    assert.equal(decimalFromCents(120n), '1.2');
    assert.equal(decimalFromCents(1200n), '12');
    assert.equal(decimalFromCents(3000n), '30');
    assert.equal(decimalFromCents(1205n), '12.05');
    assert.equal(decimalFromCents(5n), '0.05');
    assert.equal(decimalFromCents(0n), '0');
    assert.equal(decimalFromCents(-4080n), '-40.8');
  });

  test('amounts beyond 2^53 cents are written digit for digit, never through a float', () => {
    assert.equal(decimalFromCents(900719925474099199n), '9007199254740991.99');
    assert.equal(decimalFromCents(123456789012345678901234567890n), '1234567890123456789012345678.9');
    // The float route this replaces: 0.1 + 0.2 style noise never appears.
    assert.equal(decimalFromCents(10n + 20n), '0.3');
  });

  test('reading the text back gives the same cents for any amount, and refuses a third fractional digit', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }), (cents) => {
        const text = decimalFromCents(cents);
        assert.match(text, /^-?(0|[1-9]\d*)(\.\d?[1-9])?$/);
        assert.equal(centsFromDecimal(text), cents);
      }),
    );
    assert.equal(centsFromDecimal('1.005'), undefined);
    assert.equal(centsFromDecimal('1e2'), undefined);
    assert.equal(centsFromDecimal('01.2'), undefined);
  });
});
