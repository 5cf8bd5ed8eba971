import type { Logger } from '../platform/logger.ts';
import { transactionsMockOptionsFromEnv } from './config.ts';
import { startTransactionsMock, type TransactionsMock } from './server.ts';

/**
 * `croupier start --role transactions-mock`: reads TRANSACTIONS_MOCK_* (a ConfigError names a wrong
 * variable), starts the mock on its own port and says in one line what it serves. The caller keeps
 * the handle and calls `stop()` on shutdown. In the all-in-one process without TRANSACTIONS_API_URL,
 * `mock.url` is where the aggregator worker pulls from.
 */
export async function startTransactionsMockRole(env: NodeJS.ProcessEnv, logger: Logger): Promise<TransactionsMock> {
  const options = transactionsMockOptionsFromEnv(env);
  const mock = await startTransactionsMock(options);
  logger.info(
    {
      url: mock.url,
      seed: options.seed,
      rate_per_min: options.rate_per_min,
      rate_scale: options.rate_scale,
      late_share: options.late_share,
      late_max_s: options.late_max_s,
      budget: options.budget,
      stream_now: new Date(mock.streamNowMs()).toISOString(),
    },
    `transactions mock serving GET ${mock.url}/transactions`,
  );
  return mock;
}
