import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { checkBenchBonuses, grantBenchBonuses } from '../../bench/bonus.ts';
import { PlayerBook } from '../../bench/consistency.ts';
import { formatReport } from '../../bench/report.ts';
import { runBench, type BenchOptions } from '../../bench/run.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { processCall } from '../aggregator/helpers.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';

/** `croupier bench --bonus`: every stake paid from an active bonus, and the end-of-run bonus check. */
const KEY = 'dev-admin-key';

/** A short W1 --bonus run against the suite's PostgreSQL, with the ledger verified after it. */
function bonusBenchOptions(overrides: Partial<BenchOptions>): BenchOptions {
  const database_url = process.env.CROUPIER_TEST_ADMIN_URL ?? process.env.DATABASE_URL;
  assert.ok(database_url, 'run with `npm test` (it provides a PostgreSQL)');
  return {
    workload: 'W1',
    players: 20,
    connections: 8,
    duration_s: 2,
    warmup_s: 0.5,
    requests_max: null,
    timeout_ms: 10_000,
    url: null,
    ceiling: false,
    prefill_actions: 0,
    baseline: false,
    seed: 5,
    database_url,
    aggregator_secret: 'test',
    admin_api_key: KEY,
    server_cpu_prof_dir: null,
    verify_ledger: true,
    poison_share: 0,
    bonus: true,
    plain_rounds: 0,
    ...overrides,
  };
}

describe('the bonus check', () => {
  let s: TestServer;
  let pool: Pool;
  before(async () => {
    s = await startTestServer();
    pool = new Pool(s.url, { connections: 4 });
  });
  after(async () => {
    await pool.destroy();
    await s.close();
  });

  test('grants are active and paid from bonus; a wrong stake total, cash or an ended grant is caught', async () => {
    const ids = [0, 1, 2].map((i) => `bench-bonus-${process.pid}-${i}`);
    const setup = await grantBenchBonuses(pool, KEY, ids, 1_000_000n, 10_000);
    assert.equal(setup.wagering_multiplier, 100);
    assert.equal(setup.contribution_percent, 100);
    const game = (await call(s.url, 'GET', '/v1/games?limit=1000', undefined, { authorization: `Bearer ${KEY}` })).json
      .games;
    assert.ok(
      game.some(
        (g: { provider: string; game: string; category: string }) =>
          g.provider === 'bench' && g.game === 'slot' && g.category === 'slots',
      ),
    );
    const bet = await processCall(s.url, {
      user_id: ids[0],
      currency: 'USD',
      game: 'bench:slot',
      game_id: 'bench-bonus-round',
      finished: true,
      actions: [
        { action: 'bet', action_id: 'bb-1', amount: 700 },
        { action: 'win', action_id: 'bb-1w', amount: 300 },
      ],
    });
    assert.equal(bet.status, 200, bet.text);

    const book = new PlayerBook(ids, 1_000_000n);
    book.acknowledge(0, 300 - 700, 700);
    const ok = await checkBenchBonuses(pool, KEY, book, setup, 10_000);
    assert.deepEqual(
      [ok.players_checked, ok.active, ok.with_cash, ok.wagered_minor, ok.staked_minor, ok.wagered_matches, ok.problems],
      [3, 3, 0, 700n, 700n, true, []],
    );

    const wrong = new PlayerBook(ids, 1_000_000n);
    wrong.acknowledge(0, 300 - 700, 700);
    wrong.acknowledge(1, -50, 50);
    const mismatch = await checkBenchBonuses(pool, KEY, wrong, setup, 10_000);
    assert.equal(mismatch.wagered_matches, false);
    assert.match(mismatch.problems.join('\n'), new RegExp(`${ids[1]}: wagered 0, but the acknowledged stakes are 50`));

    // Cash in a bonus player's wallet, and a grant that ended: both named.
    const topup = await call(
      s.url,
      'POST',
      `/v1/wallets/${ids[1]}/topup`,
      { asset: 'USD', amount: 5 },
      { authorization: `Bearer ${KEY}`, 'idempotency-key': randomUUID() },
    );
    assert.equal(topup.status, 201, topup.text);
    const [grant] = (
      await call(s.url, 'GET', `/v1/players/${ids[2]}/bonuses`, undefined, { authorization: `Bearer ${KEY}` })
    ).json.data;
    const forfeit = await call(s.url, 'POST', `/v1/players/${ids[2]}/bonuses/${grant.bonusId}/forfeit`, undefined, {
      authorization: `Bearer ${KEY}`,
      'idempotency-key': randomUUID(),
    });
    assert.equal(forfeit.status, 200, forfeit.text);
    const broken = await checkBenchBonuses(pool, KEY, book, setup, 10_000);
    assert.equal(broken.active, 2);
    assert.equal(broken.with_cash, 1);
    assert.match(broken.problems.join('\n'), new RegExp(`${ids[1]}: holds 5 cash`));
    assert.match(broken.problems.join('\n'), new RegExp(`${ids[2]}: its bonus is forfeited, not active`));
  });
});

