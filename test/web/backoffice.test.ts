import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { balanceOf } from '../wallet/helpers.ts';
import { ensureWebBuilt } from './build.ts';

/** The back office in a real headless Chromium (see launchBrowser: Debian's, or the one an npm package ships). */
const WAIT_MS = 15_000;

let server: TestServer;
let browser: Browser;
let page: Page;
const page_errors: string[] = [];

before(async () => {
  await ensureWebBuilt();
  server = await startTestServer();
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => page_errors.push(error.message));
  page.on('console', (message) => {
    // A failed API call logs a resource error; anything else (a CSP violation, a React error) is a bug.
    if (message.type() === 'error' && !/the server responded with a status of 4\d\d/.test(message.text())) page_errors.push(message.text());
  });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Polls a locator's text until it matches (playwright-core has no expect()). */
async function waitForText(locator: Locator, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + WAIT_MS;
  let text = '';
  while (Date.now() < deadline) {
    text = (await locator.textContent().catch(() => null)) ?? '';
    if (pattern.test(text)) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`expected ${pattern} in "${text}"`);
}

const balanceRow = (asset: string) => page.getByRole('table', { name: 'Balances of user_001' }).getByRole('row', { name: new RegExp(`^${asset}\\b`) });

describe('back office page', () => {
  test('a wrong API key is refused with the API\'s message and not kept', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('API key').fill('not-the-key');
    await page.getByRole('button', { name: 'Save key' }).click();
    await waitForText(page.getByRole('alert'), /Missing or wrong API key/);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('croupier.apiKey')), null);
  });

  test('enter the key once, pick user_001, see balances per asset and history', async () => {
    await page.getByLabel('API key').fill('dev-admin-key');
    await page.getByRole('button', { name: 'Save key' }).click();
    await page.getByRole('list', { name: 'Known players' }).getByRole('button', { name: 'user_001', exact: true }).click();
    await waitForText(balanceRow('GOLD_COINS'), /1000/);
    await waitForText(balanceRow('USD'), /100\.00/);
    await waitForText(balanceRow('DIAMONDS'), /50/);
    await waitForText(page.getByRole('table', { name: 'Recent transactions' }), /seed_funding/);
    await page.reload();
    await page.getByRole('list', { name: 'Known players' }).getByRole('button', { name: 'user_001', exact: true }).click();
    await waitForText(balanceRow('GOLD_COINS'), /1000/);
  });

  test('a top-up shows the new balance and a new history row, and really moved the money', async () => {
    await page.getByLabel('Operation').selectOption('topup');
    await page.getByLabel('Asset').selectOption('GOLD_COINS');
    await page.getByLabel('Amount (minor units)').fill('250');
    await page.getByLabel('Description (optional)').fill('browser top-up');
    await page.getByRole('button', { name: 'Submit' }).click();
    await waitForText(page.getByRole('status'), /New balance: 1250 GOLD_COINS/);
    await waitForText(balanceRow('GOLD_COINS'), /1250/);
    const newest = page.getByRole('table', { name: 'Recent transactions' }).getByRole('row').nth(1);
    const row = await waitForText(newest, /browser top-up/);
    assert.match(row, /topup/);
    assert.match(row, /\+250/);
    assert.match(row, /1250/);
    assert.match(row, /treasury/);
    assert.equal(await balanceOf(server.url, 'user_001', 'GOLD_COINS'), 1250);
  });

  test('spending more than the balance shows the API\'s message and leaves the balance unchanged', async () => {
    await page.getByLabel('Operation').selectOption('spend');
    await page.getByLabel('Asset').selectOption('GOLD_COINS');
    await page.getByLabel('Amount (minor units)').fill('5000');
    await page.getByRole('button', { name: 'Submit' }).click();
    await waitForText(page.getByRole('alert'), /Insufficient funds: user_001 holds 1250 GOLD_COINS, 5000 requested/);
    await waitForText(balanceRow('GOLD_COINS'), /1250/);
    assert.equal(await balanceOf(server.url, 'user_001', 'GOLD_COINS'), 1250);
  });

  test('the page ran without script errors or policy violations', () => {
    assert.deepEqual(page_errors, []);
  });
});
