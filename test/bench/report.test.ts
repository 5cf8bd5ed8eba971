import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMetrics, windowMetrics } from '../../bench/metrics.ts';
import { benchOptions, WORKLOAD_PLAYERS } from '../../src/cli/commands/bench.ts';

const env = { database_url: undefined, aggregator_secret: 'test', admin_api_key: 'dev-admin-key' };

describe('bench options', () => {
  test('W1 and W2 set the number of players, --players overrides it', () => {
    assert.equal(benchOptions({}, env).players, WORKLOAD_PLAYERS.W1);
    assert.equal(benchOptions({ workload: 'w2' }, env).players, WORKLOAD_PLAYERS.W2);
    assert.equal(benchOptions({ workload: 'W2', players: '33' }, env).players, 33);
  });

  test('refuses values outside their bounds, naming the option', () => {
    assert.throws(() => benchOptions({ duration: '601' }, env), /--duration/);
    assert.throws(() => benchOptions({ connections: '0' }, env), /--connections/);
    assert.throws(() => benchOptions({ players: '1.5' }, env), /--players/);
    assert.throws(() => benchOptions({ workload: 'W3' }, env), /--workload/);
    assert.throws(() => benchOptions({ url: 'ftp://x' }, env), /--url/);
  });

  test('--rounds takes turns with the plain workload only with --bonus, without a prefill, within its bound', () => {
    assert.equal(benchOptions({ bonus: true }, env).plain_rounds, 0);
    assert.equal(benchOptions({ bonus: true, rounds: '3' }, env).plain_rounds, 3);
    assert.throws(() => benchOptions({ rounds: '3' }, env), /--rounds is for --bonus/);
    assert.throws(() => benchOptions({ bonus: true, rounds: '3', 'prefill-actions': '100' }, env), /--prefill-actions/);
    assert.throws(() => benchOptions({ bonus: true, rounds: '11' }, env), /--rounds/);
    assert.throws(() => benchOptions({ bonus: true, rounds: '0' }, env), /--rounds/);
  });

  test('a prefill measures the empty database first unless told not to; --url ignores DATABASE_URL', () => {
    assert.equal(benchOptions({ 'prefill-actions': '1000' }, env).baseline, true);
    assert.equal(benchOptions({ 'prefill-actions': '1000', 'skip-baseline': true }, env).baseline, false);
    assert.equal(benchOptions({}, env).baseline, false);
    const with_db = { ...env, database_url: 'postgres://x/y' };
    assert.equal(benchOptions({}, with_db).database_url, 'postgres://x/y');
    assert.equal(benchOptions({ url: 'http://127.0.0.1:3000' }, with_db).database_url, null);
  });
});

describe('server metrics over a window', () => {
  const before = parseMetrics(
    [
      '# HELP croupier_ledger_batch_size Commands per group-commit transaction',
      'croupier_ledger_batch_size_bucket{le="1"} 10',
      'croupier_ledger_batch_size_bucket{le="10"} 10',
      'croupier_ledger_batch_size_bucket{le="+Inf"} 10',
      'croupier_ledger_batch_size_sum 10',
      'croupier_ledger_batch_size_count 10',
      'croupier_ledger_batch_duration_seconds_sum 0.1',
      'croupier_ledger_batch_duration_seconds_count 10',
      'croupier_http_request_duration_seconds_sum{method="POST",route="/aggregator/takehome/process"} 1',
      'croupier_http_request_duration_seconds_count{method="POST",route="/aggregator/takehome/process"} 10',
    ].join('\n'),
  );
  const after = parseMetrics(
    [
      'croupier_ledger_batch_size_bucket{le="1"} 12',
      'croupier_ledger_batch_size_bucket{le="10"} 16',
      'croupier_ledger_batch_size_bucket{le="+Inf"} 20',
      'croupier_ledger_batch_size_sum 150',
      'croupier_ledger_batch_size_count 20',
      'croupier_ledger_batch_duration_seconds_sum 0.3',
      'croupier_ledger_batch_duration_seconds_count 20',
      'croupier_ledger_batch_retries_total{sqlstate="40P01"} 2',
      'croupier_ledger_batch_phase_seconds_sum{phase="read"} 0.05',
      'croupier_ledger_batch_phase_seconds_count{phase="read"} 10',
      'croupier_ledger_batch_phase_seconds_sum{phase="write"} 0.04',
      'croupier_ledger_batch_phase_seconds_count{phase="write"} 10',
      'croupier_http_request_duration_seconds_sum{method="POST",route="/aggregator/takehome/process"} 3',
      'croupier_http_request_duration_seconds_count{method="POST",route="/aggregator/takehome/process"} 110',
      'nodejs_eventloop_lag_p99_seconds 0.012',
    ].join('\n'),
  );

  test('counts only what happened between the two scrapes', () => {
    const m = windowMetrics(before, after);
    assert.equal(m.ledger_batches, 10);
    assert.equal(m.ledger_batch_size_mean, 14);
    assert.deepEqual(m.ledger_batch_size_distribution, { '≤1': 0.2, '≤10': 0.4, '>last': 0.4 });
    assert.equal(m.ledger_batch_duration_mean_ms, 20);
    assert.equal(m.ledger_batch_retries, 2);
    // Phases present in the window only; a phase no batch reported is left out, not 0.
    assert.deepEqual(m.ledger_batch_phase_mean_ms, { read: 5, write: 4 });
    assert.equal(m.http_process_mean_ms, 20);
    assert.equal(m.event_loop_lag_p99_ms, 12);
  });
});
