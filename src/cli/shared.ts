import { ConfigError, loadConfig, type Config } from '../platform/config.ts';
import { createLogger, type Logger } from '../platform/logger.ts';

/** Config for a command; a wrong variable stops it with a message naming the variable. */
export function configOrExit(overrides: Partial<Record<string, string>> = {}): { config: Config; logger: Logger } {
  try {
    const config = loadConfig({ ...process.env, ...overrides });
    return { config, logger: createLogger(config.log_level) };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`croupier: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** CLI commands log quietly unless LOG_LEVEL says otherwise; their output is the report. */
export function quietConfig(): { config: Config; logger: Logger } {
  return configOrExit(process.env.LOG_LEVEL ? {} : { LOG_LEVEL: 'warn' });
}
