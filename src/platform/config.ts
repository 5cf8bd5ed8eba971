import path from 'node:path';
import { SECRET_LENGTH_MIN_CHARS } from './limits.ts';

/** Process configuration, read once from the environment and validated (SPEC §10). */
export interface Config {
  port: number;
  host: string;
  database_url: string | undefined;
  data_dir: string;
  production: boolean;
  log_level: string;
  aggregator_secret: string;
  casino_secret: string;
  provider_secret: string;
  admin_api_key: string;
  transactions_api_url: string | undefined;
  /** Where the casino reaches the game provider, and the provider reaches the casino. */
  provider_url: string | undefined;
  casino_url: string | undefined;
  db_pool_size: number;
  ledger_batches_in_flight: number;
}

export interface ConfigVariable {
  name: string;
  default_text: string;
  description: string;
}

/** The documented list; `croupier start --help` prints it and a test keeps it in step with the README. */
export const CONFIG_VARIABLES: ConfigVariable[] = [
  { name: 'PORT', default_text: '3000', description: 'HTTP port to listen on (0 picks a free port).' },
  {
    name: 'HOST',
    default_text: '127.0.0.1',
    description:
      'Interface to bind. Local only by default; `HOST=0.0.0.0` exposes the server on every interface (containers, other machines).',
  },
  {
    name: 'DATABASE_URL',
    default_text: '(unset: embedded PostgreSQL)',
    description: 'PostgreSQL connection string. Unset: an embedded PostgreSQL under CROUPIER_DATA_DIR.',
  },
  {
    name: 'CROUPIER_DATA_DIR',
    default_text: './.croupier',
    description: 'Data directory of the embedded PostgreSQL (kept across restarts).',
  },
  {
    name: 'NODE_ENV',
    default_text: 'development',
    description:
      '`development`, `test` or `production` (anything else stops start-up). `production` makes every secret mandatory, at least 32 characters, and hides default secrets.',
  },
  {
    name: 'LOG_LEVEL',
    default_text: 'info',
    description: 'pino level: fatal, error, warn, info, debug, trace, silent.',
  },
  {
    name: 'AGGREGATOR_SECRET',
    default_text: 'test (development only)',
    description: 'HMAC secret of the aggregator protocol (SPEC §2).',
  },
  {
    name: 'CASINO_SECRET',
    default_text: 'casino-secret (development only)',
    description: 'HMAC secret the game provider signs casino callbacks with (SPEC §3).',
  },
  {
    name: 'PROVIDER_SECRET',
    default_text: 'provider-secret (development only)',
    description: 'HMAC secret the casino signs provider calls with (SPEC §3).',
  },
  {
    name: 'ADMIN_API_KEY',
    default_text: 'dev-admin-key (development only)',
    description: 'Operator API key: `Authorization: Bearer <key>` on operator and back-office endpoints.',
  },
  {
    name: 'TRANSACTIONS_API_URL',
    default_text: '(unset)',
    description: 'Upstream Transaction API the aggregator worker pulls from (SPEC §7).',
  },
  {
    name: 'PROVIDER_URL',
    default_text: 'http://127.0.0.1:$PORT',
    description: 'Base URL of the game provider the casino calls (built-in provider by default).',
  },
  {
    name: 'CASINO_URL',
    default_text: 'http://127.0.0.1:$PORT',
    description: 'Base URL of the casino the game provider calls back.',
  },
  { name: 'DB_POOL_SIZE', default_text: '10', description: 'PostgreSQL connections per process (1..100).' },
  {
    name: 'LEDGER_BATCHES_IN_FLIGHT',
    default_text: '1',
    description:
      'Group-commit batches one process writes at once (1..8). One is fastest when batches share hot accounts (the house): they serialize on its row lock anyway, and a single writer grows bigger batches.',
  },
];

const NODE_ENVS = ['development', 'test', 'production'];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const DEV_SECRETS = {
  aggregator_secret: 'test',
  casino_secret: 'casino-secret',
  provider_secret: 'provider-secret',
  admin_api_key: 'dev-admin-key',
};

export class ConfigError extends Error {}

function integerVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function urlVar(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${raw}"`);
  }
  return raw;
}

/** Reads and validates; throws ConfigError with a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const node_env = env.NODE_ENV || 'development';
  // A typo such as "prod" would otherwise quietly start in development mode, with default secrets.
  if (!NODE_ENVS.includes(node_env)) {
    throw new ConfigError(`NODE_ENV must be one of ${NODE_ENVS.join(', ')}, got "${node_env}"`);
  }
  const production = node_env === 'production';
  const log_level = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(log_level)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${log_level}"`);
  }
  const secret = (name: string, key: keyof typeof DEV_SECRETS): string => {
    const raw = env[name];
    if (raw && production && raw.length < SECRET_LENGTH_MIN_CHARS) {
      throw new ConfigError(
        `${name} must be at least ${SECRET_LENGTH_MIN_CHARS} characters when NODE_ENV=production, got ${raw.length}`,
      );
    }
    if (raw) return raw;
    if (production) throw new ConfigError(`${name} is required when NODE_ENV=production`);
    return DEV_SECRETS[key];
  };
  const database_url = urlVar(env, 'DATABASE_URL');
  return {
    port: integerVar(env, 'PORT', 3000, 0, 65535),
    // Local by default: exposing a money API is a decision the operator makes (HOST=0.0.0.0).
    host: env.HOST || '127.0.0.1',
    database_url,
    data_dir: path.resolve(env.CROUPIER_DATA_DIR || './.croupier'),
    production,
    log_level,
    aggregator_secret: secret('AGGREGATOR_SECRET', 'aggregator_secret'),
    casino_secret: secret('CASINO_SECRET', 'casino_secret'),
    provider_secret: secret('PROVIDER_SECRET', 'provider_secret'),
    admin_api_key: secret('ADMIN_API_KEY', 'admin_api_key'),
    transactions_api_url: urlVar(env, 'TRANSACTIONS_API_URL'),
    provider_url: urlVar(env, 'PROVIDER_URL'),
    casino_url: urlVar(env, 'CASINO_URL'),
    db_pool_size: integerVar(env, 'DB_POOL_SIZE', 10, 1, 100),
    ledger_batches_in_flight: integerVar(env, 'LEDGER_BATCHES_IN_FLIGHT', 1, 1, 8),
  };
}

/** Secrets that are still the development defaults (printed at start-up, SPEC §0). */
export function defaultSecretsInUse(config: Config): Record<string, string> {
  const used: Record<string, string> = {};
  for (const [key, value] of Object.entries(DEV_SECRETS)) {
    if (config[key as keyof typeof DEV_SECRETS] === value) used[key.toUpperCase()] = value;
  }
  return used;
}