test(
  'a short W1 --bonus against a spawned server: zero errors, CONSISTENT, every grant active, wagered = stakes, verified',
  { timeout: 180_000 },
  async () => {
    const options = bonusBenchOptions({ players: 20, connections: 8, duration_s: 2, warmup_s: 0.5, seed: 5 });
    const report = await runBench(options, { logger: createLogger('silent') });
    const text = formatReport(report);
    assert.deepEqual(report.failures, [], text);
    assert.equal(report.errors_total, 0, text);
    assert.equal(report.consistency?.status, 'CONSISTENT', text);
    assert.equal(report.ledger_verified, true, text);
    assert.ok(report.croupier && report.croupier.requests > 0, text);
    const check = report.bonus?.check;
    assert.ok(check, text);
    assert.equal(check.active, 20);
    assert.equal(check.with_cash, 0);
    assert.equal(check.wagered_matches, true);
    assert.ok(check.wagered_minor > 0n && check.wagered_minor === check.staked_minor, text);
    assert.match(text, /W1 with bonuses/);
    assert.match(text, /20 of 20 grants active, 0 players with cash/);
  },
);

test(
  '--bonus --rounds 1: plain, bonus, bonus, plain on one server, both sets of players consistent, the ratio of the means',
  { timeout: 180_000 },
  async () => {
    const options = bonusBenchOptions({
      players: 12,
      connections: 6,
      duration_s: 0.8,
      warmup_s: 0.2,
      seed: 9,
      plain_rounds: 1,
    });
    const report = await runBench(options, { logger: createLogger('silent') });
    const text = formatReport(report);
    assert.deepEqual(report.failures, [], text);
    const c = report.comparison;
    assert.ok(c, text);
    assert.deepEqual(
      c.phases.map((p) => p.workload),
      ['plain', 'bonus', 'bonus', 'plain'],
    );
    assert.ok(
      c.phases.every((p) => p.requests_per_s > 0 && p.errors_total === 0),
      text,
    );
    const mean = (w: string) => {
      const of = c.phases.filter((p) => p.workload === w);
      return of.reduce((n, p) => n + p.requests_per_s, 0) / of.length;
    };
    assert.equal(c.ratio, Math.round((mean('bonus') / mean('plain')) * 1000) / 1000);
    // `croupier` is the first bonus phase, not a fifth one.
    assert.equal(report.croupier?.requests_per_s, c.phases[1].requests_per_s);
    // Both sets of players are checked: the bonus players (still all bonus money) and the cash ones.
    assert.equal(report.consistency?.status, 'CONSISTENT', text);
    assert.equal(report.consistency?.players_checked, 24, text);
    assert.equal(report.ledger_verified, true, text);
    const check = report.bonus?.check;
    assert.ok(check, text);
    assert.equal(check.active, 12);
    assert.equal(check.with_cash, 0);
    assert.equal(check.wagered_matches, true);
    assert.match(text, /bonus vs plain on this server, 1 round\(s\)/);
    assert.match(text, /the bonus workload reaches [\d.]+ % of plain/);
  },
);
