import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pool } from 'undici';
import { buildCeiling, CEILING_BODY } from '../../bench/ceiling-server.ts';
import { checkConsistency, PlayerBook } from '../../bench/consistency.ts';
import { AGGREGATOR_PATH, readBalances, replayUnknown } from '../../bench/http.ts';
import { FUND_MINOR } from '../../bench/limits.ts';
import { authorizationFor, Rng, RoundSource, runPhase } from '../../bench/load.ts';
import { runBench, type BenchOptions } from '../../bench/run.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startFakeAggregator, type Fake, type FakeOptions } from './fake-aggregator.ts';

const fakes: Fake[] = [];
after(async () => {
  for (const fake of fakes) await fake.close();
});

async function fake(options: FakeOptions = {}): Promise<Fake> {
  const f = await startFakeAggregator(options);
  fakes.push(f);
  return f;
}

/** A short load phase against a fake, then the end-of-run replay and consistency check, as `croupier bench` does. */
async function loadAndCheck(
  target: Fake,
  phase: { requests_max?: number; warmup_s?: number; duration_s?: number } = {},
) {
  const ids = Array.from({ length: 12 }, (_, i) => `gen-${i}`);
  for (const id of ids) target.balances.set(id, 1_000_000);
  const book = new PlayerBook(ids, 1_000_000n);
  const pool = new Pool(target.url, { connections: 8 });
  try {
    const result = await runPhase({
      label: 'test',
      url: target.url,
      path: AGGREGATOR_PATH,
      book,
      connections: 8,
      timeout_ms: 5000,
      source: new RoundSource(ids, 'gen.', 'test', new Rng(1), 1),
      warmup_s: phase.warmup_s ?? 0.2,
      duration_s: phase.duration_s ?? 0.8,
      requests_max: phase.requests_max ?? null,
    });
    target.faults.drop_after_apply_every = undefined;
    target.faults.refuse_503_every = undefined;
    target.faults.double_win_every = undefined;
    const replay = await replayUnknown(pool, AGGREGATOR_PATH, result.unknown, book, 5000);
    const consistency = checkConsistency(book, await readBalances(pool, AGGREGATOR_PATH, 'test', ids, 5000));
    return { result, replay, consistency };
  } finally {
    await pool.destroy();
  }
}

describe('load generator', () => {
  test('sends signed bet + win rounds that a correct server acknowledges, and the balances add up', async () => {
    const target = await fake();
    const { result, consistency } = await loadAndCheck(target);
    assert.equal(result.errors_total, 0, JSON.stringify(result.errors));
    assert.ok(result.requests > 0, 'some requests were measured');
    assert.equal(result.actions, 2 * result.requests);
    assert.equal(result.latency.count, result.requests);
    assert.equal(target.money_requests, result.requests_sent);
    assert.ok(result.window_s > 0.6 && result.window_s < 2, `window ${result.window_s} s`);
    assert.ok(result.requests_per_s > 0);
    assert.equal(consistency.status, 'CONSISTENT');
  });

  test('replays requests whose connection broke after the server applied them, and still finds the balances consistent', async () => {
    const target = await fake({ drop_after_apply_every: 7 });
    const { result, replay, consistency } = await loadAndCheck(target);
    assert.ok(result.errors_total > 0);
    assert.ok(
      Object.keys(result.errors).every((k) => k.startsWith('network ')),
      JSON.stringify(result.errors),
    );
    assert.equal(replay.replayed, result.unknown.length);
    assert.equal(replay.applied, replay.replayed, 'each replay is answered 200 (idempotent)');
    assert.equal(consistency.status, 'CONSISTENT');
  });

  test('counts 5xx answers by status and code and replays them', async () => {
    const target = await fake({ refuse_503_every: 5 });
    const { result, replay, consistency } = await loadAndCheck(target);
    assert.deepEqual(Object.keys(result.errors), ['503 code BUSY']);
    assert.equal(replay.replayed, result.errors['503 code BUSY']);
    assert.equal(consistency.status, 'CONSISTENT');
  });

  test('detects a server that credits some wins twice', async () => {
    const target = await fake({ double_win_every: 11 });
    const { result, consistency } = await loadAndCheck(target);
    assert.equal(result.errors_total, 0);
    assert.equal(consistency.status, 'INCONSISTENT');
    assert.ok(consistency.mismatches.length > 0);
    for (const m of consistency.mismatches) assert.ok(m.actual_minor !== null && m.actual_minor > m.expected_minor);
  });

  test('stops after --requests requests sent after the warm-up', async () => {
    const target = await fake();
    const { result } = await loadAndCheck(target, { warmup_s: 0, duration_s: 30, requests_max: 50 });
    assert.equal(result.stop_reason, 'requests');
    assert.equal(result.requests_sent, 50);
    assert.equal(result.requests, 50);
  });

  test('prefill requests carry 50 rounds (100 actions) with unique action ids', () => {
    const source = new RoundSource(['p'], 'x.', 'test', new Rng(5), 50);
    const into = { body: '', authorization: '', player: 0, net_minor: 0, actions: 0 };
    source.next(into);
    const body = JSON.parse(into.body) as { actions: { action: string; action_id: string; amount: number }[] };
    assert.equal(body.actions.length, 100);
    assert.equal(new Set(body.actions.map((a) => a.action_id)).size, 100);
    let net = 0;
    for (let i = 0; i < 100; i += 2) {
      const [bet, win] = [body.actions[i], body.actions[i + 1]];
      assert.equal(bet.action, 'bet');
      assert.equal(win.action, 'win');
      assert.ok(bet.amount >= 1 && win.amount >= 0 && win.amount <= 2 * bet.amount);
      net += win.amount - bet.amount;
    }
    assert.equal(into.net_minor, net);
    assert.equal(into.authorization, authorizationFor('test', into.body));
  });
});

