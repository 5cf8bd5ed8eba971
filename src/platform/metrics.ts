import client from 'prom-client';

/** One registry for the process; /metrics renders it. */
export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

export const httpMetrics = {
  requests: new client.Counter({
    name: 'croupier_http_requests_total',
    help: 'HTTP requests by route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  }),
  seconds: new client.Histogram({
    name: 'croupier_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  }),
};

export const ledgerMetrics = {
  batch_size: new client.Histogram({
    name: 'croupier_ledger_batch_size',
    help: 'Commands per group-commit transaction',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [registry],
  }),
  batch_seconds: new client.Histogram({
    name: 'croupier_ledger_batch_duration_seconds',
    help: 'Time from a batch leaving the queue to its commit',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  }),
  /**
   * Where a batch's time goes, one attempt at a time: `read` from BEGIN to the first stage's locks and
   * reads, `late` the second stage (late locks and reads; ~0 when none is needed), `decide` deciding in
   * memory and dispatching the writes, `write` from dispatch to COMMIT's answer. The next batch starts
   * after `write` (one in flight), so their sum is the writer's cycle; the database's share is most of
   * `read` and `write`, the server's `decide` (and the event loop's other work delays every phase).
   */
  batch_phase_seconds: new client.Histogram({
    name: 'croupier_ledger_batch_phase_seconds',
    help: 'Time of each phase of a group-commit batch attempt: read, late, decide, write',
    labelNames: ['phase'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  }),
  batch_retries: new client.Counter({
    name: 'croupier_ledger_batch_retries_total',
    help: 'Batches retried after a deadlock, serialization failure or unique race',
    labelNames: ['sqlstate'] as const,
    registers: [registry],
  }),
};

/** Pool usage is read when scraped, from whoever registers a reader. */
const poolReaders: (() => { size: number; busy: number })[] = [];
export function registerPoolReader(reader: () => { size: number; busy: number }): void {
  poolReaders.push(reader);
}
new client.Gauge({
  name: 'croupier_db_pool_connections',
  help: 'Database pool: max = pool size; ledger_batches = connections held by group-commit batches right now (reads are not counted)',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    let size = 0;
    let busy = 0;
    for (const read of poolReaders) {
      const r = read();
      size += r.size;
      busy += r.busy;
    }
    this.set({ state: 'max' }, size);
    this.set({ state: 'ledger_batches' }, busy);
  },
});
