import client from 'prom-client';
import { registry } from '../platform/metrics.ts';

/** What the provider's callbacks came to, on /metrics of the process running the provider role. */
export const providerMetrics = {
  callbacks: new client.Counter({
    name: 'croupier_provider_callbacks_total',
    help: 'Provider → casino callbacks by call and what the provider learned (ok, refused, unknown after every attempt)',
    labelNames: ['call', 'result'] as const,
    registers: [registry],
  }),
  retries: new client.Counter({
    name: 'croupier_provider_callback_retries_total',
    help: 'Callback attempts beyond the first (timeouts, resets, 5xx, injected losses), same externalTransactionId',
    labelNames: ['call'] as const,
    registers: [registry],
  }),
};
