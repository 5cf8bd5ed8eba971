/**
 * Error answers of the mock upstream. It is another system than Croupier (reached only over HTTP),
 * so its table lives here and not in the product's registry; the shape is the same `{ code, message }`.
 */
export const UPSTREAM_ERRORS = {
  BAD_REQUEST: { code: 'BAD_REQUEST', http_status: 400 },
  NOT_FOUND: { code: 'NOT_FOUND', http_status: 404 },
  RATE_LIMITED: { code: 'RATE_LIMITED', http_status: 429 },
  INTERNAL_ERROR: { code: 'INTERNAL_ERROR', http_status: 500 },
  /** Sent with the status the test asked for (500, 502 or 503). */
  INJECTED_FAULT: { code: 'INJECTED_FAULT', http_status: 500 },
  TOO_MANY_CLIENTS: { code: 'TOO_MANY_CLIENTS', http_status: 503 },
} as const;

export type UpstreamErrorKey = keyof typeof UPSTREAM_ERRORS;

/** An answer that is not a page: its status and body. */
export interface UpstreamRefusal {
  key: UpstreamErrorKey;
  message: string;
}

export function refusal(key: UpstreamErrorKey, message: string): UpstreamRefusal {
  return { key, message };
}

export function refusalBody(r: UpstreamRefusal): { code: string; message: string } {
  return { code: UPSTREAM_ERRORS[r.key].code, message: r.message };
}
