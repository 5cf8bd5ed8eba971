/**
 * The headless Chromium for the browser tests. It comes from the machine or from node_modules,
 * never from a test tool's own browser download:
 * - Debian's /usr/bin/chromium when it is installed;
 * - otherwise the Chromium that the @sparticuz/chromium devDependency ships inside itself
 *   (brotli-compressed, so `npm ci` is enough and no install script runs). It is unpacked once
 *   per package version into <os temp dir>/croupier-chromium/<version>/ (about 207 MB, about
 *   2 s), then reused.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Locator } from 'playwright-core';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * Only what a plain headless page needs. Of @sparticuz/chromium's recommended args none is needed
 * here, and several would change what the test sees (--disable-web-security and
 * --allow-running-insecure-content turn off the policies that the page is checked against;
 * --single-process is there for serverless sandboxes).
 */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/**
 * Launches headless Chromium through playwright-core. playwright-core gives every launch a fresh
 * user-data-dir in the OS temp dir and deletes it on close().
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = fs.existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : await packagedChromium();
  return chromium.launch({ executablePath, args: ARGS });
}

/** The path of the unpacked @sparticuz/chromium binary, unpacking it first when needed. */
async function packagedChromium(): Promise<string> {
  let entry: string;
  try {
    entry = import.meta.resolve('@sparticuz/chromium');
  } catch {
    throw new Error(
      `No Chromium for the browser tests: ${DEBIAN_CHROMIUM} does not exist and the npm package @sparticuz/chromium is not installed. ` +
        "Run `npm ci` (it is a devDependency), or install Debian's chromium.",
    );
  }
  const package_json = path.join(path.dirname(fileURLToPath(entry)), '..', 'package.json');
  const version = (JSON.parse(fs.readFileSync(package_json, 'utf8')) as { version: string }).version;
  const cache = path.join(os.tmpdir(), 'croupier-chromium');
  const dir = path.join(cache, version);
  const binary = path.join(dir, 'chromium');
  if (fs.existsSync(binary)) return binary;

  // executablePath() unpacks into os.tmpdir() and afterwards trusts any <tmpdir>/chromium it finds,
  // whatever its version. So it runs in a child whose TMPDIR is a private staging directory, which
  // is then renamed into place: concurrent test runs never see a half-written binary, and a new
  // package version gets a directory of its own.
  fs.mkdirSync(cache, { recursive: true });
  const staging = fs.mkdtempSync(path.join(cache, `${version}.unpacking-`));
  try {
    const script = 'const m = await import(process.argv[1]); await m.default.executablePath();';
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, entry], {
      env: { ...process.env, TMPDIR: staging },
    });
    if (!fs.existsSync(path.join(staging, 'chromium')))
      throw new Error(`@sparticuz/chromium ${version} unpacked no chromium binary into ${staging}`);
    try {
      fs.renameSync(staging, dir);
    } catch (error) {
      // Another run put the same version in place first: use that one.
      if (!fs.existsSync(binary)) throw error;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}

/** How long a browser test waits for the page to show something (playwright-core has no expect()). */
export const BROWSER_WAIT_MS = 15_000;

/** Polls a locator's text until it matches; fails with the last text seen. */
export async function waitForText(locator: Locator, pattern: RegExp, wait_ms = BROWSER_WAIT_MS): Promise<string> {
  const deadline = Date.now() + wait_ms;
  let text = '';
  while (Date.now() < deadline) {
    text =
      (await locator
        .first()
        .textContent()
        .catch(() => null)) ?? '';
    if (pattern.test(text)) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`expected ${pattern} in "${text}"`);
}

/** Polls a locator's count until it is `expected`. */
export async function waitForCount(locator: Locator, expected: number, wait_ms = BROWSER_WAIT_MS): Promise<void> {
  const deadline = Date.now() + wait_ms;
  let count = -1;
  while (Date.now() < deadline) {
    count = await locator.count();
    if (count === expected) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`expected ${expected} elements, found ${count}`);
}
