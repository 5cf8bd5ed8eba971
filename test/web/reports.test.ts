import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, waitForText } from '../support/browser.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { fundPlayer } from '../../src/ledger/seed.ts';
import { playerAccount } from '../../src/ledger/types.ts';
import { ADMIN, batch, processCall, uid } from '../aggregator/helpers.ts';
import { casino, launch } from '../seamless/helpers.ts';
import { ensureWebBuilt } from './build.ts';

/**
 * The dashboard (the landing page) and the reports page in a real headless Chromium, over the real
 * game reports (SPEC §6, §8): bets and wins made over HTTP on both game surfaces move the figures after
 * a refresh; groupings, paging, the CSV of every row, exact sums beyond 2^53 − 1, 390 px.
 */
const WAIT_MS = 15_000;
const SCREENSHOTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
const WIDE = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const TODAY = new Date().toISOString().slice(0, 10);

let server: TestServer;
let browser: Browser;
let page: Page;
const page_errors: string[] = [];

before(async () => {
  await ensureWebBuilt();
  server = await startTestServer();
  browser = await launchBrowser();
  // A set locale: without one, this Chromium reports navigator.language "en-US@posix" (from LANG=C),
  // which uPlot cannot use (the page then shows the tables and says the chart could not be drawn).
  page = await browser.newPage({ viewport: WIDE, acceptDownloads: true, locale: 'en-US' });
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => page_errors.push(error.message));
  page.on('console', (message) => {
    // A refused API call (a 400 asked for on purpose) logs a resource error; anything else is a bug.
    if (message.type() === 'error' && !/the server responded with a status of 4\d\d/.test(message.text()))
      page_errors.push(message.text());
  });
  fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** The chart is drawn by a chunk loaded with the first chart: wait for its canvas, then check it is alone. */
async function oneChart(): Promise<void> {
  await page.locator('.chart canvas').first().waitFor();
  assert.equal(await page.locator('.chart canvas').count(), 1);
}

const screenshot = (name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
const goto = (hash: string) => page.goto(`${server.url}/${hash}`);
const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

/** The figure a dashboard tile shows: its first value under the label. */
const figure = (currency: string, label: string) =>
  page
    .getByRole('region', { name: `Today in ${currency}` })
    .locator('.figure')
    .filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
    .locator('dd')
    .first();

/** An aggregator round (bet, then win) for a funded player, signed as the aggregator signs it. */
async function aggregatorRound(user: string, bet: number, win: number, game = 'acme:slot') {
  const r = await processCall(server.url, {
    ...batch(user, [
      { action: 'bet', action_id: uid('bet'), amount: bet },
      { action: 'win', action_id: uid('win'), amount: win },
    ]),
    game,
  });
  assert.equal(r.status, 200, r.text);
}

/** A casino round on the built-in provider's game: debit, credit, through the signed callbacks. */
async function casinoRound(user: string, bet: number, win: number, game = '1') {
  const token = await launch(server.url, user, game);
  const body = { sessionToken: token, userId: user, currency: 'USD' };
  const round = uid('round');
  for (const [kind, amount] of [
    ['debit', bet],
    ['credit', win],
  ] as const) {
    const r = await casino(server.url, `/casino/${kind}`, {
      ...body,
      externalTransactionId: uid(kind),
      roundId: round,
      amount,
    });
    assert.equal(r.status, 200, r.text);
  }
}

/** Moves every game action of both surfaces `hours` back; whole hours keep each in its rollup bucket. */
async function travel(hours: number): Promise<void> {
  const far = 10_000_000;
  await server.db.sql.begin(async (tx) => {
    // Pending rollup events (migration 046) join their hour rows first: only hour rows are moved.
    await tx`select game_rollups_fold_pending(true)`;
    await tx`update aggregator_actions set created_at = created_at - make_interval(hours => ${hours})`;
    await tx`update seamless_transactions set created_at = created_at - make_interval(hours => ${hours})`;
    // In two steps, so a row never meets a not-yet-moved one's primary key on the way.
    await tx`update game_rollups set hour_start = hour_start - make_interval(hours => ${far}) where hour_start > '2010-01-01'`;
    await tx`update game_rollups set hour_start = hour_start + make_interval(hours => ${far - hours}) where hour_start < '2010-01-01'`;
  });
}

/**
 * `days` days of play before today, through the same signed HTTP calls: each day a few rounds of
 * four games for five players (a seeded sequence, the house winning some days and losing others),
 * then everything played so far moves one day back.
 */
async function playHistory(days: number): Promise<void> {
  const players = ['hist-ana', 'hist-ben', 'hist-cleo', 'hist-dan', 'hist-eve'];
  for (const user of players) await fundPlayer(server.ctx, playerAccount(user, 'USD'), 10_000_000n, `fund-${user}`);
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.floor(seed / 65_536) % n; // the high bits: an LCG's low bits repeat quickly
  };
  const games = ['acme:slot', 'acme:roulette', 'nova:blackjack', 'nova:crash'];
  for (let day = 0; day < days; day++) {
    for (let round = 0; round < 3 + next(4); round++) {
      const bet = 500 + next(40) * 100;
      // Wins around the stake: RTP between 50 % and 140 % per round, 95 % on average.
      const win = Math.floor((bet * (50 + next(91))) / 100);
      await aggregatorRound(players[next(players.length)], bet, win, games[next(games.length)]);
    }
    await travel(24);
  }
}

async function todayTotals() {
  const day = `from=${TODAY}T00:00:00Z&to=${new Date(Date.parse(TODAY) + 86_400_000).toISOString()}`;
  const r = await call(server.url, 'GET', `/v1/reports/ngr?${day}`, undefined, ADMIN);
  assert.equal(r.status, 200, r.text);
  return r.json.totals.find((t: { currency: string }) => t.currency === 'USD');
}

describe('dashboard', () => {
  test('is the landing page after the key; before any play it says so', async () => {
    await goto('');
    await page.getByLabel('API key').fill('dev-admin-key');
    await page.getByRole('button', { name: 'Save key' }).click();
    await waitForText(page.getByRole('heading', { level: 1 }), /^Dashboard$/);
    assert.equal(await nav('Dashboard').getAttribute('aria-current'), 'page');
    await waitForText(page.locator('main'), /No bets or wins yet today \(UTC\)/);
    await waitForText(page.locator('main'), /No bets or wins in the last 30 days/);
  });

  test('29 earlier days of play (moved back in time) fill the chart; today stays empty', async () => {
    await playHistory(29);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await waitForText(page.getByRole('heading', { name: /GGR and RTP by day, last 30 days \(USD\)/ }), /USD/);
    await waitForText(page.locator('main'), /No bets or wins yet today \(UTC\)/);
    await oneChart();
    await waitForText(page.getByText(/The figures behind the chart/), /\(29 days with play\)/);
  });

  test("a bet and a win over HTTP, on both surfaces, change today's figures after a refresh", async () => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    for (const user of [alice, bob]) await fundPlayer(server.ctx, playerAccount(user, 'USD'), 100_000n, `fund-${user}`);
    await aggregatorRound(alice, 1_000, 250);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await waitForText(figure('USD', 'Bets'), /^10\.00$/);
    await waitForText(figure('USD', 'Wins'), /^2\.50$/);
    await waitForText(figure('USD', 'GGR'), /^7\.50$/);
    await waitForText(figure('USD', 'NGR'), /^7\.50$/);
    await waitForText(figure('USD', 'Active players'), /^1$/);
    await waitForText(page.getByRole('region', { name: 'Today in USD' }), /1 placed.*RTP 25\.00 %/);

    // The casino callbacks (the built-in provider's surface): a losing round for the house this time.
    await casinoRound(bob, 500, 2_000);
    await aggregatorRound(alice, 300, 0, 'acme:roulette');
    await page.reload();
    await waitForText(figure('USD', 'Bets'), /^18\.00$/);
    await waitForText(figure('USD', 'Wins'), /^22\.50$/);
    await waitForText(figure('USD', 'GGR'), /^−4\.50$/);
    await waitForText(figure('USD', 'Active players'), /^2$/);
    await waitForText(page.getByRole('region', { name: 'Today in USD' }), /3 placed.*RTP 125\.00 %/);
    const totals = await todayTotals();
    assert.deepEqual([totals.bets, totals.wins, totals.ggr, totals.ngr], [1_800, 2_250, -450, -450]);
    assert.match((await figure('USD', 'GGR').getAttribute('class')) ?? '', /negative/);

    // The chart of the last 30 days, and the table behind it: today's row.
    await oneChart();
    await page.getByText(/The figures behind the chart/).click();
    const table = page.getByRole('table', { name: 'GGR and RTP by day' });
    await waitForText(table.getByRole('row', { name: new RegExp(TODAY) }), /USD.*3.*18\.00.*22\.50.*−4\.50.*125\.00 %/);
    assert.equal(await table.locator('tbody tr').count(), 30);
    // The 30 days' line under the chart is the report's total, to the cent.
    const month = await call(
      server.url,
      'GET',
      `/v1/reports/games?from=${new Date(Date.parse(TODAY) - 29 * 86_400_000).toISOString()}&to=${new Date(Date.parse(TODAY) + 86_400_000).toISOString()}`,
      undefined,
      ADMIN,
    );
    const usd = month.json.totals[0];
    const cents = (minor: number) =>
      (minor / 100)
        .toFixed(2)
        .replace(/\B(?=(\d{3})+(?!\d))/g, ',')
        .replace('-', '−');
    await waitForText(
      page.locator('.chart-summary'),
      new RegExp(`bets ${cents(usd.bets)}, wins ${cents(usd.wins)}, GGR ${cents(usd.ggr)}`),
    );
    await page.getByText(/The figures behind the chart/).click();
    await screenshot('dashboard');
  });
});