function urlOptions(url: string): BenchOptions {
  return {
    workload: 'W1',
    players: 10,
    connections: 4,
    duration_s: 0.5,
    warmup_s: 0.2,
    requests_max: null,
    timeout_ms: 5000,
    url,
    ceiling: false,
    prefill_actions: 0,
    baseline: false,
    seed: 1,
    database_url: null,
    aggregator_secret: 'test',
    admin_api_key: 'dev-admin-key',
    server_cpu_prof_dir: null,
    verify_ledger: false,
    poison_share: 0,
    bonus: false,
    plain_rounds: 0,
  };
}

describe('croupier bench --url', () => {
  test('funds through the wallet top-up, runs, and reports CONSISTENT with no failures', async () => {
    const target = await fake({ topup: true });
    const report = await runBench(urlOptions(target.url), { logger: createLogger('silent') });
    assert.deepEqual(report.failures, []);
    assert.equal(report.consistency?.status, 'CONSISTENT');
    assert.equal(report.croupier?.errors_total, 0);
    assert.equal(report.server_max_rss_bytes, null, 'a server we did not start is not observed');
    assert.equal([...target.balances.keys()].filter((k) => k.startsWith(`bench-${report.run_id}-`)).length, 10);
    assert.ok([...target.balances.values()].every((b) => b >= 0 && b <= Number(FUND_MINOR) * 2));
  });

  test('refuses clearly when the server has no top-up endpoint', async () => {
    const target = await fake({ topup: false });
    await assert.rejects(
      runBench(urlOptions(target.url), { logger: createLogger('silent') }),
      /POST \/v1\/wallets\/\{id\}\/topup/,
    );
  });
});

describe('ceiling server', () => {
  test('answers the fixed body to a correctly signed request and 403 to a wrong signature', async () => {
    const app = await buildCeiling('test');
    try {
      const body = '{"user_id":"u","currency":"USD"}';
      const ok = await app.inject({
        method: 'POST',
        url: AGGREGATOR_PATH,
        payload: body,
        headers: { 'content-type': 'application/json', authorization: authorizationFor('test', body) },
      });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.body, CEILING_BODY);
      const bad = await app.inject({
        method: 'POST',
        url: AGGREGATOR_PATH,
        payload: body,
        headers: { 'content-type': 'application/json', authorization: authorizationFor('nope', body) },
      });
      assert.equal(bad.statusCode, 403);
      const missing = await app.inject({
        method: 'POST',
        url: AGGREGATOR_PATH,
        payload: body,
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(missing.statusCode, 403);
    } finally {
      await app.close();
    }
  });
});
