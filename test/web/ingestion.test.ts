import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, waitForText as waitForTextWithin } from '../support/browser.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { formatMinor } from '../../src/web/app/money.ts';
import { ensureWebBuilt } from './build.ts';

/**
 * The ingestion page in a real headless Chromium, against a server that runs the worker and the
 * built-in mock upstream with time accelerated (a budget of 5 requests per 6 s; a 20-minute backlog
 * of 120 transactions a minute over 12 users, and more arriving while the test runs).
 */
const WAIT_MS = 20_000;
const waitForText = (locator: Locator, pattern: RegExp) => waitForTextWithin(locator, pattern, WAIT_MS);
const SCREENSHOTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const AUTH = { authorization: 'Bearer dev-admin-key' };

let server: TestServer;
let browser: Browser;
let page: Page;
const page_errors: string[] = [];

before(async () => {
  await ensureWebBuilt();
  // The worker's puller and the built-in mock read their TRANSACTIONS_* variables from the process
  // environment (this test file is a process of its own).
  Object.assign(process.env, {
    TRANSACTIONS_MOCK_SEED: '7',
    TRANSACTIONS_MOCK_RATE_PER_MIN: '120',
    TRANSACTIONS_MOCK_USERS: '12',
    TRANSACTIONS_MOCK_LATE_SHARE: '0',
    TRANSACTIONS_MOCK_START: new Date(Date.now() - 20 * 60_000).toISOString(),
    TRANSACTIONS_MOCK_BUDGET: '5/6s',
    TRANSACTIONS_API_BUDGET: '5/6s',
    TRANSACTIONS_LATE_MAX_S: '2',
  });
  server = await startTestServer({}, new Set(['api', 'provider', 'worker', 'transactions-mock']));
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: WIDE });
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => page_errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/the server responded with a status of 4\d\d/.test(message.text()))
      page_errors.push(message.text());
  });
  fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const scr = (cents: number) => `${formatMinor(cents, 2)} SCR`;
const report = async (user: string) => (await call(server.url, 'GET', `/reports/users/${user}`)).json;

describe('the ingestion page', () => {
  test('shows the live status: fresh, lag, items per minute, requests, no throttling, no error', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('API key').fill('dev-admin-key');
    await page.getByRole('button', { name: 'Save key' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ingestion' }).click();
    await page.waitForURL(/#\/ingestion$/);
    // The nav puts Ingestion right before Play.
    const labels = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    assert.equal(labels[labels.indexOf('Ingestion') + 1], 'Play');

    const status = page.getByRole('region', { name: 'Status' });
    await waitForText(page.getByRole('status', { name: 'Ingestion Fresh' }), /Fresh/);
    await waitForText(status.getByLabel('Lag'), /^\d+ s$/);
    const api = (await call(server.url, 'GET', '/v1/transactions/status', undefined, AUTH)).json;
    // 20 minutes at 120 a minute: about 2,400, less the last second or two a walk leaves to the next.
    assert.ok(api.items_total >= 2000, `the backlog is in: ${api.items_total}`);
    await waitForText(status.getByLabel('Requests'), /^[1-9]/);
    assert.equal(await status.getByLabel('Throttled').textContent(), '0');
    await waitForText(status, /Last error:\s*none/);
    // A rate needs samples at least 5 s apart (the page polls every 3 s).
    await waitForText(status.getByLabel('Items per minute'), /^[\d,.]+ \/ min$/);
  });

  test('a requested payout is settled from its row: confirmation, reason, the reporter shows it paid', async () => {
    const table = page.getByRole('table', { name: 'Requested payouts' });
    await waitForText(table, /\d+\.\d\d/);
    const first = table.getByRole('row').nth(1);
    const user = (await first.getByRole('link').textContent())!.trim();
    const before = await report(user);
    assert.ok(before.payout > 0, `${user} has a requested payout`);
    assert.equal(before.paidOut, 0);

    await page.getByRole('button', { name: `Settle ${user}` }).click();
    const form = page.getByRole('form', { name: `Settle ${user}` });
    const shown = await form.getByLabel('Amount (SCR)').inputValue();
    assert.match(shown, /^\d+\.\d\d$/, 'prefilled with the requested amount, exact to the cent');
    await form.getByRole('button', { name: 'Review…' }).click();
    await waitForText(form.getByRole('alert'), /reason is required/);
    await form.getByLabel('Reason (required)').fill('weekly payout run (browser test)');
    await form.getByRole('button', { name: 'Review…' }).click();
    const settled_cents = Number(shown.replace('.', ''));
    const grouped = escape(formatMinor(settled_cents, 2));
    const dialog = page.getByRole('alertdialog', { name: 'Confirm settlement' });
    await waitForText(dialog, new RegExp(`Pay out ${grouped} SCR`));
    await dialog.getByRole('button', { name: /^Confirm: settle/ }).click();
    const done = await waitForText(page.locator('.ing-done[role=status]'), /^Settled /);
    assert.match(done, new RegExp(`^Settled ${grouped} SCR for ${user}\\.`));

    // Exactly the confirmed cents moved, once, with the operator and the reason.
    const after_settle = await report(user);
    assert.equal(after_settle.paidOut, settled_cents);
    const transfers = await server.db.sql`
      select amount_minor, metadata from transfers where kind = 'payout_settle'`;
    assert.equal(transfers.length, 1);
    assert.equal(transfers[0].amount_minor, BigInt(settled_cents));
    assert.equal(transfers[0].metadata.reason, 'weekly payout run (browser test)');
    assert.equal(transfers[0].metadata.operator_id, 'bootstrap');

    // The user's report, opened from the row: paid out shows the settlement, to the cent.
    await page.getByRole('link', { name: user, exact: true }).first().click();
    await page.waitForURL(new RegExp(`#/ingestion\\?user=${user}$`));
    const group = page.getByRole('group', { name: `Report of ${user}` });
    await waitForText(group.getByLabel('Paid out'), new RegExp(`^${escape(scr(settled_cents))}$`));
    const r = await report(user);
    // The figures change while the worker ingests; whatever the page shows obeys the reporter's formula.
    const text = await group.textContent();
    assert.match(text!, new RegExp(`Balance of ${user}`));
    assert.equal(r.balance, r.earned - r.spent - r.payout - r.paidOut);
    await page.screenshot({ path: path.join(SCREENSHOTS_DIR, 'ingestion.png'), fullPage: true });
  });

  test('a user the reporter does not know is said so; the search survives a reload', async () => {
    await page.getByRole('searchbox', { name: 'User ID' }).fill('nobody-here');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/#\/ingestion\?user=nobody-here$/);
    await waitForText(page.getByRole('region', { name: "A user's report" }).getByRole('alert'), /has been ingested/);
    await page.reload();
    assert.equal(await page.getByRole('searchbox', { name: 'User ID' }).inputValue(), 'nobody-here');
  });

  test('at 390 px nothing overflows sideways', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/#/ingestion`);
    await waitForText(page.getByRole('table', { name: 'Requested payouts' }), /\d+\.\d\d/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow} px wider than the phone`);
    await page.screenshot({ path: path.join(SCREENSHOTS_DIR, 'mobile-ingestion.png'), fullPage: false });
    assert.deepEqual(page_errors, []);
  });
});