describe('reports page', () => {
  before(async () => {
    // 30 players with sums at the edge of the wire's integers on one day of 2001 (GOLD_COINS has no
    // minor unit): the day's totals go beyond 2^53 − 1, which only exact digits can show.
    const max = 9_007_199_254_740_991n;
    for (let i = 1; i <= 30; i++) {
      await server.db.sql`
        insert into game_rollups (player, currency, hour_start, surface, provider, game, actions, bet_count, bets_minor, wins_minor, win_count)
        values (${`big-${String(i).padStart(2, '0')}`}, 'GOLD_COINS', '2001-02-03T04:00:00Z', 'aggregator', 'acme', 'slot', 2, 1, ${String(max)}, ${String(max - 3n)}, 1)`;
    }
  });

  test('by day over the last 7 days by default; today by game with a chart, and the CSV holds the table rows', async () => {
    await nav('Reports').click();
    await page.waitForURL(/#\/reports$/);
    await waitForText(page.locator('main'), /All times are UTC/);
    const table = page.getByRole('table', { name: 'Report rows' });
    await waitForText(table.getByRole('row', { name: new RegExp(TODAY) }), /USD.*3.*18\.00.*22\.50.*−4\.50.*125\.00 %/);
    await oneChart();
    assert.equal(await table.locator('tbody tr').count(), 7, 'a row for each of the 7 days');

    await page.getByRole('button', { name: 'Today' }).click();
    await waitForText(page.locator('.pager'), /Rows 1–1 of 1/);
    await page.getByRole('checkbox', { name: 'Day' }).uncheck();
    await page.getByRole('checkbox', { name: 'Game' }).check();
    await page.waitForURL(/group_by=game/);
    await waitForText(page.getByRole('heading', { name: /Games report by game/ }), /by game/);
    const rows = table.locator('tbody tr');
    await waitForText(rows.nth(2), /jaqpot/);
    assert.deepEqual(
      (await rows.allTextContents()).map((t) => t.replace(/\s+/g, ' ')),
      [
        'acmerouletteUSD13.000.000.000.003.000.00 %',
        'acmeslotUSD110.002.500.000.007.5025.00 %',
        'jaqpot1USD15.0020.000.000.00−15.00400.00 %',
      ],
    );
    await waitForText(table.locator('tfoot'), /Total of all 3 rows.*USD.*18\.00.*22\.50.*−4\.50/);
    await oneChart();
    await page.getByLabel('Bars show').selectOption('bets');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV (3 rows)' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^games-report_game_.*\.csv$/);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    assert.equal(
      csv,
      [
        '"provider","game","currency","bet_count","bets","wins","bonus_bets","bonus_wins","ggr","rtp"',
        '"acme","roulette","USD","1","3.00","0.00","0.00","0.00","3.00","0"',
        '"acme","slot","USD","1","10.00","2.50","0.00","0.00","7.50","0.25"',
        '"jaqpot","1","USD","1","5.00","20.00","0.00","0.00","-15.00","4"',
        '',
      ].join('\r\n'),
    );

    // The last 30 days by game: the history's games too, for the README.
    await page.getByRole('button', { name: 'Last 30 days' }).click();
    await waitForText(page.locator('.pager'), /Rows 1–5 of 5/);
    await page.getByLabel('Bars show').selectOption('ggr');
    await screenshot('reports');
  });

  test('a window of 2001 by player: exact sums beyond 2^53 − 1, paging, and a CSV of every page', async () => {
    await page.getByLabel('From (UTC, included)').fill('2001-02-03T00:00');
    await page.getByLabel('To (UTC, excluded)').fill('2001-02-04T00:00');
    await page.getByRole('checkbox', { name: 'Game' }).uncheck();
    await page.getByRole('checkbox', { name: 'Player' }).check();
    await page.getByRole('button', { name: 'Show report' }).click();
    await page.waitForURL(/from=2001-02-03/);
    const table = page.getByRole('table', { name: 'Report rows' });
    await waitForText(page.locator('.pager'), /Rows 1–50 of 30|Rows 1–30 of 30/);
    await page.getByLabel('Rows per page').selectOption('25');
    await waitForText(page.locator('.pager'), /Rows 1–25 of 30 · page 1 of 2/);
    await waitForText(table.locator('tbody tr').first(), /big-01GOLD_COINS19,007,199,254,740,9919,007,199,254,740,988/);
    // 30 × (2^53 − 1) = 270,215,977,642,229,730: a double would say …229,728.
    await waitForText(
      table.locator('tfoot'),
      /Total of all 30 rows.*GOLD_COINS.*30.*270,215,977,642,229,730.*270,215,977,642,229,640.*90/,
    );
    await page.getByRole('button', { name: 'Next →' }).click();
    await waitForText(page.locator('.pager'), /Rows 26–30 of 30 · page 2 of 2/);
    assert.equal(await table.locator('tbody tr').count(), 5);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV (30 rows)' }).click(),
    ]);
    const lines = fs
      .readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\r\n');
    assert.equal(lines.length, 1 + 30);
    assert.equal(lines[1], '"big-01","GOLD_COINS","1","9007199254740991","9007199254740988","0","0","3","1"');
    assert.equal(lines[30], '"big-30","GOLD_COINS","1","9007199254740991","9007199254740988","0","0","3","1"');
  });

  test('NGR: by day and player only; a window ending before it starts is refused with the API message', async () => {
    await page.getByRole('radio', { name: /NGR/ }).check();
    await page.waitForURL(/kind=ngr/);
    assert.equal(await page.getByRole('checkbox', { name: 'Game' }).isDisabled(), true);
    assert.equal(await page.getByRole('textbox', { name: 'Provider' }).isDisabled(), true);
    const table = page.getByRole('table', { name: 'Report rows' });
    await waitForText(table.locator('thead'), /Bonus cost.*NGR/);
    await page.getByRole('button', { name: 'Today' }).click();
    await page.getByRole('checkbox', { name: 'Player' }).uncheck();
    await page.getByRole('checkbox', { name: 'Day' }).check();
    await waitForText(
      table.getByRole('row', { name: new RegExp(TODAY) }),
      /USD.*18\.00.*22\.50.*−4\.50.*0\.00.*−4\.50/,
    );

    await page.getByLabel('From (UTC, included)').fill('2026-01-02T00:00');
    await page.getByLabel('To (UTC, excluded)').fill('2026-01-01T00:00');
    await page.getByRole('button', { name: 'Show report' }).click();
    await waitForText(page.getByRole('alert'), /to must not be before from/);
  });

  test('at 390 px the dashboard and the reports fit the screen', async () => {
    await page.setViewportSize(PHONE);
    for (const [hash, name] of [
      ['#/dashboard', 'mobile-dashboard'],
      ['#/reports?group_by=game', 'mobile-reports'],
    ]) {
      await goto(hash);
      await page.waitForLoadState('networkidle');
      await page.locator('.chart canvas').first().waitFor();
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
