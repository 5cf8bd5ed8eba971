import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCeiling, CEILING_USER_BODY } from '../../bench/ceiling-server.ts';
import { RawHttpConnection } from '../../bench/raw-http.ts';
import { formatReporterBench, type ReporterBenchReport, type ReporterPhase } from '../../bench/reporter.ts';
import {
  REPORTER_CONNECTIONS_DEFAULT,
  REPORTER_USERS_DEFAULT,
  reporterBenchOptions,
} from '../../src/cli/commands/bench.ts';

test('--workload reporter: defaults, bounds, and no --url (it fills its own database through the worker)', () => {
  const options = reporterBenchOptions({}, { database_url: undefined });
  assert.equal(options.users, REPORTER_USERS_DEFAULT);
  assert.equal(options.connections, REPORTER_CONNECTIONS_DEFAULT);
  assert.equal(options.duration_s, 3);
  assert.equal(options.rounds, 2);
  assert.equal(reporterBenchOptions({ users: '500', duration: '2.5' }, { database_url: undefined }).duration_s, 2.5);
  assert.throws(() => reporterBenchOptions({ rounds: '6' }, { database_url: undefined }), /--rounds/);
  assert.throws(() => reporterBenchOptions({ duration: '21' }, { database_url: undefined }), /--duration/);
  assert.throws(() => reporterBenchOptions({ users: '0' }, { database_url: undefined }), /--users/);
  assert.throws(() => reporterBenchOptions({ url: 'http://127.0.0.1:3000' }, { database_url: undefined }), /--url/);
});

test("the ceiling answers the reporter's GETs the bare way: a fixed body with its ETag, 304 when If-None-Match names it", async () => {
  const app = await buildCeiling('s');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  try {
    const first = await fetch(`${url}/reports/users/anyone`);
    assert.equal(first.status, 200);
    assert.equal(await first.text(), CEILING_USER_BODY);
    const etag = first.headers.get('etag')!;
    assert.equal(first.headers.get('cache-control'), 'public, max-age=10');
    // The load engine's prebuilt GETs over one keep-alive socket: 304 (no body), then 200.
    const statuses: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const requests = [
        `GET /reports/users/x HTTP/1.1\r\nHost: ${new URL(url).host}\r\nIf-None-Match: ${etag}\r\n\r\n`,
        `GET /reports/payouts?page=1&limit=50 HTTP/1.1\r\nHost: ${new URL(url).host}\r\n\r\n`,
      ];
      const connection = new RawHttpConnection({
        url,
        path: '/',
        timeout_ms: 5_000,
        handler: {
          onResponse: (status) => {
            statuses.push(status);
            if (statuses.length === requests.length) {
              connection.close();
              resolve();
            } else connection.sendRaw(Buffer.from(requests[statuses.length]));
          },
          onError: reject,
        },
      });
      connection.sendRaw(Buffer.from(requests[0]));
    });
    assert.deepEqual(statuses, [304, 200]);
  } finally {
    await app.close();
  }
});

test('the text report shows each phase, the ratios and every target, met or missed', () => {
  const phase = (target: 'ceiling' | 'croupier', conditional: boolean, rps: number, p99_us: number): ReporterPhase => ({
    label: `${target} ${conditional ? '304' : '200'}`,
    target,
    conditional,
    window_s: 5,
    rounds_requests_per_s: [rps, rps],
    requests: rps * 5,
    requests_per_s: rps,
    latency: { count: rps * 5, min_us: 100, mean_us: 500, p50_us: 400, p95_us: 900, p99_us, max_us: 30_000 },
    errors: {},
    errors_total: 0,
    server_cpu_percent_of_core: 90,
    machine_busy_percent: 100,
    db_statements: 5,
    cache_misses: target === 'croupier' ? 0 : null,
    cache_hits: target === 'croupier' ? rps * 5 : null,
  });
  const report: ReporterBenchReport = {
    run_id: 'r',
    started_at: '',
    finished_at: '',
    options: {
      users: 10,
      connections: 16,
      rounds: 2,
      duration_s: 5,
      warmup_s: 1,
      timeout_ms: 1000,
      seed: 1,
      database_url: null,
      server_cpu_prof_dir: null,
    },
    database: 'db',
    fill: { items: 30, users: 10, users_with_payouts: 4, seconds: 1, worker_requests: 2 },
    urls: { users: 10, payouts_pages: 1 },
    phases: [
      phase('ceiling', false, 10_000, 3_000),
      phase('croupier', false, 6_000, 4_000),
      phase('ceiling', true, 12_000, 3_000),
      phase('croupier', true, 5_000, 25_000),
    ],
    ratios: { plain: 0.6, conditional: 0.417 },
    targets: { ratio_min: 0.5, p99_max_ms: 20, met: false, lines: ['If-None-Match: 0.417 of the ceiling MISSED'] },
    failures: [],
  };
  const text = formatReporterBench(report);
  assert.match(text, /requests\/s\s+10000\.0\s+6000\.0\s+12000\.0\s+5000\.0/);
  assert.match(text, /latency p99\s+3\.00 ms\s+4\.00 ms\s+3\.00 ms\s+25\.00 ms/);
  assert.match(text, /ratio to the ceiling: plain GET 0\.6, If-None-Match 0\.417/);
  assert.match(text, /0\.417 of the ceiling MISSED/);
});
