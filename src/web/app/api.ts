/** The back office talks to the same operator API as any client: Bearer key, JSON, Idempotency-Key. */

export interface Asset {
  code: string;
  scale: number;
}

export interface PlayerSummary {
  playerId: string;
  balances: Record<string, number>;
}

// The wire types are defined once, by the API; a type-only import is erased from the browser bundle.
export type { HistoryItem } from '../../wallet/history.ts';
export type { MoveKind, MoveResult } from '../../wallet/service.ts';
import type { HistoryItem } from '../../wallet/history.ts';
import type { MoveKind, MoveResult } from '../../wallet/service.ts';

/** An answer from the API that is not a success; `message` is the API's own sentence. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const API_KEY_STORAGE = 'croupier.apiKey';

export const storedApiKey = {
  get: (): string | null => sessionStorage.getItem(API_KEY_STORAGE),
  set: (key: string): void => sessionStorage.setItem(API_KEY_STORAGE, key),
  clear: (): void => sessionStorage.removeItem(API_KEY_STORAGE),
};

async function request<T>(api_key: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${api_key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server could not be reached. Nothing is known to have changed; submitting again is safe.');
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
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

export const api = {
  assets: (key: string) => request<{ assets: Asset[] }>(key, 'GET', '/v1/assets'),
  players: (key: string, cursor?: string) =>
    request<{ players: PlayerSummary[]; next_cursor: string | null }>(key, 'GET', `/v1/players?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
  wallet: (key: string, player: string) => request<PlayerSummary>(key, 'GET', `/v1/wallets/${encodeURIComponent(player)}`),
  history: (key: string, player: string, cursor?: string) =>
    request<{ items: HistoryItem[]; next_cursor: string | null }>(
      key,
      'GET',
      `/v1/wallets/${encodeURIComponent(player)}/transactions?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    ),
  move: (key: string, player: string, kind: MoveKind, body: { asset: string; amount: number; description?: string }, idempotency_key: string) =>
    request<MoveResult>(key, 'POST', `/v1/wallets/${encodeURIComponent(player)}/${kind}`, body, { 'idempotency-key': idempotency_key }),
};

/** crypto.randomUUID exists only in secure contexts; a plain-http LAN address still needs keys. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Minor units → decimal text with the asset's scale, without floating point (100050, 2 → "1000.50"). */
export function formatMinor(amount_minor: number, scale: number): string {
  const negative = amount_minor < 0;
  const digits = BigInt(Math.abs(amount_minor)).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}
