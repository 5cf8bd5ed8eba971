import { ApiError } from './api.ts';

/**
 * The ingestion page's calls (SPEC §7): status and settle with the operator key, the public reporter.
 *
 * Money stays exact end to end: every integer in these answers is read from the JSON text as digits
 * (exactJson) and becomes a bigint, so a total beyond 2^53 − 1 cents (the API writes those as bare
 * digits) is never rounded through a double; a settle amount goes out as the digits of a bigint.
 */

/** GET /v1/transactions/status. */
export interface IngestionStatus {
  checkpoint: string | null;
  lag_s: bigint | null;
  items_total: bigint;
  requests_total: bigint;
  throttled_total: bigint;
  errors_total: bigint;
  quarantined_total: bigint;
  last_error: string | null;
  last_error_at: string | null;
}

/** GET /reports/users/{userId}, cents. */
export interface UserReport {
  userId: string;
  currency: string;
  balance: bigint;
  earned: bigint;
  spent: bigint;
  payout: bigint;
  paidOut: bigint;
  updatedAt: string;
}

export interface PayoutRow {
  userId: string;
  amount: bigint;
}

export interface PayoutsPage {
  data: PayoutRow[];
  pagination: { page: bigint; limit: bigint; total: bigint; total_pages: bigint };
}

/** POST /v1/payouts/{userId}/settle: settled now, still requested, settled in all. */
export interface SettleAnswer {
  userId: string;
  settled: bigint;
  payout: bigint;
  paidOut: bigint;
}

/**
 * JSON.parse with every integer read as a bigint from its digits. Numbers outside strings are found
 * by one scan over the text, quoted with a marker, and turned back into bigints by the reviver. A
 * fractional number (none in these answers) is left to JSON.parse.
 */
export function exactJson(text: string): unknown {
  // Written into the text as the escape \u0001 (a raw control character is not valid JSON), read back decoded.
  const MARK = '\u0001';
  let out = '';
  let from = 0;
  let in_string = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (in_string) {
      if (c === '\\') i++;
      else if (c === '"') in_string = false;
      continue;
    }
    if (c === '"') {
      in_string = true;
      continue;
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      let end = i + 1;
      while (end < text.length && /[0-9.eE+-]/.test(text[end])) end++;
      const token = text.slice(i, end);
      if (/^-?\d+$/.test(token)) {
        out += `${text.slice(from, i)}"\\u0001${token}"`;
        from = end;
      }
      i = end - 1;
    }
  }
  out += text.slice(from);
  return JSON.parse(out, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(MARK) && /^-?\d+$/.test(value.slice(1))
      ? BigInt(value.slice(1))
      : value,
  );
}

async function call<T>(
  method: string,
  path: string,
  options: { api_key?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      // Reporter answers carry max-age: revalidate (If-None-Match → 304) rather than show a copy up to
      // REPORTER_MAX_AGE_S old right after a settlement.
      cache: 'no-cache',
      headers: {
        ...(options.api_key ? { authorization: `Bearer ${options.api_key}` } : {}),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body,
    });
  } catch {
    throw new ApiError(
      0,
      'NETWORK',
      'The server could not be reached. Nothing is known to have changed; submitting again is safe.',
    );
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? exactJson(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const error = json as { code?: unknown; message?: unknown } | undefined;
    const message = typeof error?.message === 'string' ? error.message : `The server answered ${response.status}.`;
    throw new ApiError(response.status, String(error?.code ?? response.status), message);
  }
  return json as T;
}

export const ingestionApi = {
  status: (api_key: string) => call<IngestionStatus>('GET', '/v1/transactions/status', { api_key }),
  payouts: (page: number, limit: number) =>
    call<PayoutsPage>('GET', `/reports/payouts?${new URLSearchParams({ page: String(page), limit: String(limit) })}`),
  user: (user_id: string) => call<UserReport>('GET', `/reports/users/${encodeURIComponent(user_id)}`),
  /** `amount_minor` null settles everything requested; the key is the caller's, one per intended settlement. */
  settle: (api_key: string, user_id: string, amount_minor: bigint | null, reason: string, idempotency_key: string) =>
    call<SettleAnswer>('POST', `/v1/payouts/${encodeURIComponent(user_id)}/settle`, {
      api_key,
      // Written by hand so the amount's digits are the bigint's own: no Number() on the way out.
      body: `{${amount_minor === null ? '' : `"amount":${amount_minor.toString()},`}"reason":${JSON.stringify(reason)}}`,
      headers: { 'idempotency-key': idempotency_key },
    }),
};
