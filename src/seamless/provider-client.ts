import { hmacSha256Hex } from '../platform/hmac.ts';

/**
 * The casino's HTTP client for the game provider: signed with PROVIDER_SECRET, bounded by a timeout.
 * The provider is another system; the casino knows only its URL and its wire format.
 */
export interface ProviderReply {
  ok: boolean;
  status: number;
  body: unknown;
  /** Why there is no usable answer (network error, timeout, non-JSON body). */
  failure?: string;
}

export async function callProvider(
  base_url: string,
  secret: string,
  path: string,
  payload: unknown,
  timeout_ms: number,
): Promise<ProviderReply> {
  const body = JSON.stringify(payload);
  let response: Response;
  try {
    response = await fetch(new URL(path, base_url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-provider-signature': hmacSha256Hex(secret, body) },
      body,
      signal: AbortSignal.timeout(timeout_ms),
    });
  } catch (error) {
    const name = (error as Error).name;
    return {
      ok: false,
      status: 0,
      body: undefined,
      failure:
        name === 'TimeoutError' ? `no answer within ${timeout_ms} ms` : `unreachable (${(error as Error).message})`,
    };
  }
  const text = await response.text().catch(() => '');
  try {
    const parsed: unknown = JSON.parse(text);
    return { ok: response.ok, status: response.status, body: parsed };
  } catch {
    return {
      ok: false,
      status: response.status,
      body: undefined,
      failure: `answered ${response.status} with a body that is not JSON`,
    };
  }
}

/** "provider answered 404 GAME_NOT_FOUND: …" for error messages. */
export function describeReply(reply: ProviderReply): string {
  if (reply.failure) return `the game provider ${reply.failure}`;
  const error = reply.body as { code?: unknown; message?: unknown } | undefined;
  return `the game provider answered ${reply.status} ${String(error?.code ?? '')}: ${String(error?.message ?? '')}`
    .trim()
    .replace(/\.$/, '');
}
