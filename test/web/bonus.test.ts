import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, waitForText } from '../support/browser.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { processCall } from '../aggregator/helpers.ts';
import { casino, launch } from '../seamless/helpers.ts';
import { ensureWebBuilt } from './build.ts';

/** The bonuses panel and the Games & bonuses page (SPEC §5, §8) in a real headless Chromium. */
const WAIT_MS = 15_000;
const SCREENSHOTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
const WIDE = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const ADMIN = { authorization: 'Bearer dev-admin-key' };
const PLAYER = 'bonus_ui_player';

let server: TestServer;
let browser: Browser;
let page: Page;
const page_errors: string[] = [];

before(async () => {
  await ensureWebBuilt();
  server = await startTestServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: WIDE });
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => page_errors.push(error.message));
  page.on('console', (message) => {
    // A refused API call logs a resource error; anything else (a CSP violation, a React error) is a bug.
    if (message.type() === 'error' && !/the server responded with a status of 4\d\d/.test(message.text()))
      page_errors.push(message.text());
  });
  fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  // A player with 20.00 USD cash: a stake takes cash first, then bonus money.
  const topup = await call(
    server.url,
    'POST',
    `/v1/wallets/${PLAYER}/topup`,
    { asset: 'USD', amount: 2000, reason: 'test setup' },
    { ...ADMIN, 'idempotency-key': 'bonus-ui-setup' },
  );
  assert.equal(topup.status, 201, topup.text);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  assert.ok(ok(value), `${what}: ${JSON.stringify(value)}`);
  return value;
}

