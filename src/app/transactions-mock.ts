import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import type { Role } from '../platform/module.ts';
import { startTransactionsMockRole, type TransactionsMock } from '../upstream/index.ts';

/**
 * The mock upstream Transaction API (SPEC §7) is another system: its own server, its own port, its own
 * memory, reached only over HTTP. With `--role transactions-mock` alone it listens on
 * TRANSACTIONS_MOCK_PORT (3001). In a process that runs other roles too (the all-in-one default) it takes
 * a free port unless TRANSACTIONS_MOCK_PORT is set, so several processes and tests never collide, and the
 * worker pulls from it when TRANSACTIONS_API_URL is unset.
 */
export async function startMockIfAsked(
  roles: Set<Role>,
  config: Config,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ mock?: TransactionsMock; config: Config }> {
  if (!roles.has('transactions-mock')) return { config };
  const alone = roles.size === 1;
  const mock_env = alone || env.TRANSACTIONS_MOCK_PORT ? env : { ...env, TRANSACTIONS_MOCK_PORT: '0' };
  const mock = await startTransactionsMockRole(mock_env, logger);
  return { mock, config: { ...config, transactions_api_url: config.transactions_api_url ?? mock.url } };
}
