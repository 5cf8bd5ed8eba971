import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Role } from './module.ts';
import type { OperatorAuth } from './operator.ts';

export { ROLES, type Role } from './module.ts';

/** What the platform gives every process: configuration, logger, its roles and its URL. */
export interface PlatformContext {
  config: Config;
  logger: Logger;
  roles: Set<Role>;
  /** Base URL this process answers on, known once it listens (for in-process HTTP between roles). */
  self_url(): string;
  /** Resolves API keys to operators for `apiKeyGuard` (supplied by the operators module, wired by `src/app`). */
  operator_auth: OperatorAuth;
}
