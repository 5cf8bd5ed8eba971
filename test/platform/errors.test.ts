import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { AppError, ERRORS, ERROR_TABLES } from '../../src/platform/errors.ts';
import { ERROR_DOCS_PATH, renderErrorDocs } from '../../src/platform/error-docs.ts';

test('docs/errors.md lists every registry row (regenerate with npm run docs:errors)', () => {
  assert.equal(fs.readFileSync(ERROR_DOCS_PATH, 'utf8'), renderErrorDocs());
});

test('every row has a client or server error status and a message', () => {
  for (const [key, d] of Object.entries(ERRORS)) {
    assert.ok(d.http_status >= 400 && d.http_status < 600, key);
    assert.ok(d.message.length > 5, `${key} has a message`);
  }
});

test('keys are unique across surfaces and an unknown key is a programming error', () => {
  const keys = Object.values(ERROR_TABLES).flatMap((t) => Object.keys(t));
  assert.equal(new Set(keys).size, keys.length);
  assert.throws(() => new AppError('NO_SUCH_KEY'), /unknown error key/);
  assert.deepEqual(new AppError('UNAUTHORIZED').body(), { code: 'UNAUTHORIZED', message: ERRORS.UNAUTHORIZED.message });
});
