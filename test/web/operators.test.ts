import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchBrowser, waitForText } from '../support/browser.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { balanceOf } from '../wallet/helpers.ts';
import { ensureWebBuilt } from './build.ts';

/**
 * Operators & audit and who is signed in, in a real headless Chromium (issue 15, SPEC §4, §8): an
 * admin creates operators and sees each key once; a viewer is offered no money form, and the API
 * refuses it anyway; a manual movement made in the page is in the audit log with its operator and reason.
 */
const WAIT_MS = 15_000;
const SCREENSHOTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
const WIDE = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const ADMIN_KEY = 'dev-admin-key';

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const page_errors: string[] = [];
/** Keys read off the page when their operators were created. */
const keys: Record<string, string> = {};

before(async () => {
  await ensureWebBuilt();
  server = await startTestServer();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: WIDE, permissions: ['clipboard-read', 'clipboard-write'] });
  page = await context.newPage();
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

const screenshot = (name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
const goto = (hash: string) => page.goto(`${server.url}/${hash}`);
const header = () => page.getByLabel('Signed in', { exact: true });
const mainNav = () => page.getByRole('navigation', { name: 'Main' });

async function signIn(key: string): Promise<void> {
  await goto('');
  // A key kept in the tab is checked first: wait for the sign-in form or the signed-in header.
  await page.locator('#api-key, [aria-label="Signed in"]').first().waitFor();
  if (await header().count()) await header().getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Save key' }).click();
  await header().waitFor();
}

const auditTable = () => page.getByRole('table', { name: 'Audit log' });

describe('operators, roles and the audit log in the back office', () => {
  test('the header shows who is signed in: the bootstrap key, role admin', async () => {
    await signIn(ADMIN_KEY);
    await waitForText(header(), /bootstrap admin key\s*admin/);
    const labels = await mainNav().getByRole('link').allTextContents();
    assert.equal(labels[labels.length - 1], 'Operators & audit', 'the last navigation entry');
    await page.locator('header.top').screenshot({ path: path.join(SCREENSHOTS_DIR, 'signed-in-header.png') });
  });

  test('an admin creates an operator in the page: the key is shown once, with a copy button and a warning', async () => {
    await mainNav().getByRole('link', { name: 'Operators & audit' }).click();
    await page.waitForURL(/#\/operators$/);
    const table = page.getByRole('table', { name: 'Operators' });
    await waitForText(table, /No operators yet/);
    await page.getByRole('button', { name: 'Create operator' }).click();
    await waitForText(page.getByRole('alert'), /Enter a name/);

    await page.getByLabel('Name').fill('alice (support)');
    await page.getByLabel('Role').selectOption('operator');
    await waitForText(page.locator('#role-help'), /operator: reads and moves money/);
    await page.getByRole('button', { name: 'Create operator' }).click();
    const reveal = page.getByRole('region', { name: /API key of alice \(support\)/ });
    await waitForText(reveal, /This key is shown only now/);
    const key = await reveal.getByLabel('API key').inputValue();
    assert.match(key, /^crp_[A-Za-z0-9_-]{43}$/);
    keys.alice = key;
    // The key is real: it signs in as alice, role operator.
    const me = await call(server.url, 'GET', '/v1/operators/me', undefined, { authorization: `Bearer ${key}` });
    assert.deepEqual(
      { name: me.json.name, role: me.json.role, bootstrap: me.json.bootstrap },
      { name: 'alice (support)', role: 'operator', bootstrap: false },
    );
    await reveal.getByRole('button', { name: 'Copy' }).click();
    await waitForText(reveal.getByRole('status'), /Copied/);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key);
    await waitForText(table.getByRole('row', { name: 'alice (support)' }), /operator.*Active/);
    await screenshot('operators-new-key');

    await reveal.getByRole('button', { name: 'I have saved the key' }).click();
    assert.equal(await page.getByRole('region', { name: /API key of/ }).count(), 0);
    assert.ok(!(await page.content()).includes(key), 'the key is gone from the page');
    await page.reload();
    await waitForText(page.getByRole('table', { name: 'Operators' }), /alice \(support\)/);
    assert.ok(!(await page.content()).includes(key), 'and never shown again');
  });

  test('a second operator with the same name is refused with the API message; a viewer is created', async () => {
    await page.getByLabel('Name').fill('alice (support)');
    await page.getByRole('button', { name: 'Create operator' }).click();
    await waitForText(page.getByRole('alert'), /already named alice \(support\)/);

    await page.getByLabel('Name').fill('vera');
    await page.getByLabel('Role').selectOption('viewer');
    await page.getByRole('button', { name: 'Create operator' }).click();
    const reveal = page.getByRole('region', { name: /API key of vera \(viewer\)/ });
    keys.vera = await reveal.getByLabel('API key').inputValue();
    await reveal.getByRole('button', { name: 'I have saved the key' }).click();
    const table = page.getByRole('table', { name: 'Operators' });
    await waitForText(table, /2 active operators/);
    await waitForText(table.getByRole('row', { name: 'vera' }), /viewer.*Active/);
    await screenshot('operators');
  });

  test('a viewer signed in is offered no money form, is told why, and the API refuses its writes with 403', async () => {
    await signIn(keys.vera);
    await waitForText(header(), /vera\s*viewer/);
    await goto('#/players/user_001/money');
    const notice = page.getByRole('note', { name: 'Read only' });
    await waitForText(notice, /role viewer.*Moving money needs the role operator or admin.*403 FORBIDDEN/s);
    assert.equal(await page.getByLabel(/^Amount/).count(), 0, 'no amount field');
    assert.equal(await page.getByLabel('Reason (required)').count(), 0, 'no reason field');
    await screenshot('viewer-read-only');

    // A player without a wallet: no "Open a wallet" either.
    await goto('#/players/nobody_yet');
    await waitForText(page.getByRole('note', { name: 'Read only' }), /Opening a wallet/);
    assert.equal(await page.getByRole('button', { name: 'Open a wallet' }).count(), 0);
    // Play launches games and moves money: not offered.
    await mainNav().getByRole('link', { name: 'Play', exact: true }).click();
    await waitForText(page.getByRole('note', { name: 'Read only' }), /Playing rounds/);
    assert.equal(await page.getByRole('button', { name: /^Play \d+ rounds?$/ }).count(), 0);
    // Operators & audit: an admin's.
    await mainNav().getByRole('link', { name: 'Operators & audit' }).click();
    await waitForText(page.getByRole('note', { name: 'Admins only' }), /need the role admin.*role viewer/s);
    assert.equal(await page.getByRole('table').count(), 0);

    // What the page does not offer, the API refuses: 403 with a code, nothing moved, and it is audited.
    const before_usd = await balanceOf(server.url, 'user_001', 'USD');
    const refused = await call(
      server.url,
      'POST',
      '/v1/wallets/user_001/topup',
      { asset: 'USD', amount: 100, reason: 'trying anyway' },
      { authorization: `Bearer ${keys.vera}`, 'idempotency-key': 'vera-1' },
    );
    assert.equal(refused.status, 403);
    assert.equal(refused.json.code, 'FORBIDDEN');
    assert.equal(await balanceOf(server.url, 'user_001', 'USD'), before_usd);
  });

  test('a manual movement made in the page appears in the audit log with its operator and reason', async () => {
    await signIn(keys.alice);
    await waitForText(header(), /alice \(support\)\s*operator/);
    await goto('#/players/user_001/money');
    await page.getByLabel('Operation').selectOption('topup');
    await page.getByLabel('Asset').selectOption('USD');
    await page.getByLabel('Amount (USD)').fill('12.34');
    await page.getByLabel('Reason (required)').fill('goodwill, ticket 7001');
    await page.getByRole('button', { name: 'Top up' }).click();
    await waitForText(page.getByRole('status'), /Top up of 12\.34 USD done/);
    // An operator is not an admin: the audit is not theirs to read.
    await mainNav().getByRole('link', { name: 'Operators & audit' }).click();
    await waitForText(page.getByRole('note', { name: 'Admins only' }), /role operator/);

    await signIn(ADMIN_KEY);
    await goto('#/operators/audit');
    const table = auditTable();
    const first = table.getByRole('row').nth(1);
    await waitForText(first, /alice \(support\)/);
    const text = await first.textContent();
    assert.match(text!, /Top up/);
    assert.match(text!, /user_001/);
    assert.match(text!, /Done\s*201/);
    assert.match(text!, /goodwill, ticket 7001/);
    assert.match(text!, /POST \/v1\/wallets\/user_001\/topup/);
    const [entry] = (
      await call(server.url, 'GET', '/v1/audit?limit=1', undefined, { authorization: `Bearer ${ADMIN_KEY}` })
    ).json.entries;
    assert.ok(text!.includes(entry.transactionId), 'the transfer it made');
    // The viewer's refused write is there too, with its reason.
    // The viewer's refused write is there too (refused before its body was read, so without a reason).
    await waitForText(
      table.getByRole('row').filter({ hasText: 'vera' }),
      /Top up.*POST \/v1\/wallets\/user_001\/topup.*user_001.*Refused\s*403/,
    );
    await screenshot('audit');
  });

  test('the audit filters: by operator (from the operators table too), by time; they survive a reload', async () => {
    await page.getByLabel('Operator', { exact: true }).selectOption({ label: 'vera (viewer)' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/#\/operators\/audit\?operator=/);
    const rows = auditTable().locator('tbody tr');
    await waitForText(rows.first(), /vera/);
    assert.equal(await rows.count(), 1);
    await page.reload();
    await waitForText(auditTable().locator('tbody tr').first(), /vera.*Refused/s);
    assert.equal(await page.getByLabel('Operator', { exact: true }).inputValue(), (await operatorId('vera'))!);

    await page.getByRole('button', { name: 'Clear' }).click();
    await waitForText(auditTable().locator('tbody tr').first(), /alice/);
    // A window that ended before anything happened.
    await page.getByLabel('To (before)').fill('2001-01-01T00:00');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitForText(auditTable(), /No write matches these filters/);
    await page.getByRole('button', { name: 'Clear' }).click();

    await goto('#/operators');
    await page
      .getByRole('table', { name: 'Operators' })
      .getByRole('row', { name: 'alice (support)' })
      .getByRole('link', { name: 'Audit' })
      .click();
    await page.waitForURL(/#\/operators\/audit\?operator=/);
    await waitForText(auditTable().locator('tbody tr').first(), /alice.*goodwill, ticket 7001/s);
  });

  test('revoking in the page: a confirmation, then the key answers 401 and the row says Revoked', async () => {
    await goto('#/operators');
    const row = page.getByRole('table', { name: 'Operators' }).getByRole('row', { name: 'vera' });
    await row.getByRole('button', { name: 'Revoke…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Revoke vera' });
    await waitForText(confirm, /stops working at once/);
    await confirm.getByRole('button', { name: 'Revoke vera' }).click();
    await waitForText(page.getByRole('table', { name: 'Operators' }).getByRole('row', { name: 'vera' }), /Revoked/);
    const me = await call(server.url, 'GET', '/v1/operators/me', undefined, { authorization: `Bearer ${keys.vera}` });
    assert.equal(me.status, 401);
    // The audit keeps the revocation, named by the operator it revoked.
    await goto('#/operators/audit');
    await waitForText(auditTable().locator('tbody tr').first(), /bootstrap admin.*Revoke operator.*vera.*Done\s*200/s);
  });

  test('a revoked key in an open tab is signed out on its next call', async () => {
    await signIn(keys.alice);
    const id = (await operatorId('alice (support)'))!;
    const revoked = await call(server.url, 'DELETE', `/v1/operators/${id}`, undefined, {
      authorization: `Bearer ${ADMIN_KEY}`,
    });
    assert.equal(revoked.status, 200);
    await goto('#/players/user_001');
    await waitForText(page.getByRole('alert'), /The API key was rejected \(wrong, revoked or rotated\)/);
    assert.equal(await page.getByLabel('API key').count(), 1);
  });

  test('at 390 px the operators and audit pages fit the screen', async () => {
    await signIn(ADMIN_KEY);
    await page.setViewportSize(PHONE);
    for (const [hash, name] of [
      ['#/operators', 'mobile-operators'],
      ['#/operators/audit', 'mobile-audit'],
    ] as const) {
      await goto(hash);
      await page.waitForLoadState('networkidle');
      await page.locator('main h1').first().waitFor();
      await new Promise((r) => setTimeout(r, 200));
      const { scroll, client } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      assert.ok(scroll <= client, `${hash}: ${scroll} px of content in ${client} px`);
      await screenshot(name);
    }
    await page.setViewportSize(WIDE);
  });

  test('the pages ran without script errors or policy violations', () => {
    assert.deepEqual(page_errors, []);
  });
});

async function operatorId(name: string): Promise<string | undefined> {
  const r = await call(server.url, 'GET', '/v1/operators', undefined, { authorization: `Bearer ${ADMIN_KEY}` });
  return (r.json.operators as { name: string; operatorId: string }[]).find((o) => o.name === name)?.operatorId;
}
