import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uuidv7 } from './uuid.ts';

test('uuidv7 has the version 7 and RFC variant bits, and is unique across many block refills', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 20_000; i++) {
    const id = uuidv7();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, id);
    seen.add(id);
  }
  assert.equal(seen.size, 20_000, 'no duplicate ids');
});

test('uuidv7 orders by time: the first 48 bits are the millisecond timestamp', () => {
  const early = uuidv7(1_700_000_000_000);
  const late = uuidv7(1_700_000_000_001);
  assert.ok(early < late, 'later time sorts later');
  assert.equal(early.replace(/-/g, '').slice(0, 12), (1_700_000_000_000).toString(16).padStart(12, '0'));
});
