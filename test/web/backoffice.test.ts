import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, waitForText, waitForCount } from '../support/browser.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { balanceOf, get } from '../wallet/helpers.ts';
import { ensureWebBuilt } from './build.ts';

/** The back office in a real headless Chromium (see launchBrowser: Debian's, or the one an npm package ships). */
const WAIT_MS = 15_000;
/** Every page is photographed for the README (docs/screenshots, committed). */
const SCREENSHOTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
const WIDE = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let server: TestServer;
let browser: Browser;
let page: Page;
const page_errors: string[] = [];

before(async () => {
  await ensureWebBuilt();
  server = await startTestServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: WIDE, acceptDownloads: true });
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => page_errors.push(error.message));
  page.on('console', (message) => {
    // A failed API call logs a resource error; anything else (a CSP violation, a React error) is a bug.
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
const balance = (asset: string) =>
  page.getByRole('list', { name: /^Balances of / }).getByRole('listitem', { name: asset, exact: true });
const goto = (hash: string) => page.goto(`${server.url}/${hash}`);

describe('back office page', () => {
  test("a wrong API key is refused with the API's message and not kept", async () => {
    await goto('');
    await page.getByLabel('API key').fill('not-the-key');
    await page.getByRole('button', { name: 'Save key' }).click();
    await waitForText(page.getByRole('alert'), /Missing or wrong API key/);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('croupier.apiKey')), null);
    await screenshot('sign-in');
  });

  test('after the key, the dashboard (the landing page); then the players list: natural order, balances per asset, search by prefix that survives a reload', async () => {
    for (const id of ['user_10', 'user_2']) {
      await call(
        server.url,
        'POST',
        `/v1/wallets/${id}/topup`,
        { asset: 'USD', amount: 1234 },
        { authorization: 'Bearer dev-admin-key', 'idempotency-key': `seed-${id}` },
      );
    }
    await page.getByLabel('API key').fill('dev-admin-key');
    await page.getByRole('button', { name: 'Save key' }).click();
    await waitForText(page.getByRole('heading', { level: 1 }), /^Dashboard$/);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Players' }).click();
    await page.waitForURL(/#\/players$/);
    const table = page.getByRole('table', { name: 'Players' });
    await waitForText(table, /user_001/);
    const names = await table.getByRole('rowheader').allTextContents();
    assert.deepEqual(
      names.filter((n) => n.startsWith('user_')),
      ['user_001', 'user_002', 'user_2', 'user_10'],
    );
    await waitForText(table.getByRole('row', { name: /user_001/ }), /USD\s*100\.00/);
    assert.equal(
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Players' })
        .getAttribute('aria-current'),
      'page',
    );
    await screenshot('players');

    await page.getByLabel('Search by player ID').fill('user_1');
    await page.waitForURL(/#\/players\?q=user_1$/);
    await waitForText(table, /^(?!.*user_001).*user_10/);
    await page.reload();
    await waitForText(page.getByRole('table', { name: 'Players' }), /^(?!.*user_001).*user_10/);
    assert.equal(await page.getByLabel('Search by player ID').inputValue(), 'user_1');
  });

  test("a player's page: balances per asset and the history with its filters; the route survives a reload", async () => {
    await goto('#/players');
    await page.getByRole('table', { name: 'Players' }).getByRole('link', { name: 'user_001', exact: true }).click();
    await page.waitForURL(/#\/players\/user_001$/);
    await waitForText(balance('GOLD_COINS'), /1,000/);
    await waitForText(balance('USD'), /100\.00/);
    await waitForText(page.getByRole('table', { name: 'Transactions' }), /seed_funding/);
    await page.reload();
    await waitForText(balance('USD'), /100\.00/);
    await page.getByLabel('Kind').selectOption('topup');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitForText(page.getByRole('table', { name: 'Transactions' }), /No transactions match/);
    await page.getByLabel('Kind').selectOption('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitForText(page.getByRole('table', { name: 'Transactions' }), /seed_funding/);
  });

  test('typing 1.50 USD previews 150 minor units; a reason is required; a small top-up goes straight through', async () => {
    await page.getByRole('tab', { name: 'Move money' }).click();
    await page.waitForURL(/#\/players\/user_001\/money$/);
    await page.getByLabel('Operation').selectOption('topup');
    await page.getByLabel('Asset').selectOption('USD');
    await page.getByLabel('Amount (USD)').fill('1.50');
    await waitForText(page.locator('#amount-preview'), /^= 150 minor units$/);
    await page.getByLabel('Amount (USD)').fill('1,50');
    await waitForText(page.locator('#amount-preview'), /Use a point for decimals/);
    await page.getByLabel('Amount (USD)').fill('1.50');
    await page.getByRole('button', { name: 'Top up' }).click();
    await waitForText(page.getByRole('alert'), /A reason is required/);
    await page.getByLabel('Reason (required)').fill('goodwill, ticket 4411');
    await page.getByRole('button', { name: 'Top up' }).click();
    await waitForText(page.getByRole('status'), /Top up of 1\.50 USD done\. New balance: 101\.50 USD/);
    await waitForText(balance('USD'), /101\.50/);
    assert.equal(await balanceOf(server.url, 'user_001', 'USD'), 10150);
    const history = await get(server.url, '/v1/wallets/user_001/transactions?kind=topup&limit=1');
    // The reason travels as `reason`: recorded with the operator on the transfer and in the audit log.
    assert.equal(history.json.items[0].metadata.reason, 'goodwill, ticket 4411');
    const audit = await get(server.url, '/v1/audit?limit=1');
    assert.equal(audit.json.entries[0].reason, 'goodwill, ticket 4411');
  });

  test('a withdrawal asks for confirmation, shows what it leaves, and moves money only once confirmed', async () => {
    await page.getByLabel('Operation').selectOption('withdraw');
    await page.getByLabel('Asset').selectOption('USD');
    await page.getByLabel('Amount (USD)').fill('0.50');
    await page.getByLabel('Reason (required)').fill('cash-out request');
    await page.getByRole('button', { name: 'Review…' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Confirm withdraw' });
    await waitForText(dialog, /Withdraw 0\.50 USD \(50 minor units\) from user_001/);
    await waitForText(dialog, /Balance after101\.00 USD/);
    await screenshot('player-confirm');
    assert.equal(await balanceOf(server.url, 'user_001', 'USD'), 10150);
    await dialog.getByRole('button', { name: 'Back' }).click();
    assert.equal(await page.getByLabel('Amount (USD)').inputValue(), '0.50');
    await page.getByRole('button', { name: 'Review…' }).click();
    await page.getByRole('button', { name: 'Confirm withdraw' }).click();
    await waitForText(page.getByRole('status'), /Withdraw of 0\.50 USD done\. New balance: 101\.00 USD/);
    assert.equal(await balanceOf(server.url, 'user_001', 'USD'), 10100);
    await screenshot('player-money');
  });

  test('a top-up above the confirmation threshold asks first; the threshold is a setting', async () => {
    await page.getByLabel('Operation').selectOption('topup');
    await page.getByLabel('Amount (USD)').fill('1000.01');
    await page.getByLabel('Reason (required)').fill('big deposit');
    await page.getByRole('button', { name: 'Review…' }).click();
    await waitForText(page.getByRole('alertdialog'), /100,001 minor units/);
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByText('Confirmation threshold').click();
    await page.getByLabel('Ask to confirm any move above (major units)').fill('5000');
    assert.equal(await page.getByRole('button', { name: 'Top up' }).count(), 1);
  });

  test("spending more than the balance is confirmed, then refused with the API's message; nothing moves", async () => {
    await page.getByLabel('Operation').selectOption('spend');
    await page.getByLabel('Asset').selectOption('GOLD_COINS');
    await page.getByLabel('Amount (GOLD_COINS)').fill('5000');
    await page.getByLabel('Reason (required)').fill('test');
    await page.getByRole('button', { name: 'Review…' }).click();
    await waitForText(page.getByRole('alertdialog'), /more than the balance/);
    await page.getByRole('button', { name: 'Confirm spend' }).click();
    await waitForText(page.getByRole('alert'), /Insufficient funds: user_001 holds 1000 GOLD_COINS, 5000 requested/);
    assert.equal(await balanceOf(server.url, 'user_001', 'GOLD_COINS'), 1000);
  });

  test('a player that does not exist has no money form, only "Open a wallet" — a first top-up', async () => {
    await goto('#/players/new_player_7/money');
    await waitForText(page.getByRole('heading', { name: 'No wallet yet' }), /No wallet yet/);
    assert.equal(await page.getByLabel('Operation').count(), 0);
    assert.equal(await page.getByLabel('Amount (USD)').count(), 0);
    await screenshot('player-missing');
    await page.getByRole('button', { name: 'Open a wallet' }).click();
    assert.equal(await page.getByLabel('Operation').count(), 0, 'only a top-up is offered');
    await page.getByLabel('Amount (USD)').fill('25');
    await page.getByLabel('Reason (required)').fill('welcome');
    await page.getByRole('button', { name: 'Top up' }).click();
    await waitForText(balance('USD'), /25\.00/);
    assert.equal(await balanceOf(server.url, 'new_player_7', 'USD'), 2500);
    await page.getByRole('link', { name: 'Play rounds for new_player_7 →' }).click();
    await page.waitForURL(/#\/play\?player=new_player_7$/);
    assert.equal(await page.getByLabel('Player ID').inputValue(), 'new_player_7');
  });

  test("the play button plays N rounds through the launch and callback path and shows each round's steps and the final balance", async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Play', exact: true }).click();
    await page.waitForURL(/#\/play$/);
    await page.getByLabel('Player ID').fill('user_002');
    await page.getByLabel('Currency').selectOption('USD');
    await page.getByLabel('Rounds (1–20)').fill('2');
    await page.getByRole('button', { name: 'Play 2 rounds' }).click();
    await waitForText(page.getByRole('status', { name: 'Play result' }), /2 rounds played/);
    const steps = page.getByRole('table', { name: 'Steps of round 2' });
    await waitForText(steps, /debit/);
    await waitForText(steps, /rollback/);
    await waitForText(steps, /credit/);
    const first_round = page.getByRole('list', { name: 'Played rounds' }).getByRole('link').first();
    assert.match((await first_round.getAttribute('href'))!, /^#\/players\/user_002\/rounds\?round=jq-/);
    const shown = await page.locator('.final-balance').textContent();
    const actual = await balanceOf(server.url, 'user_002', 'USD');
    assert.equal(shown, (actual! / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ','));
    await screenshot('play');
  });

  test("the game's launch URL is a playable demo under a strict policy: spin, result, balance", async () => {
    await page.getByRole('button', { name: 'Open the game' }).click();
    const link = page.getByRole('link', { name: 'Launch URL ↗' });
    const launch_url = (await link.getAttribute('href'))!;
    assert.match(launch_url, /\/provider\/play\?sessionToken=/);
    const before_minor = (await balanceOf(server.url, 'user_002', 'USD'))!;
    const rounds_before = (await get(server.url, '/v1/players/user_002/rounds')).json.rounds.length;
    const response = await page.goto(launch_url);
    assert.match(response!.headers()['content-security-policy'], /script-src 'self'/);
    await waitForText(page.locator('#balance'), new RegExp(`^${(before_minor / 100).toFixed(2)} USD$`));
    await page.getByRole('button', { name: 'Spin' }).click();
    const result = await waitForText(page.getByRole('status'), /You win|No win this time/);
    // The spin is a real round: one more in the ledger, and the balance moved by its win − its 1.00 bet.
    const rounds = (await get(server.url, '/v1/players/user_002/rounds')).json.rounds;
    assert.equal(rounds.length, rounds_before + 1);
    assert.equal(rounds[0].bet, 100);
    const win_minor = /You win/.test(result) ? Number(/You win (\d+)\.(\d{2}) USD/.exec(result)!.slice(1).join('')) : 0;
    assert.equal(rounds[0].win, win_minor, result);
    const after_minor = (await balanceOf(server.url, 'user_002', 'USD'))!;
    assert.equal(after_minor, before_minor - 100 + win_minor);
    await waitForText(page.locator('#balance'), new RegExp(`^${(after_minor / 100).toFixed(2)} USD$`));
    await screenshot('provider-game');
    await page.setViewportSize(PHONE);
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    assert.ok(scroll <= client, `the game page: ${scroll} px of content in ${client} px`);
    await screenshot('mobile-provider-game');
    await page.setViewportSize(WIDE);
  });

  test("a round's detail is reached from its history row: bets, win and rollback with their ids", async () => {
    await goto('#/players/user_002');
    const row = page
      .getByRole('table', { name: 'Transactions' })
      .getByRole('row')
      .filter({ hasText: 'rollback' })
      .first();
    await row.waitFor();
    const round = (await row.getByRole('link').textContent())!;
    await screenshot('player-wallet');
    await row.getByRole('link', { name: round }).click();
    await page.waitForURL(new RegExp(`#/players/user_002/rounds\\?round=${round}$`));
    const detail = page.getByRole('listitem', { name: `Round ${round}` });
    const transfers = detail.getByRole('table', { name: `Transfers of round ${round}` });
    await waitForText(transfers, /bet.*bet.*rollback.*win|bet.*bet.*win.*rollback|bet.*rollback/s);
    const rounds = await get(server.url, `/v1/players/user_002/rounds?round=${round}`);
    for (const t of rounds.json.rounds[0].transfers) await waitForText(transfers, new RegExp(t.transactionId));
    await waitForCount(page.getByRole('list', { name: 'Rounds' }).locator(':scope > li'), 1);
    await screenshot('player-round');
    await page.getByRole('link', { name: 'All rounds of user_002' }).click();
    await waitForCount(page.getByRole('list', { name: 'Rounds' }).locator(':scope > li'), 3);
    await screenshot('player-rounds');
  });

  test('the CSV export holds exactly the rows shown, with game, round and provider', async () => {
    await goto('#/players/user_002');
    await page.getByLabel('Kind').selectOption('bet');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitForText(page.getByRole('button', { name: /Export CSV/ }), /\(5 rows\)/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Export CSV/ }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'user_002-history.csv');
    const lines = fs
      .readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\r\n');
    assert.equal(lines.length, 1 + 5);
    assert.match(
      lines[0],
      /"created_at","transaction_id","type","asset","direction","amount","amount_minor".*"game","round","provider"/,
    );
    for (const line of lines.slice(1)) assert.match(line, /"bet","USD","debit"/);
  });

  test('at 390 px wide every page fits the screen: no horizontal scroll', async () => {
    await page.setViewportSize(PHONE);
    const pages: [string, string][] = [
      ['#/players', 'mobile-players'],
      ['#/players/user_002', 'mobile-player-wallet'],
      ['#/players/user_002/rounds', 'mobile-player-rounds'],
      ['#/players/user_001/money', 'mobile-player-money'],
      ['#/play', 'mobile-play'],
    ];
    for (const [hash, name] of pages) {
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

  test('the page ran without script errors or policy violations', () => {
    assert.deepEqual(page_errors, []);
  });
});
