import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFreshnessBench, type FreshnessReport } from '../../bench/freshness.ts';
import { freshnessBenchOptions } from '../../src/cli/commands/bench.ts';

const env = { database_url: undefined, admin_api_key: 'k' };

test('--workload freshness: the SPEC peak ×10 for 12 minutes by default; scales divide 60, late windows scale, runs stay short', () => {
  const o = freshnessBenchOptions({}, env);
  assert.deepEqual(
    { rate: o.rate_per_min, late_share: o.late_share, late_max_s: o.late_max_s, scale: o.scale, minutes: o.minutes },
    { rate: 5000, late_share: 0, late_max_s: 0, scale: 10, minutes: 12 },
  );
  assert.equal(freshnessBenchOptions({ 'late-share': '0.02' }, env).late_max_s, 60, 'late items: 60 s by default');
  assert.throws(() => freshnessBenchOptions({ scale: '7' }, env), /--scale must divide 60/);
  assert.throws(() => freshnessBenchOptions({ 'late-share': '0.02', 'late-max-s': '45' }, env), /multiple of --scale/);
  assert.throws(() => freshnessBenchOptions({ minutes: '30' }, env), /at most 150/);
  assert.equal(freshnessBenchOptions({ minutes: '30', scale: '20' }, env).minutes, 30);
  assert.throws(() => freshnessBenchOptions({ rate: '5001' }, env), /--rate/);
  assert.throws(() => freshnessBenchOptions({ url: 'http://x' }, env), /--url/);
});

test('the text report states the lag against the bound, throttling, and the exact comparison', () => {
  const report: FreshnessReport = {
    run_id: 'r',
    started_at: '',
    finished_at: '',
    options: {
      rate_per_min: 5000,
      late_share: 0,
      late_max_s: 0,
      scale: 10,
      minutes: 12,
      users: 1000,
      seed: 1,
      database_url: null,
    },
    database: 'db',
    real: { budget: '5/6s', late_max_s: 0, mock_rate_per_real_min: 50_000, measured_s: 72 },
    first_walk_s: 21,
    lag: { max_s: 49.6, p50_s: 32, p95_s: 42, samples: 281 },
    bound_s: 120,
    bound_held: true,
    series: [[0, 30]],
    requests: { sent: 63, throttled: 0, throttled_share: 0, errors: 0, last_error: null },
    mock: { requests_total: 63, served_total: 63, throttled_total: 0 },
    items_total: 62_167,
    truth: { at: 'T', items: 60_917, users: 1000, equal: true, mismatches: [], read_model_equal: true },
    failures: [],
  };
  const text = formatFreshnessBench(report);
  assert.match(text, /highest 50 s, p50 32 s, p95 42 s — bound 120 s held/);
  assert.match(text, /63 sent, 0 throttled \(0\.0 %\)/);
  assert.match(text, /60917 items over 1000 users — equal to the mock’s truth, to the cent/);
  const missed = formatFreshnessBench({
    ...report,
    bound_held: false,
    truth: null,
    failures: ['the lag reached 131 s'],
  });
  assert.match(missed, /NOT HELD/);
  assert.match(missed, /not checked/);
  assert.match(missed, /FAILURES \(1\):\nthe lag reached 131 s/);
});
