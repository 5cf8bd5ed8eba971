import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEAMLESS_ERRORS } from '../../src/seamless/errors.ts';
import { PROVIDER_ERRORS } from '../../src/provider/errors.ts';
import { simulateCommand } from '../../src/cli/commands/simulate.ts';

const DOC = fs.readFileSync(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/seamless.md'),
  'utf8',
);

test('docs/seamless.md lists every seamless and provider error with its wire code and status', () => {
  for (const [key, d] of Object.entries({ ...SEAMLESS_ERRORS, ...PROVIDER_ERRORS })) {
    const row = DOC.split('\n').find((line) => line.includes(`| ${key} |`));
    assert.ok(row, `${key} is documented`);
    assert.ok(
      row.includes(`\`${d.code}\``) && row.includes(`| ${d.http_status} |`),
      `${key} row shows ${d.code} ${d.http_status}`,
    );
  }
});

test('docs/seamless.md documents every endpoint and every simulate option', () => {
  for (const endpoint of [
    '/casino/getBalance',
    '/casino/debit',
    '/casino/credit',
    '/casino/rollback',
    '/casino/launchGame',
    '/casino/simulateRound',
    '/provider/launch',
    '/provider/simulate',
    '/provider/play',
  ]) {
    assert.ok(DOC.includes(endpoint), endpoint);
  }
  for (const option of Object.keys(simulateCommand.options)) assert.ok(DOC.includes(`\`--${option}\``), `--${option}`);
});
