import { ConfigError } from '../platform/config.ts';
import { timestampFromText } from './item.ts';

/** SPEC §7/§10 configuration of ingestion and the reporter. The lead merges it into platform config. */
export interface TransactionsConfig {
  /** Upstream Transaction API base URL; undefined: the puller does nothing (nothing to pull from). */
  api_url: string | undefined;
  budget: Budget;
  late_max_s: number;
  start: Date;
  reporter_max_age_s: number;
}

/** At most `requests` requests in any `window_ms` sliding window. */
export interface Budget {
  requests: number;
  window_ms: number;
}

/** Bounds that keep a typo from becoming a hammering loop or a window nobody can wait out. */
const BUDGET_REQUESTS_MAX = 1000;
const BUDGET_WINDOW_MS_MAX = 24 * 3_600_000;
const LATE_MAX_S_MAX = 24 * 3600;
const REPORTER_MAX_AGE_S_MAX = 3600;

export const TRANSACTIONS_CONFIG_VARIABLES = [
  {
    name: 'TRANSACTIONS_API_URL',
    default_text: '(unset)',
    description: 'Upstream Transaction API the worker pulls from (SPEC §7).',
  },
  {
    name: 'TRANSACTIONS_API_BUDGET',
    default_text: '5/60s',
    description: 'Requests per sliding window shared by every process on the database: N/Ms or N/Mm.',
  },
  {
    name: 'TRANSACTIONS_LATE_MAX_S',
    default_text: '60',
    description:
      'How long after its createdAt an item may appear upstream; that much is re-read behind the checkpoint.',
  },
  {
    name: 'TRANSACTIONS_START',
    default_text: '1970-01-01T00:00:00Z',
    description: 'createdAt from which the first walk starts.',
  },
  { name: 'REPORTER_MAX_AGE_S', default_text: '10', description: 'Cache-Control max-age of reporter answers.' },
];

/** `5/60s`, `5/1m`: requests per window. */
export function parseBudget(raw: string, name = 'TRANSACTIONS_API_BUDGET'): Budget {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*([sm])\s*$/.exec(raw);
  const fail = () =>
    new ConfigError(
      `${name} must be N/Ms or N/Mm (requests per window, e.g. 5/60s), with 1 <= N <= ${BUDGET_REQUESTS_MAX} and a window of 1 s to 24 h, got "${raw}"`,
    );
  if (!m) throw fail();
  const requests = Number(m[1]);
  const window_ms = Number(m[2]) * (m[3] === 'm' ? 60_000 : 1000);
  if (requests < 1 || requests > BUDGET_REQUESTS_MAX || window_ms < 1000 || window_ms > BUDGET_WINDOW_MS_MAX)
    throw fail();
  return { requests, window_ms };
}

function integer(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return Number(raw);
}

export function loadTransactionsConfig(env: Record<string, string | undefined> = process.env): TransactionsConfig {
  const url = env.TRANSACTIONS_API_URL || undefined;
  if (url !== undefined) {
    try {
      new URL(url);
    } catch {
      throw new ConfigError(`TRANSACTIONS_API_URL must be a URL, got "${url}"`);
    }
  }
  const start_text = env.TRANSACTIONS_START || '1970-01-01T00:00:00Z';
  const start = timestampFromText(start_text);
  if (!start) throw new ConfigError(`TRANSACTIONS_START must be an ISO-8601 timestamp, got "${start_text}"`);
  return {
    api_url: url,
    budget: parseBudget(env.TRANSACTIONS_API_BUDGET || '5/60s'),
    late_max_s: integer(env, 'TRANSACTIONS_LATE_MAX_S', 60, 0, LATE_MAX_S_MAX),
    start,
    reporter_max_age_s: integer(env, 'REPORTER_MAX_AGE_S', 10, 0, REPORTER_MAX_AGE_S_MAX),
  };
}