const screenshot = (name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
const goto = (hash: string) => page.goto(`${server.url}/${hash}`);

async function grantsOf(player: string) {
  const r = await call(server.url, 'GET', `/v1/players/${player}/bonuses`, undefined, ADMIN);
  assert.equal(r.status, 200, r.text);
  return r.json.data as { bonusId: string; status: string; wagered: number; amount: number }[];
}

const card = (amount: RegExp) =>
  page.getByRole('list', { name: 'Bonus grants' }).getByRole('listitem', { name: amount });
const progressOf = (item: Locator) => item.getByRole('progressbar');

describe('bonuses in the back office', () => {
  test('sign in, open the Bonuses tab: empty state and the live socket connected', async () => {
    await goto('');
    await page.getByLabel('API key').fill('dev-admin-key');
    await page.getByRole('button', { name: 'Save key' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await goto(`#/players/${PLAYER}/bonuses`);
    await waitForText(page.getByRole('tabpanel', { name: 'Bonuses' }), /No bonuses granted to bonus_ui_player yet/);
    await waitForText(page.getByRole('status', { name: 'Live progress' }), /^Live: progress moves as bets arrive$/);
  });

  test('the grant form: major units with a minor-unit preview, the requirement, errors naming each field', async () => {
    const form = page.getByRole('form', { name: 'Grant a bonus' });
    await form.getByLabel('Asset').selectOption('USD');
    await form.getByLabel('Bonus amount (USD)').fill('1,50');
    await waitForText(page.locator('#grant-amount-preview'), /Use a point for decimals/);
    await form.getByLabel('Bonus amount (USD)').fill('100');
    await waitForText(page.locator('#grant-amount-preview'), /^= 10,000 minor units$/);
    await form.getByLabel('Wagering multiplier').fill('101');
    await waitForText(page.locator('#grant-required'), /A whole number from 1 to 100/);
    await form.getByLabel('Wagering multiplier').fill('10');
    await waitForText(page.locator('#grant-required'), /^Requirement: 1,000\.00 USD wagered$/);
    await form.getByLabel('Max bet (optional)').fill('60.005');
    await waitForText(page.locator('#grant-max-bet-preview'), /At most 2 decimal places/);
    await form.getByLabel('Max bet (optional)').fill('');
    await form.getByRole('button', { name: 'Grant bonus' }).click();
    await waitForText(form.getByRole('alert'), /Check the fields marked below/);
    await waitForText(page.locator('#grant-reason-note'), /A reason is required/);
    assert.deepEqual(await grantsOf(PLAYER), [], 'nothing was sent');
  });

  test('a double click on Grant grants once (one Idempotency-Key per submission); the card shows it active', async () => {
    const form = page.getByRole('form', { name: 'Grant a bonus' });
    await form.getByLabel('Reason (required)').fill('welcome offer, ticket #4411');
    await form.getByRole('button', { name: 'Grant bonus' }).dblclick();
    await waitForText(form.getByRole('status'), /Granted 100\.00 USD: active now, wagering requirement 1,000\.00 USD/);
    const grants = await grantsOf(PLAYER);
    assert.equal(grants.length, 1, 'one grant for a double click');
    assert.equal(grants[0].status, 'active');
    const active = card(/100\.00 USD bonus/);
    await waitForText(active, /Active/);
    await waitForText(active, /Wagered 0\.00 USD of 1,000\.00 USD \(0 %\)/);
    await waitForText(active, /Bonus balance100\.00 USD/);
    await waitForText(
      page.getByRole('list', { name: /^Balances of / }).getByRole('listitem', { name: 'USD' }),
      /\+ 100\.00 bonus/,
    );
  });

  test('bets made over HTTP move the bar on the open page, without a reload: aggregator, then casino callbacks', async () => {
    await page.evaluate(() => ((window as unknown as { loaded_once: boolean }).loaded_once = true));
    const active = card(/100\.00 USD bonus/);
    // 50.00 on a slot (100 %): 20.00 cash, then 30.00 bonus money; wagering counts the whole stake.
    const bet = await processCall(server.url, {
      user_id: PLAYER,
      currency: 'USD',
      game: 'demo:starburst',
      game_id: 'ui-round-1',
      finished: false,
      actions: [{ action: 'bet', action_id: 'ui-bet-1', amount: 5000 }],
    });
    assert.equal(bet.status, 200, bet.text);
    await waitForText(active, /Wagered 50\.00 USD of 1,000\.00 USD \(5 %\)/);
    await waitForText(active, /Bonus balance70\.00 USD/);
    assert.equal(await progressOf(active).getAttribute('value'), '5000');
    assert.equal(await progressOf(active).getAttribute('max'), '100000');
    // The page head follows too: cash spent first, the rest from bonus money.
    await waitForText(
      page.getByRole('list', { name: /^Balances of / }).getByRole('listitem', { name: 'USD' }),
      /^USD0\.00\+ 70\.00 bonus$/,
    );

    // The built-in provider's callbacks: jaqpot game 1 is a slot (100 %).
    const token = await launch(server.url, PLAYER, '1');
    const debit = await casino(server.url, '/casino/debit', {
      sessionToken: token,
      userId: PLAYER,
      currency: 'USD',
      externalTransactionId: 'ui-debit-1',
      roundId: 'ui-casino-round-1',
      amount: 2500,
    });
    assert.equal(debit.status, 200, debit.text);
    await waitForText(active, /Wagered 75\.00 USD of 1,000\.00 USD \(7 %\)/);
    assert.equal(await progressOf(active).getAttribute('value'), '7500');
    assert.equal(
      await page.evaluate(() => (window as unknown as { loaded_once?: boolean }).loaded_once),
      true,
      'the page was not reloaded',
    );

    // A second grant while one is active waits as pending (granted over the API: the socket brings it in).
    const pending = await call(
      server.url,
      'POST',
      `/v1/players/${PLAYER}/bonuses`,
      {
        asset: 'USD',
        amount: 2500,
        wagering_multiplier: 20,
        expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        max_bet: 500,
        max_conversion: 5000,
        reason: 'reload offer',
      },
      { ...ADMIN, 'idempotency-key': 'ui-second-grant' },
    );
    assert.equal(pending.status, 201, pending.text);
    await waitForText(card(/25\.00 USD bonus/), /Pending/);
    await waitForText(card(/25\.00 USD bonus/), /Max bet5\.00 USD/);
    await screenshot('bonuses');
  });

  test('forfeit asks for confirmation and a reason; the next pending grant activates', async () => {
    const active = card(/100\.00 USD bonus/);
    await active.getByRole('button', { name: 'Forfeit…' }).click();
    const dialog = active.getByRole('alertdialog');
    await waitForText(dialog, /Its balance of 45\.00 USD returns to the bonus pool/);
    await dialog.getByRole('button', { name: 'Keep the bonus' }).click();
    assert.equal(await active.getByRole('alertdialog').count(), 0);
    await active.getByRole('button', { name: 'Forfeit…' }).click();
    await active.getByRole('button', { name: 'Confirm forfeit' }).click();
    await waitForText(active.getByRole('alert'), /A reason is required/);
    await active.getByLabel('Reason (required)').fill('bonus abuse, case 19');
    await active.getByRole('button', { name: 'Confirm forfeit' }).click();
    await waitForText(active, /Forfeited/);
    await waitForText(card(/25\.00 USD bonus/), /Active/);
    const grants = await grantsOf(PLAYER);
    assert.deepEqual(
      grants.map((g) => [g.amount, g.status]),
      [
        [2500, 'active'],
        [10000, 'forfeited'],
      ],
    );
    const [forfeit] = await server.db.sql`
      select metadata from transfers where kind = 'bonus_forfeit' and metadata->>'bonus_id' = ${grants[1].bonusId}`;
    assert.equal(forfeit.metadata.reason, 'bonus abuse, case 19');
    assert.equal(forfeit.metadata.operator_id, 'bootstrap');
    assert.equal(await active.getByRole('button', { name: 'Forfeit…' }).count(), 0, 'an ended bonus has no forfeit');
  });

  test('Games & bonuses: contributions validated and saved (they persist), the catalog edited in place', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Games & bonuses' }).click();
    await page.waitForURL(/#\/games$/);
    const form = page.getByRole('form', { name: 'Wagering contribution per category' });
    const table_input = form.getByLabel('Table games (%)');
    await waitFor(
      () => table_input.inputValue(),
      (v) => v === '10',
      'table contribution loaded',
    );
    assert.equal(await form.getByLabel('Slots (%)').inputValue(), '100');
    await table_input.fill('101');
    await waitForText(page.locator('#contribution-table-note'), /A whole number from 0 to 100/);
    await form.getByRole('button', { name: 'Save contributions' }).click();
    await waitForText(form.getByRole('alert'), /nothing was saved/);
    assert.equal((await call(server.url, 'GET', '/v1/bonus/contributions', undefined, ADMIN)).json.table, 10);
    await table_input.fill('25');
    await form.getByLabel('Live casino (%)').fill('5');
    await form.getByRole('button', { name: 'Save contributions' }).click();
    await waitForText(form.getByRole('status'), /Contributions saved/);
    assert.deepEqual((await call(server.url, 'GET', '/v1/bonus/contributions', undefined, ADMIN)).json, {
      slots: 100,
      table: 25,
      live: 5,
      other: 0,
    });

    const games = page.getByRole('table', { name: 'Games' });
    await waitForText(games, /starburst/);
    const roulette = page.getByLabel('Category of demo:roulette-live');
    assert.equal(await roulette.inputValue(), 'live');
    await roulette.selectOption('table');
    await waitForText(games.getByRole('row', { name: /roulette-live/ }).getByRole('status'), /Saved/);

    const add = page.getByRole('form', { name: 'Register or change a game' });
    await add.getByLabel('Provider').fill('acme:x');
    await add.getByLabel('Game code').fill('mega-moolah');
    await add.getByRole('button', { name: 'Save game' }).click();
    await waitForText(page.locator('#game-provider-note'), /No colon/);
    await add.getByLabel('Provider').fill('acme');
    await add.getByLabel('Name (optional)').fill('Mega Moolah');
    await add.getByLabel('Category').selectOption('slots');
    await add.getByRole('button', { name: 'Save game' }).click();
    await waitForText(add.getByRole('status'), /acme:mega-moolah is now slots/);
    await waitForText(games.getByRole('row', { name: /mega-moolah/ }), /Mega Moolah/);
    await screenshot('games');

    await page.reload();
    await waitFor(
      () => page.getByLabel('Table games (%)').inputValue(),
      (v) => v === '25',
      'the saved contribution after a reload',
    );
    await waitFor(
      () => page.getByLabel('Category of demo:roulette-live').inputValue(),
      (v) => v === 'table',
      'the changed category after a reload',
    );
    await waitForText(page.getByRole('table', { name: 'Games' }), /Mega Moolah/);
    const listed = (await call(server.url, 'GET', '/v1/games?limit=100', undefined, ADMIN)).json.games;
    assert.deepEqual(
      listed.find((g: { game: string }) => g.game === 'mega-moolah'),
      { provider: 'acme', game: 'mega-moolah', category: 'slots', name: 'Mega Moolah' },
    );
  });

  test('at 390 px both fit the screen: no horizontal scroll', async () => {
    await page.setViewportSize(PHONE);
    for (const [hash, name] of [
      [`#/players/${PLAYER}/bonuses`, 'mobile-bonuses'],
      ['#/games', 'mobile-games'],
    ]) {
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
