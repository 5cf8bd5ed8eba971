/** The back office talks to the same operator API as any client: Bearer key, JSON, Idempotency-Key. */

export interface Asset {
  code: string;
  scale: number;
}

export interface PlayerSummary {
  playerId: string;
  balances: Record<string, number>;
  /** GET /v1/wallets/{id} only: bonus money per asset (SPEC §5). */
  bonus_balances?: Record<string, number>;
}

// The wire types are defined once, by the API; a type-only import is erased from the browser bundle.
export type { HistoryItem } from '../../wallet/history.ts';
export type { MoveKind, MoveResult } from '../../wallet/service.ts';
export type { RoundItem, RoundTransfer } from '../../wallet/rounds.ts';
import type { HistoryItem } from '../../wallet/history.ts';
import type { MoveKind, MoveResult } from '../../wallet/service.ts';
import type { RoundItem } from '../../wallet/rounds.ts';
import { parseExactJson, type Exact } from './exact-json.ts';
export type { GrantJson as Grant } from '../../bonus/grant.ts';
export type { Contributions, GameCategory, GameRow as Game } from '../../play/catalog.ts';
import type { GrantJson } from '../../bonus/grant.ts';
import type { Contributions, GameCategory, GameRow } from '../../play/catalog.ts';

/** The body of a bonus grant (SPEC §5), amounts in minor units; `reason` is recorded with the operator (§4). */
export interface GrantRequest {
  asset: string;
  amount: number;
  wagering_multiplier: number;
  expires_at: string;
  max_bet?: number;
  max_conversion?: number;
  reason?: string;
}

/** A live-progress message of GET /v1/ws (SPEC §5). */
export interface BonusProgress {
  type: 'bonus';
  bonusId: string;
  playerId: string;
  asset: string;
  status: GrantJson['status'];
  bonus_balance: number;
  wagered: number;
  required: number;
  percent: number;
}

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

/** The grouping fields of the game reports (SPEC §6); NGR allows day and player only. */
export type GroupField = 'day' | 'provider' | 'game' | 'player';

/** Query of GET /v1/reports/games and /v1/reports/ngr. */
export interface ReportQuery {
  from: string;
  to: string;
  group_by?: string;
  currency?: string;
  provider?: string;
  game?: string;
  player?: string;
  page?: number;
  limit?: number;
}

/** One row of a game report: the group fields, then exact figures (digits beyond 2^53 − 1). */
export interface ReportRow {
  day?: string;
  provider?: string;
  game?: string;
  player?: string;
  currency: string;
  bet_count: Exact;
  bets: Exact;
  wins: Exact;
  bonus_bets: Exact;
  bonus_wins: Exact;
  ggr: Exact;
  rtp: number | null;
  /** NGR report only. */
  bonus_converted?: Exact;
  ngr?: Exact;
}

export interface ReportAnswer {
  data: ReportRow[];
  totals: ReportRow[];
  pagination: { page: number; limit: number; total: number; total_pages: number };
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
  parse: (text: string) => unknown = JSON.parse,
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
    json = text ? parse(text) : undefined;
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
  /** Game reports keep big sums exact: parsed with parseExactJson, never through a double. */
  report: (key: string, kind: 'games' | 'ngr', params: ReportQuery) =>
    request<ReportAnswer>(key, 'GET', `/v1/reports/${kind}${query({ ...params })}`, undefined, {}, parseExactJson),
  launchGame: (key: string, body: { userId: string; gameId: string; currency: string }) =>
    request<{ sessionToken: string; launchUrl: string; expiresAt: string }>(key, 'POST', '/casino/launchGame', body),
  bonuses: (key: string, id: string) => request<{ data: GrantJson[] }>(key, 'GET', `/v1/players/${player(id)}/bonuses`),
  grant: (key: string, id: string, body: GrantRequest, idempotency_key: string) =>
    request<GrantJson>(key, 'POST', `/v1/players/${player(id)}/bonuses`, body, { 'idempotency-key': idempotency_key }),
  forfeit: (key: string, id: string, bonus_id: string, body: { reason?: string }, idempotency_key: string) =>
    request<GrantJson>(key, 'POST', `/v1/players/${player(id)}/bonuses/${encodeURIComponent(bonus_id)}/forfeit`, body, {
      'idempotency-key': idempotency_key,
    }),
  games: (key: string, cursor?: string, limit = 50) =>
    request<{ games: GameRow[]; next_cursor: string | null }>(key, 'GET', `/v1/games${query({ limit, cursor })}`),
  putGame: (key: string, game: { provider: string; game: string; category: GameCategory; name?: string }) =>
    request<GameRow>(
      key,
      'PUT',
      `/v1/games/${encodeURIComponent(game.provider)}/${encodeURIComponent(game.game)}`,
      game.name === undefined ? { category: game.category } : { category: game.category, name: game.name },
    ),
  contributions: (key: string) => request<Contributions>(key, 'GET', '/v1/bonus/contributions'),
  putContributions: (key: string, table: Contributions) =>
    request<Contributions>(key, 'PUT', '/v1/bonus/contributions', table),
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
