import { parseQueryDate } from './dates.ts';
import { refusal, type UpstreamRefusal } from './errors.ts';
import { DATE_PARAM_LENGTH_MAX, PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX, PAGE_MAX } from './limits.ts';

/** `GET /transactions` parameters once checked; bounds are inclusive epoch milliseconds. */
export interface TransactionsParams {
  start_ms: number;
  end_ms: number;
  page: number;
  limit: number;
}

/** Defaults: from the beginning of time, to the end of the stream as it stands at the request. */
const START_MS_DEFAULT = 0;
const END_MS_DEFAULT = Number.MAX_SAFE_INTEGER;

type Raw = Record<string, unknown>;

function single(raw: Raw, field: string): string | undefined | UpstreamRefusal {
  const value = raw[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return refusal('BAD_REQUEST', `${field} must be given once.`);
  return value;
}

function dateParam(raw: Raw, field: string, fallback: number): number | UpstreamRefusal {
  const text = single(raw, field);
  if (text === undefined || typeof text === 'object') return text ?? fallback;
  const at_ms = text.length <= DATE_PARAM_LENGTH_MAX ? parseQueryDate(text) : undefined;
  if (at_ms === undefined) {
    const forms = 'YYYY-MM-DD HH:MM:SS or ISO-8601 (e.g. 2023-02-01T00:00:00Z)';
    const got = text.slice(0, DATE_PARAM_LENGTH_MAX);
    return refusal('BAD_REQUEST', `${field} must be a UTC date and time as ${forms}, got "${got}".`);
  }
  return at_ms;
}

function integerParam(raw: Raw, field: string, fallback: number, max: number): number | UpstreamRefusal {
  const text = single(raw, field);
  if (text === undefined || typeof text === 'object') return text ?? fallback;
  const value = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1)) {
    return refusal('BAD_REQUEST', `${field} must be a whole number of at least 1, got "${text.slice(0, 20)}".`);
  }
  if (value > max) return refusal('BAD_REQUEST', `${field} must be at most ${max}, got ${value}.`);
  return value;
}

const isRefusal = (v: unknown): v is UpstreamRefusal => typeof v === 'object' && v !== null;

/** Checks the query string field by field; the first problem is answered with a 400 naming its field. */
export function parseTransactionsQuery(raw: Raw): TransactionsParams | UpstreamRefusal {
  const start_ms = dateParam(raw, 'startDate', START_MS_DEFAULT);
  if (isRefusal(start_ms)) return start_ms;
  const end_ms = dateParam(raw, 'endDate', END_MS_DEFAULT);
  if (isRefusal(end_ms)) return end_ms;
  if (end_ms < start_ms) return refusal('BAD_REQUEST', 'endDate must not be before startDate.');
  const page = integerParam(raw, 'page', 1, PAGE_MAX);
  if (isRefusal(page)) return page;
  const limit = integerParam(raw, 'limit', PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX);
  if (isRefusal(limit)) return limit;
  return { start_ms, end_ms, page, limit };
}
