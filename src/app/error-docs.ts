import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_TABLES } from './errors.ts';

export const ERROR_DOCS_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/errors.md');

/** docs/errors.md, rendered from the registry so the two cannot drift (a test compares them). */
export function renderErrorDocs(): string {
  const lines = [
    '# Error codes',
    '',
    'Every error response is `{ "code": <code>, "message": "<sentence>" }` with the HTTP status below.',
    'The message shown is the default; where a field is at fault the message names it.',
    'Generated from the registry (`src/app/errors.ts`) by `npm run docs:errors`; a test keeps it in step.',
  ];
  for (const [surface, table] of Object.entries(ERROR_TABLES)) {
    const rows = Object.entries(table);
    if (rows.length === 0) continue;
    lines.push('', `## ${surface}`, '', '| key | code | HTTP | default message |', '|---|---|---|---|');
    for (const [key, d] of rows)
      lines.push(`| ${key} | \`${JSON.stringify(d.code)}\` | ${d.http_status} | ${d.message.replace(/\|/g, '\\|')} |`);
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  fs.writeFileSync(ERROR_DOCS_PATH, renderErrorDocs());
  process.stdout.write(`wrote ${ERROR_DOCS_PATH}\n`);
}
