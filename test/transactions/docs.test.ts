import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { TRANSACTIONS_ERRORS } from '../../src/transactions/errors.ts';
import { TRANSACTIONS_CONFIG_VARIABLES } from '../../src/transactions/config.ts';

const docs = fs.readFileSync(new URL('../../docs/transactions.md', import.meta.url), 'utf8');

test('docs/transactions.md lists every error code of the module with its HTTP status', () => {
  for (const [key, row] of Object.entries(TRANSACTIONS_ERRORS)) {
    assert.ok(
      docs.includes(`| \`${row.code}\` | ${row.http_status} |`),
      `${key} (${row.code} ${row.http_status}) is documented`,
    );
  }
});

test('docs/transactions.md lists every configuration variable with its default', () => {
  for (const v of TRANSACTIONS_CONFIG_VARIABLES) {
    assert.ok(docs.includes(`| \`${v.name}\` |`), `${v.name} is documented`);
  }
});
