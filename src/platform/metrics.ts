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
