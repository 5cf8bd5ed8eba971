import { ConfigError, type ConfigVariable } from '../platform/config.ts';
import { parseBudget } from './budget.ts';
import { parseQueryDate } from './dates.ts';
import * as L from './limits.ts';
import type { TransactionsMockOptions } from './server.ts';

/** Port of `croupier start --role transactions-mock` when TRANSACTIONS_MOCK_PORT is unset. */
export const TRANSACTIONS_MOCK_PORT_DEFAULT = 3001;
export const TRANSACTIONS_MOCK_SEED_DEFAULT = 1;

const SEED_MAX = 0xffffffff;

function variable(name: string, default_text: string, description: string): ConfigVariable {
  return { name, default_text, description };
}

/** The mock's variables, for `croupier start --help` and docs/upstream-mock.md. */
export const TRANSACTIONS_MOCK_VARIABLES: ConfigVariable[] = [
  variable(
    'TRANSACTIONS_MOCK_PORT',
    String(TRANSACTIONS_MOCK_PORT_DEFAULT),
    'Port of the mock upstream Transaction API (0 picks a free port).',
  ),
  variable('TRANSACTIONS_MOCK_HOST', '127.0.0.1', 'Interface the mock binds.'),
  variable(
    'TRANSACTIONS_MOCK_SEED',
    String(TRANSACTIONS_MOCK_SEED_DEFAULT),
    `Seed of the generated stream (0..${SEED_MAX}): same seed, same transactions.`,
  ),
  variable(
    'TRANSACTIONS_MOCK_RATE_PER_MIN',
    String(L.RATE_PER_MIN_DEFAULT),
    `Transactions generated per minute of stream time (1..${L.RATE_PER_MIN_MAX}).`,
  ),
  variable(
    'TRANSACTIONS_MOCK_LATE_SHARE',
    String(L.LATE_SHARE_DEFAULT),
    'Share of transactions visible only after their createdAt (0..1).',
  ),
  variable(
    'TRANSACTIONS_LATE_MAX_S',
    String(L.LATE_MAX_S_DEFAULT),
    `Longest delay of a late transaction, seconds (0..${L.LATE_MAX_S_MAX}); the aggregator reads the same variable.`,
  ),
  variable(
    'TRANSACTIONS_MOCK_BUDGET',
    L.BUDGET_DEFAULT,
    'Requests per sliding window per client (the x-client-id header, else the address), e.g. 5/60s, 5/6s.',
  ),
  variable('TRANSACTIONS_MOCK_USERS', String(L.USERS_DEFAULT), `Distinct users in the stream (1..${L.USERS_MAX}).`),
  variable(
    'TRANSACTIONS_MOCK_START',
    '(start-up time)',
    'Stream time of the first transaction (ISO-8601, or YYYY-MM-DD HH:MM:SS in UTC); earlier than now = a backlog.',
  ),
  variable(
    'TRANSACTIONS_MOCK_SPEED',
    '1',
    `Stream time runs this many times faster than the clock (1..${L.SPEED_MAX}); the budget window does not.`,
  ),
  variable(
    'TRANSACTIONS_MOCK_RATE_SCALE',
    '1',
    `Accelerated measurements (1..${L.RATE_SCALE_MAX}): rate × this many transactions a real minute, createdAt on the clock; give the budget and late window scaled alike (5/6s, 6 for ×10).`,
  ),
];

function number(env: NodeJS.ProcessEnv, name: string, min: number, max: number, integer: boolean): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const pattern = integer ? /^\d+$/ : /^\d+(\.\d+)?$/;
  const value = pattern.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    const kind = integer ? 'a whole number' : 'a number';
    throw new ConfigError(`${name} must be ${kind} between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

/** Reads the TRANSACTIONS_MOCK_* variables; throws ConfigError naming the variable that is wrong. */
export function transactionsMockOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): TransactionsMockOptions {
  const budget = env.TRANSACTIONS_MOCK_BUDGET || L.BUDGET_DEFAULT;
  const parsed = parseBudget(budget);
  if (typeof parsed === 'string') throw new ConfigError(`TRANSACTIONS_MOCK_BUDGET ${parsed}`);
  let start_ms: number | undefined;
  if (env.TRANSACTIONS_MOCK_START) {
    start_ms = parseQueryDate(env.TRANSACTIONS_MOCK_START);
    if (start_ms === undefined) {
      const got = env.TRANSACTIONS_MOCK_START;
      throw new ConfigError(`TRANSACTIONS_MOCK_START must be ISO-8601 or YYYY-MM-DD HH:MM:SS (UTC), got "${got}"`);
    }
  }
  return {
    port: number(env, 'TRANSACTIONS_MOCK_PORT', 0, 65535, true) ?? TRANSACTIONS_MOCK_PORT_DEFAULT,
    host: env.TRANSACTIONS_MOCK_HOST || '127.0.0.1',
    seed: number(env, 'TRANSACTIONS_MOCK_SEED', 0, SEED_MAX, true) ?? TRANSACTIONS_MOCK_SEED_DEFAULT,
    rate_per_min: number(env, 'TRANSACTIONS_MOCK_RATE_PER_MIN', 1, L.RATE_PER_MIN_MAX, true) ?? L.RATE_PER_MIN_DEFAULT,
    late_share: number(env, 'TRANSACTIONS_MOCK_LATE_SHARE', 0, 1, false) ?? L.LATE_SHARE_DEFAULT,
    late_max_s: number(env, 'TRANSACTIONS_LATE_MAX_S', 0, L.LATE_MAX_S_MAX, true) ?? L.LATE_MAX_S_DEFAULT,
    budget,
    users: number(env, 'TRANSACTIONS_MOCK_USERS', 1, L.USERS_MAX, true) ?? L.USERS_DEFAULT,
    start_ms,
    speed: number(env, 'TRANSACTIONS_MOCK_SPEED', 1, L.SPEED_MAX, false) ?? 1,
    rate_scale: number(env, 'TRANSACTIONS_MOCK_RATE_SCALE', 1, L.RATE_SCALE_MAX, true) ?? 1,
  };
}
