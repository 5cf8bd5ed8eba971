/**
 * The server's own view of a measured window, from two scrapes of GET /metrics (Prometheus text):
 * group-commit batch sizes and durations, retries, server-side request time, event-loop lag.
 * Differences of counters between the scrapes, so funding and warm-up do not count.
 */

export type Samples = Map<string, number>;

/** `name{labels} value` lines → map from the series text to its value (comments skipped). */
export function parseMetrics(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    if (space <= 0) continue;
    const value = Number(line.slice(space + 1));
    if (Number.isFinite(value) || line.endsWith('Inf')) samples.set(line.slice(0, space), value);
  }
  return samples;
}

export interface ServerWindowMetrics {
  ledger_batches: number;
  ledger_batch_size_mean: number | null;
  /** Share of batches per size bucket: "≤1", "≤2", … "≤500" (non-cumulative). */
  ledger_batch_size_distribution: Record<string, number>;
  ledger_batch_duration_mean_ms: number | null;
  ledger_batch_retries: number;
  /** Mean ms per batch attempt of each phase (read, late, decide, write: ledgerMetrics.batch_phase_seconds). */
  ledger_batch_phase_mean_ms: Record<string, number>;
  /** Server-side time of the aggregator route (arrival to response), mean. */
  http_process_mean_ms: number | null;
  /** From prom-client's default metrics, at the end of the window. */
  event_loop_lag_p99_ms: number | null;
}

const BATCH = 'croupier_ledger_batch_size';
const BATCH_SECONDS = 'croupier_ledger_batch_duration_seconds';
const RETRIES = 'croupier_ledger_batch_retries_total';
const PHASE_SECONDS = 'croupier_ledger_batch_phase_seconds';
const PHASES = ['read', 'late', 'decide', 'write'] as const;
const HTTP_SECONDS = 'croupier_http_request_duration_seconds';

function delta(before: Samples, after: Samples, key: string): number {
  return (after.get(key) ?? 0) - (before.get(key) ?? 0);
}

function sumMatching(samples: Samples, predicate: (key: string) => boolean): number {
  let total = 0;
  for (const [key, value] of samples) if (predicate(key)) total += value;
  return total;
}

function batchDistribution(before: Samples, after: Samples): Record<string, number> {
  const buckets: { le: string; count: number }[] = [];
  for (const key of after.keys()) {
    const match = new RegExp(`^${BATCH}_bucket\\{le="([^"]+)"\\}$`).exec(key);
    if (match && match[1] !== '+Inf') buckets.push({ le: match[1], count: delta(before, after, key) });
  }
  buckets.sort((a, b) => Number(a.le) - Number(b.le));
  const total = delta(before, after, `${BATCH}_count`);
  const distribution: Record<string, number> = {};
  let previous = 0;
  for (const { le, count } of buckets) {
    if (total > 0 && count - previous > 0) distribution[`≤${le}`] = Number(((count - previous) / total).toFixed(4));
    previous = count;
  }
  if (total > 0 && total - previous > 0) distribution['>last'] = Number(((total - previous) / total).toFixed(4));
  return distribution;
}

function phaseMeans(before: Samples, after: Samples): Record<string, number> {
  const means: Record<string, number> = {};
  for (const phase of PHASES) {
    const count = delta(before, after, `${PHASE_SECONDS}_count{phase="${phase}"}`);
    if (count > 0)
      means[phase] = Number(
        ((1000 * delta(before, after, `${PHASE_SECONDS}_sum{phase="${phase}"}`)) / count).toFixed(2),
      );
  }
  return means;
}

export function windowMetrics(before: Samples, after: Samples): ServerWindowMetrics {
  const batches = delta(before, after, `${BATCH}_count`);
  const batch_seconds_count = delta(before, after, `${BATCH_SECONDS}_count`);
  const isProcess = (suffix: string) => (key: string) =>
    key.startsWith(`${HTTP_SECONDS}_${suffix}{`) && key.includes('route="/aggregator/takehome/process"');
  const http_count = sumMatching(after, isProcess('count')) - sumMatching(before, isProcess('count'));
  const http_sum = sumMatching(after, isProcess('sum')) - sumMatching(before, isProcess('sum'));
  const lag = after.get('nodejs_eventloop_lag_p99_seconds');
  return {
    ledger_batches: batches,
    ledger_batch_size_mean: batches > 0 ? Number((delta(before, after, `${BATCH}_sum`) / batches).toFixed(2)) : null,
    ledger_batch_size_distribution: batchDistribution(before, after),
    ledger_batch_duration_mean_ms:
      batch_seconds_count > 0
        ? Number(((1000 * delta(before, after, `${BATCH_SECONDS}_sum`)) / batch_seconds_count).toFixed(2))
        : null,
    ledger_batch_retries:
      sumMatching(after, (k) => k.startsWith(RETRIES)) - sumMatching(before, (k) => k.startsWith(RETRIES)),
    ledger_batch_phase_mean_ms: phaseMeans(before, after),
    http_process_mean_ms: http_count > 0 ? Number(((1000 * http_sum) / http_count).toFixed(2)) : null,
    event_loop_lag_p99_ms: lag === undefined ? null : Number((lag * 1000).toFixed(2)),
  };
}
