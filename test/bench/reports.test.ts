import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReportsBench, type ReportsBenchReport } from '../../bench/reports.ts';
import { REPORT_SAMPLES_DEFAULT, REPORTS_PREFILL_DEFAULT } from '../../bench/limits.ts';
import { reportsBenchOptions, WORKLOAD_PLAYERS } from '../../src/cli/commands/bench.ts';

const env = { database_url: undefined, aggregator_secret: 'a', casino_secret: 'c', admin_api_key: 'k' };

test('--workload reports: defaults, bounds, and no --url (it needs its own database to move rows in)', () => {
  const options = reportsBenchOptions({}, env);
  assert.equal(options.prefill_actions, REPORTS_PREFILL_DEFAULT);
  assert.equal(options.samples, REPORT_SAMPLES_DEFAULT);
  assert.equal(options.players, WORKLOAD_PLAYERS.W1);
  assert.equal(options.casino_secret, 'c');
  assert.equal(reportsBenchOptions({ 'prefill-actions': '1000000', samples: '5' }, env).prefill_actions, 1_000_000);
  assert.throws(() => reportsBenchOptions({ samples: '0' }, env), /--samples/);
  assert.throws(() => reportsBenchOptions({ 'prefill-actions': '0' }, env), /--prefill-actions/);
  assert.throws(() => reportsBenchOptions({ url: 'http://127.0.0.1:3000' }, env), /--url/);
  assert.equal(options.keep_database, false);
  assert.throws(() => reportsBenchOptions({ 'keep-database': true }, env), /DATABASE_URL/);
  const on_url = { ...env, database_url: 'postgres://x/y' };
  assert.equal(reportsBenchOptions({ 'keep-database': true }, on_url).keep_database, true);
});

test('the text report has one line per shape and lists failures', () => {
  const shape = {
    endpoint: 'games' as const,
    group_by: 'day,player',
    window: 'hour' as const,
    aligned: false,
    samples: 20,
    p50_ms: 1.5,
    p99_ms: 9.25,
    max_ms: 12,
    rows: 7,
  };
  const report: ReportsBenchReport = {
    run_id: 'r',
    started_at: '',
    finished_at: '',
    database: 'db',
    options: { prefill_actions: 10, players: 1, samples: 20, seed: 1, database_url: null, keep_database: false },
    fill: {
      actions: 10,
      aggregator_requests: 1,
      casino_callbacks: 0,
      rollbacks: 0,
      seconds: 1,
      spread_from: 'a',
      spread_to: 'b',
    },
    table_rows: { aggregator_actions: 10, seamless_transactions: 0, game_rollups: 1 },
    shapes: [shape, { ...shape, group_by: '', aligned: true }],
    failures: ['boom'],
  };
  const text = formatReportsBench(report);
  assert.match(text, /\| games \| day,player \| hour \| no \| 1\.5 \| 9\.3 \| 12\.0 \| 7 \|/);
  assert.match(text, /\| games \| \(none\) \| hour \| yes \|/);
  assert.match(text, /FAILURES \(1\):\nboom/);
});
