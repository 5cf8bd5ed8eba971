import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ERRORS, ERROR_TABLES, mapError } from '../../src/app/errors.ts';
import { ERROR_DOCS_PATH, renderErrorDocs } from '../../src/app/error-docs.ts';
import { LedgerUnavailableError } from '../../src/ledger/errors.ts';
import { AppError } from '../../src/platform/errors.ts';
import { PLATFORM_ERRORS } from '../../src/platform/platform-errors.ts';

test('docs/errors.md lists every registry row (regenerate with npm run docs:errors)', () => {
  assert.equal(fs.readFileSync(ERROR_DOCS_PATH, 'utf8'), renderErrorDocs());
});

test('every row has a client or server error status, a message, and its own key', () => {
  for (const [key, d] of Object.entries(ERRORS)) {
    assert.ok(d.http_status >= 400 && d.http_status < 600, key);
    assert.ok(d.message.length > 5, `${key} has a message`);
    assert.equal(d.key, key);
  }
});

test('keys are unique across surfaces and an error is built from its registry row', () => {
  const keys = Object.values(ERROR_TABLES).flatMap((t) => Object.keys(t));
  assert.equal(new Set(keys).size, keys.length);
  assert.deepEqual(new AppError(PLATFORM_ERRORS.UNAUTHORIZED).body(), {
    code: 'UNAUTHORIZED',
    message: PLATFORM_ERRORS.UNAUTHORIZED.message,
  });
});

test("the ledger's unavailability is answered 503 with a registry code", () => {
  assert.equal(mapError(new LedgerUnavailableError('overloaded', 'full'))!.body().code, 'OVERLOADED');
  assert.equal(mapError(new LedgerUnavailableError('closing', 'bye'))!.http_status, 503);
  assert.equal(mapError(new Error('other')), undefined);
});
