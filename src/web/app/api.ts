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
export type { RoundItem, RoundTransfer } from '../../wallet/rounds.ts';
import type { HistoryItem } from '../../wallet/history.ts';
import type { MoveKind, MoveResult } from '../../wallet/service.ts';
import type { RoundItem } from '../../wallet/rounds.ts';
export type { MeJson as Me, OperatorJson, CreatedOperatorJson } from '../../operators/service.ts';
export type { AuditEntryJson as AuditEntry } from '../../operators/audit.ts';
import type { MeJson, OperatorJson, CreatedOperatorJson } from '../../operators/service.ts';
import type { AuditEntryJson } from '../../operators/audit.ts';
import type { OperatorRole } from '../../platform/operator.ts';
export type { OperatorRole } from '../../platform/operator.ts';

/** Filters of the audit log (GET /v1/audit). */
export interface AuditFilter {
  operatorId?: string;
  from?: string;
  to?: string;
}

/** Filters of a player's history (GET /v1/wallets/{id}/transactions). */
export interface HistoryFilter {
  asset?: string;
  kind?: string;
  from?: string;
  to?: string;
}

/** One step of the casino's scripted round (POST /casino/simulateRound). */
export interface SimulatedStep {
  call: string;
  status: number;
  request: Record<string, unknown>;
  response: Record<string, unknown>;
}

export interface SimulatedRound {
  sessionToken: string;
  roundId: string;
  steps: SimulatedStep[];
  initialBalance: number;
  finalBalance: number;
}

function query(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).filter(
    (e): e is [string, string | number] => e[1] !== undefined && e[1] !== '',
  );
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}

/** An answer from the API that is not a success; `message` is the API's own sentence. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const API_KEY_STORAGE = 'croupier.apiKey';

export const storedApiKey = {
  get: (): string | null => sessionStorage.getItem(API_KEY_STORAGE),
  set: (key: string): void => sessionStorage.setItem(API_KEY_STORAGE, key),
  clear: (): void => sessionStorage.removeItem(API_KEY_STORAGE),
};

async function request<T>(
  api_key: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${api_key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
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

const player = (id: string) => encodeURIComponent(id);

export const api = {
  me: (key: string) => request<MeJson>(key, 'GET', '/v1/operators/me'),
  operators: (key: string) => request<{ operators: OperatorJson[] }>(key, 'GET', '/v1/operators'),
  createOperator: (key: string, body: { name: string; role: OperatorRole }) =>
    request<CreatedOperatorJson>(key, 'POST', '/v1/operators', body),
  revokeOperator: (key: string, id: string) =>
    request<OperatorJson>(key, 'DELETE', `/v1/operators/${encodeURIComponent(id)}`),
  audit: (key: string, filter: AuditFilter, cursor?: string, limit = 25) =>
    request<{ entries: AuditEntryJson[]; next_cursor: string | null }>(
      key,
      'GET',
      `/v1/audit${query({ ...filter, limit, cursor })}`,
    ),
  assets: (key: string) => request<{ assets: Asset[] }>(key, 'GET', '/v1/assets'),
  players: (key: string, options: { prefix?: string; cursor?: string; limit?: number } = {}) =>
    request<{ players: PlayerSummary[]; next_cursor: string | null }>(
      key,
      'GET',
      `/v1/players${query({ limit: options.limit ?? 25, prefix: options.prefix, cursor: options.cursor })}`,
    ),
  wallet: (key: string, id: string) => request<PlayerSummary>(key, 'GET', `/v1/wallets/${player(id)}`),
  history: (key: string, id: string, filter: HistoryFilter = {}, cursor?: string, limit = 25) =>
    request<{ items: HistoryItem[]; next_cursor: string | null }>(
      key,
      'GET',
      `/v1/wallets/${player(id)}/transactions${query({ ...filter, limit, cursor })}`,
    ),
  rounds: (key: string, id: string, options: { round?: string; cursor?: string; limit?: number } = {}) =>
    request<{ rounds: RoundItem[]; next_cursor: string | null }>(
      key,
      'GET',
      `/v1/players/${player(id)}/rounds${query({ limit: options.limit ?? 20, round: options.round, cursor: options.cursor })}`,
    ),
  move: (
    key: string,
    id: string,
    kind: MoveKind,
    body: { asset: string; amount: number; description?: string; reason?: string },
    idempotency_key: string,
  ) =>
    request<MoveResult>(key, 'POST', `/v1/wallets/${player(id)}/${kind}`, body, { 'idempotency-key': idempotency_key }),
  simulateRound: (key: string, body: { userId: string; gameId: string; currency: string }) =>
    request<SimulatedRound>(key, 'POST', '/casino/simulateRound', body),
  launchGame: (key: string, body: { userId: string; gameId: string; currency: string }) =>
    request<{ sessionToken: string; launchUrl: string; expiresAt: string }>(key, 'POST', '/casino/launchGame', body),
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

export { formatMinor } from './money.ts';
