import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPERATOR_ERRORS } from '../../src/operators/errors.ts';

const DOCS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/operators.md');

test('docs/operators.md lists every operators error code with its HTTP status', () => {
  const docs = fs.readFileSync(DOCS, 'utf8');
  for (const [key, row] of Object.entries(OPERATOR_ERRORS)) {
    assert.ok(
      docs.includes(`| \`${row.code}\` | ${row.http_status} |`),
      `${key} (${row.code} ${row.http_status}) is documented`,
    );
  }
});
