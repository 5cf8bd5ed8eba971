import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findPoisonedField, isPoisoned } from './text-safety.ts';

test('NUL and unpaired surrogates are poison; paired surrogates, U+FFFD and other control characters are not', () => {
  for (const bad of ['\u0000', 'a\u0000', '\ud800', 'x\ud800y', '\udc00', '\udc00\ud800', '\ud83d'])
    assert.ok(isPoisoned(bad), JSON.stringify(bad));
  for (const good of ['', 'plain', '💰', '\ud83d\udcb0', '\ufffd', '\u0001', '\u202e'])
    assert.ok(!isPoisoned(good), JSON.stringify(good));
});

test('the first poisoned field in document order is named, keys included', () => {
  assert.equal(
    findPoisonedField({ a: 'ok', actions: [{ action_id: 'ok' }, { action_id: '\ud800' }], z: '\u0000' }),
    'actions[1].action_id must not contain NUL or unpaired surrogates',
  );
  assert.equal(
    findPoisonedField({ metadata: { 'k\u0000': 1 } }),
    'a field name in metadata must not contain NUL or unpaired surrogates',
  );
  assert.equal(
    findPoisonedField({ sessionToken: '\u0000' }, 'query'),
    'query.sessionToken must not contain NUL or unpaired surrogates',
  );
  assert.equal(findPoisonedField('\u0000'), 'body must not contain NUL or unpaired surrogates');
  assert.equal(findPoisonedField({ n: 1, b: true, z: null, s: 'fine', list: [1, 'two'] }), undefined);
});

test('a body nested 500,000 deep is walked without recursion, in linear time', () => {
  let deep: unknown = '\u0000';
  for (let i = 0; i < 500_000; i++) deep = [deep];
  assert.match(findPoisonedField(deep)!, /must not contain NUL/);
});
