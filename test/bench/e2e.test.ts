import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../src/platform/child-process.ts';
import { formatReport } from '../../bench/report.ts';
import { runBench, type BenchOptions } from '../../bench/run.ts';
import { createLogger } from '../../src/platform/logger.ts';

/** The real thing only once the aggregator module registers its endpoint. */
function aggregatorEndpointPresent(): boolean {
  const routes = path.join(REPO_ROOT, 'src/aggregator/routes.ts');
  return fs.existsSync(routes) && fs.readFileSync(routes, 'utf8').includes("'/aggregator/takehome/process'");
}

test(
  'a short bench against a spawned server (with the ceiling first) has zero errors and is CONSISTENT',
  { timeout: 180_000 },
  async (t) => {
    if (!aggregatorEndpointPresent()) {
      t.skip('aggregator endpoint not present');
      return;
    }
    const database_url = process.env.CROUPIER_TEST_ADMIN_URL ?? process.env.DATABASE_URL;
    assert.ok(database_url, 'run with `npm test` (it provides a PostgreSQL)');
    const options: BenchOptions = {
      workload: 'W1',
      players: 20,
      connections: 8,
      duration_s: 3,
      warmup_s: 1,
      requests_max: null,
      timeout_ms: 10_000,
      url: null,
      ceiling: true,
      prefill_actions: 0,
      baseline: false,
      seed: 7,
      database_url,
      aggregator_secret: 'test',
      admin_api_key: 'dev-admin-key',
      server_cpu_prof_dir: null,
      verify_ledger: true,
      // 5 % poisoned requests: each must be refused 400 at the door, none may count as an error or move money.
      poison_share: 0.05,
      bonus: false,
      plain_rounds: 0,
    };
    const report = await runBench(options, { logger: createLogger('silent') });
    const text = formatReport(report);
    assert.deepEqual(report.failures, [], text);
    assert.equal(report.errors_total, 0, text);
    assert.equal(report.consistency?.status, 'CONSISTENT', text);
    assert.equal(report.consistency?.players_checked, 20);
    assert.equal(report.ledger_verified, true, text);
    assert.ok(report.croupier && report.croupier.requests > 0, text);
    assert.ok(report.croupier.poison_refused > 0, `poison requests were sent and refused: ${text}`);
    assert.ok(report.ceiling && report.ceiling.requests > 0, text);
    assert.ok(report.ceiling_ratio !== null && report.ceiling_ratio > 0, text);
    assert.ok((report.server_max_rss_bytes ?? 0) > 10 * 1024 * 1024, "the server child's RSS was sampled");
    assert.ok(
      report.croupier.server_metrics && report.croupier.server_metrics.ledger_batches > 0,
      "the server's /metrics were read",
    );
    assert.match(text, /consistency: CONSISTENT/);
    assert.match(text, /result: PASS/);
  },
);
