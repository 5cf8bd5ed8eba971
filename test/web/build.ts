import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { WEB_DIST_DIR } from '../../src/web/serve.ts';

const WEB_DIR = path.dirname(WEB_DIST_DIR);
/** Held while one test process builds: browser test files run in parallel and share src/web/dist. */
const LOCK_DIR = `${WEB_DIST_DIR}.building`;
/** A lock older than this was left by a process that died mid-build. */
const LOCK_STALE_MS = 180_000;
const LOCK_POLL_MS = 200;

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (full === WEB_DIST_DIR || full === LOCK_DIR) continue;
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMs(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function upToDate(): boolean {
  const index = path.join(WEB_DIST_DIR, 'index.html');
  return fs.existsSync(index) && fs.statSync(index).mtimeMs >= newestSourceMs(WEB_DIR);
}

/**
 * Builds the back office with vite's JS API when dist is missing or older than any source file. One
 * process builds at a time (a lock directory); the others wait for it and then find dist up to date.
 */
export async function ensureWebBuilt(): Promise<void> {
  for (;;) {
    if (upToDate()) return;
    try {
      fs.mkdirSync(LOCK_DIR);
    } catch {
      const age = Date.now() - (fs.statSync(LOCK_DIR, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS) fs.rmSync(LOCK_DIR, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
      continue;
    }
    try {
      if (!upToDate()) await build({ configFile: path.join(WEB_DIR, 'vite.config.ts'), logLevel: 'silent' });
      return;
    } finally {
      fs.rmSync(LOCK_DIR, { recursive: true, force: true });
    }
  }
}
