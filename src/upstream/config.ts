import { ConfigError, type ConfigVariable } from '../platform/config.ts';
import { parseBudget } from './budget.ts';
import { parseQueryDate } from './dates.ts';
import * as L from './limits.ts';
import type { TransactionsMockOptions } from './server.ts';

/** Port of `croupier start --role transactions-mock` when TRANSACTIONS_MOCK_PORT is unset. */
export const TRANSACTIONS_MOCK_PORT_DEFAULT = 3001;
export const TRANSACTIONS_MOCK_SEED_DEFAULT = 1;

/** The mock's variables, for `croupier start --help` and docs/upstream-mock.md. */
export const TRANSACTIONS_MOCK_VARIABLES: ConfigVariable[] = [
  { name: 'TRANSACTIONS_MOCK_PORT', default_text: String(TRANSACTIONS_MOCK_PORT_DEFAULT), description: 'Port of the mock upstream Transaction API (0 picks a free port).' },
  { name: 'TRANSACTIONS_MOCK_HOST', default_text: '127.0.0.1', description: 'Interface the mock binds.' },
  { name: 'TRANSACTIONS_MOCK_SEED', default_text: String(TRANSACTIONS_MOCK_SEED_DEFAULT), description: `Seed of the generated stream (0..${0xffffffff}): same seed, same transactions.` },
  { name: 'TRANSACTIONS_MOCK_RATE_PER_MIN', default_text: String(L.RATE_PER_MIN_DEFAULT), description: `Transactions generated per minute of stream time (1..${L.RATE_PER_MIN_MAX}).` },
  { name: 'TRANSACTIONS_MOCK_LATE_SHARE', default_text: String(L.LATE_SHARE_DEFAULT), description: 'Share of transactions visible only after their createdAt (0..1).' },
  { name: 'TRANSACTIONS_LATE_MAX_S', default_text: String(L.LATE_MAX_S_DEFAULT), description: `Longest delay of a late transaction, seconds (0..${L.LATE_MAX_S_MAX}); the aggregator reads the same variable.` },
  { name: 'TRANSACTIONS_MOCK_BUDGET', default_text: L.BUDGET_DEFAULT, description: 'Requests per sliding window per client (client = x-client-id header, else address), e.g. 5/60s, 5/6s.' },
  { name: 'TRANSACTIONS_MOCK_USERS', default_text: String(L.USERS_DEFAULT), description: `Distinct users in the stream (1..${L.USERS_MAX}).` },
  { name: 'TRANSACTIONS_MOCK_START', default_text: '(start-up time)', description: 'Stream time of the first transaction (ISO-8601 or YYYY-MM-DD HH:MM:SS UTC); earlier than now = a backlog.' },
  { name: 'TRANSACTIONS_MOCK_SPEED', default_text: '1', description: `Stream time runs this many times faster than the clock (1..${L.SPEED_MAX}); the budget window does not.` },
];

function number(env: NodeJS.ProcessEnv, name: string, min: number, max: number, integer: boolean): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const pattern = integer ? /^\d+$/ : /^\d+(\.\d+)?$/;
  const value = pattern.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    throw new ConfigError(`${name} must be ${integer ? 'a whole number' : 'a number'} between ${min} and ${max}, got "${raw}"`);
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
    if (start_ms === undefined) throw new ConfigError(`TRANSACTIONS_MOCK_START must be ISO-8601 or YYYY-MM-DD HH:MM:SS (UTC), got "${env.TRANSACTIONS_MOCK_START}"`);
  }
  return {
    port: number(env, 'TRANSACTIONS_MOCK_PORT', 0, 65535, true) ?? TRANSACTIONS_MOCK_PORT_DEFAULT,
    host: env.TRANSACTIONS_MOCK_HOST || '127.0.0.1',
    seed: number(env, 'TRANSACTIONS_MOCK_SEED', 0, 0xffffffff, true) ?? TRANSACTIONS_MOCK_SEED_DEFAULT,
    rate_per_min: number(env, 'TRANSACTIONS_MOCK_RATE_PER_MIN', 1, L.RATE_PER_MIN_MAX, true) ?? L.RATE_PER_MIN_DEFAULT,
    late_share: number(env, 'TRANSACTIONS_MOCK_LATE_SHARE', 0, 1, false) ?? L.LATE_SHARE_DEFAULT,
    late_max_s: number(env, 'TRANSACTIONS_LATE_MAX_S', 0, L.LATE_MAX_S_MAX, true) ?? L.LATE_MAX_S_DEFAULT,
    budget,
    users: number(env, 'TRANSACTIONS_MOCK_USERS', 1, L.USERS_MAX, true) ?? L.USERS_DEFAULT,
    start_ms,
    speed: number(env, 'TRANSACTIONS_MOCK_SPEED', 1, L.SPEED_MAX, false) ?? 1,
  };
}
