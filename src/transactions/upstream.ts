import { parseExactJson, JsonNumber, type ExactJson } from './json-exact.ts';
import { RETRY_AFTER_MAX_S, UPSTREAM_RESPONSE_SIZE_MAX_BYTES } from './limits.ts';

/** One answer of `GET /transactions` (SPEC §7), as far as the puller needs it. */
export type PageAnswer =
  | { kind: 'page'; items: ExactJson[]; total_pages: number | null }
  | { kind: 'throttled'; retry_after_s: number; message: string }
  | { kind: 'failed'; retry_after_s: number | null; message: string };

export interface PageRequest {
  start: Date;
  end: Date;
  page: number;
  limit: number;
}

/** Retry-After in seconds or as an HTTP date; bounded by RETRY_AFTER_MAX_S. */
export function retryAfterSeconds(header: string | null, now_ms: number = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const text = header.trim();
  let seconds: number;
  if (/^\d+$/.test(text)) seconds = Number(text);
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return null;
    seconds = Math.ceil((at - now_ms) / 1000);
  }
  return Math.min(Math.max(seconds, 0), RETRY_AFTER_MAX_S);
}

export function pageUrl(base: string, request: PageRequest): string {
  const url = new URL('transactions', base.endsWith('/') ? base : `${base}/`);
  // ISO-8601 in UTC, without milliseconds when there are none (walks use whole seconds).
  url.searchParams.set('startDate', request.start.toISOString().replace('.000Z', 'Z'));
  url.searchParams.set('endDate', request.end.toISOString().replace('.000Z', 'Z'));
  url.searchParams.set('page', String(request.page));
  url.searchParams.set('limit', String(request.limit));
  return url.toString();
}

/** Never throws for what the network or the upstream does: every failure is an answer the puller obeys. */
export async function fetchPage(
  base: string,
  request: PageRequest,
  timeout_ms: number,
  signal: AbortSignal,
): Promise<PageAnswer> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(pageUrl(base, request), {
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeout_ms)]),
    });
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > UPSTREAM_RESPONSE_SIZE_MAX_BYTES) {
      await response.body?.cancel();
      return {
        kind: 'failed',
        retry_after_s: null,
        message: `upstream answered ${length} bytes, more than ${UPSTREAM_RESPONSE_SIZE_MAX_BYTES}`,
      };
    }
    text = await response.text();
  } catch (error) {
    return { kind: 'failed', retry_after_s: null, message: `upstream unreachable: ${(error as Error).message}` };
  }
  const retry_after_s = retryAfterSeconds(response.headers.get('retry-after'));
  if (response.status === 429) {
    return {
      kind: 'throttled',
      retry_after_s: retry_after_s ?? 1,
      message: `upstream answered 429 (Retry-After ${retry_after_s ?? 'missing'})`,
    };
  }
  if (response.status !== 200)
    return { kind: 'failed', retry_after_s, message: `upstream answered ${response.status}` };
  return readPage(text);
}

/** The page's items (each validated later, one by one) and its page count when the meta has one. */
export function readPage(text: string): PageAnswer {
  let body: ExactJson;
  try {
    body = parseExactJson(text);
  } catch (error) {
    return { kind: 'failed', retry_after_s: null, message: `upstream page is not JSON: ${(error as Error).message}` };
  }
  if (
    body === null ||
    typeof body !== 'object' ||
    Array.isArray(body) ||
    body instanceof JsonNumber ||
    !Array.isArray(body.items)
  ) {
    return { kind: 'failed', retry_after_s: null, message: 'upstream page has no items array' };
  }
  const meta = body.meta;
  const pages =
    meta && typeof meta === 'object' && !Array.isArray(meta) && !(meta instanceof JsonNumber)
      ? meta.totalPages
      : undefined;
  const total_pages = pages instanceof JsonNumber && /^\d+$/.test(pages.text) ? Number(pages.text) : null;
  return { kind: 'page', items: body.items, total_pages };
}
