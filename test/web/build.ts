import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { WEB_DIST_DIR } from '../../src/web/serve.ts';

const WEB_DIR = path.dirname(WEB_DIST_DIR);

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (full === WEB_DIST_DIR) continue;
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMs(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the back office with vite's JS API when dist is missing or older than any source file. */
export async function ensureWebBuilt(): Promise<void> {
  const index = path.join(WEB_DIST_DIR, 'index.html');
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= newestSourceMs(WEB_DIR)) return;
  await build({ configFile: path.join(WEB_DIR, 'vite.config.ts'), logLevel: 'silent' });
}
