import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { hmacSha256Hex, signatureMatches } from '../../src/platform/hmac.ts';
import { HMAC_KEYS_CACHED_MAX } from '../../src/platform/limits.ts';

const VECTOR_BODY = '{"user_id":"8|USDT|USD","currency":"USD","game":"acceptance:test"}';
const VECTOR_HEX = '442c4cd8926008096225416b21f5a1862fbf4fc4e5224362e3b463e85a39f40a';

test('the SPEC §2 vector signs and verifies', () => {
  assert.equal(hmacSha256Hex('test', VECTOR_BODY), VECTOR_HEX);
  assert.ok(signatureMatches('test', Buffer.from(VECTOR_BODY), VECTOR_HEX));
  assert.ok(!signatureMatches('test', Buffer.from(`${VECTOR_BODY} `), VECTOR_HEX));
});

test('cached keys never mix secrets, also past the cache bound', () => {
  // More secrets than the cache holds, twice over: every signature must still be the secret's own.
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < HMAC_KEYS_CACHED_MAX * 2 + 8; i++) {
      const secret = `secret-${i}-✓`;
      const expected = createHmac('sha256', secret).update(VECTOR_BODY).digest('hex');
      assert.equal(hmacSha256Hex(secret, VECTOR_BODY), expected, secret);
      assert.ok(signatureMatches(secret, Buffer.from(VECTOR_BODY), expected));
      assert.ok(!signatureMatches(`${secret}x`, Buffer.from(VECTOR_BODY), expected));
    }
  }
});
