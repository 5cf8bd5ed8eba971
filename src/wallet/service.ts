import { WALLET_ERRORS } from './errors.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import type { Sql } from '../db/sql.ts';
import type { AccountNeed } from '../ledger/command.ts';
import type { Ledger } from '../ledger/service.ts';
import {
  playerAccount,
  systemAccount,
  type AccountKey,
  type AccountState,
  type SystemAccountName,
  type TransferRecord,
} from '../ledger/types.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import { readPlayersPage } from './store.ts';
import type { Book } from '../ledger/book.ts';
import { amountToJson } from '../platform/money.ts';
import type { ManualMovementStamp } from '../platform/operator.ts';
import { movementHandler, type MovementInput } from './handler.ts';
import {
  decodeHistoryCursor,
  decodePlayersCursor,
  decodeRoundsCursor,
  encodePlayersCursor,
  encodeRoundsCursor,
} from './cursor.ts';
import { groupRounds, type RoundItem } from './rounds.ts';
import { readRounds } from './store.ts';
import { readHistoryPage, type HistoryPage } from './history.ts';
import { InFlightKeys, replayStored, scopeToken, type IdempotencyScope, type MoneyResponse } from './idempotency.ts';
import { loadStoredResponses } from './store.ts';

export type MoveKind = 'topup' | 'bonus' | 'spend' | 'withdraw';

/** The 201 body of a top-up, bonus, spend or withdrawal (the back office reads it too). */
export interface MoveResult {
  transactionId: string;
  playerId: string;
  asset: string;
  amount: number;
  balance: number;
}

/** SPEC §4: top-up and bonus are issued by the treasury; spend goes to revenue; withdraw returns to the treasury. */
const MOVES: Record<MoveKind, { system: SystemAccountName; debit: boolean }> = {
  topup: { system: 'treasury', debit: false },
  bonus: { system: 'treasury', debit: false },
  spend: { system: 'revenue', debit: true },
  withdraw: { system: 'treasury', debit: true },
};
/**
 * Transfer kinds of the manual moves. The wallet's "bonus" move (SPEC §4) is a promotional credit
 * treasury → cash, not a wagering bonus (SPEC §5: bonus accounts, `bonus_grant`, `bonus_convert`, …);
 * it keeps the wire name `bonus` its clients already read in the history.
 */
const MOVE_TRANSFER_KINDS: Record<MoveKind, string> = {
  topup: 'topup',
  bonus: 'bonus',
  spend: 'spend',
  withdraw: 'withdraw',
};

/** GET …/transactions: asset, transfer kind and a creation-time window [from, to) narrow the history. */
export interface HistoryQuery {
  asset?: string;
  kind?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

export type ClientMetadata = Record<string, string | number | boolean | null>;

export interface MoveRequest {
  player_id: string;
  kind: MoveKind;
  asset: string;
  amount_minor: bigint;
  description?: string;
  metadata?: ClientMetadata;
  /** Who made this manual movement and why (SPEC §4), recorded in the transfer's metadata. */
  stamp: ManualMovementStamp;
}

/** One side of a general transfer: a player's cash account or a system account, optionally naming its asset. */
export interface Party {
  playerId?: string;
  system?: SystemAccountName;
  asset?: string;
}

export interface TransferRequest {
  from: Party;
  to: Party;
  asset: string;
  amount_minor: bigint;
  description?: string;
  metadata?: ClientMetadata;
  stamp: ManualMovementStamp;
}

/** The operator wallet's rules (SPEC §4). No HTTP here: routes.ts translates outcomes into answers. */
export class WalletService {
  private readonly in_flight = new InFlightKeys();

  constructor(
    private readonly ledger: Ledger,
    private readonly sql: Sql,
  ) {}

  move(request: MoveRequest, scope: IdempotencyScope): Promise<Outcome<MoneyResponse>> {
    return this.idempotent(scope, async () => {
      const unknown = await this.unknownAsset(request.asset);
      if (unknown) return unknown;
      const rule = MOVES[request.kind];
      // Only a credit may open a wallet; a debit needs a player that exists (404 otherwise).
      if (rule.debit) {
        const found = await this.player(request.player_id);
        if (!found.ok) return found;
      }
      const player = playerAccount(request.player_id, request.asset);
      const system = systemAccount(rule.system, request.asset);
      const [from, to] = rule.debit ? [player, system] : [system, player];
      const respond = (record: TransferRecord, book: Book): MoveResult => ({
        transactionId: record.id,
        playerId: request.player_id,
        asset: request.asset,
        amount: amountToJson(record.amount_minor),
        balance: amountToJson(book.balance(player)),
      });
      const accounts = [
        { key: player, create: !rule.debit },
        { key: system, create: true },
      ];
      // A withdraw forfeits the asset's active bonus first (SPEC §5); the bonus participant locks that
      // bonus's accounts when its read finds it (play/bonus.ts bonusAccountNeeds).
      const cash_out = request.kind === 'withdraw' ? { player: request.player_id, asset: request.asset } : undefined;
      return this.submit(
        scope,
        { ...describe(request), from, to, kind: MOVE_TRANSFER_KINDS[request.kind], amount_minor: request.amount_minor },
        accounts,
        respond,
        cash_out,
      );
    });
  }

  transfer(request: TransferRequest, scope: IdempotencyScope): Promise<Outcome<MoneyResponse>> {
    return this.idempotent(scope, async () => {
      const bad = checkParties(request) ?? (await this.unknownAsset(request.asset));
      if (bad) return bad;
      const from = partyAccount(request.from, request.asset);
      const to = partyAccount(request.to, request.asset);
      for (const [side, key] of [
        ['from', from],
        ['to', to],
      ] as const) {
        if (key.kind !== 'player') continue;
        const found = await this.player(key.owner, side);
        if (!found.ok) return found;
      }
      const respond = (record: TransferRecord, book: Book) => ({
        transactionId: record.id,
        asset: request.asset,
        amount: amountToJson(record.amount_minor),
        from: partyJson(from, book),
        to: partyJson(to, book),
      });
      // The destination exists (checked above); create:true only opens its account in this asset.
      const accounts = [
        { key: from, create: from.kind === 'system' },
        { key: to, create: true },
      ];
      return this.submit(
        scope,
        { ...describe(request), from, to, kind: 'transfer', amount_minor: request.amount_minor },
        accounts,
        respond,
      );
    });
  }

  async wallet(
    player_id: string,
  ): Promise<Outcome<{ playerId: string; balances: Record<string, number>; bonus_balances: Record<string, number> }>> {
    const found = await this.player(player_id);
    if (!found.ok) return found;
    await this.ledger.durable();
    const of = (purpose: string) =>
      Object.fromEntries(
        found.value.filter((a) => a.key.purpose === purpose).map((a) => [a.key.asset, amountToJson(a.balance_minor)]),
      );
    // SPEC §5: bonus money is its own account per asset (purpose 'bonus'), shown beside the cash balances.
    return succeed({ playerId: player_id, balances: of('cash'), bonus_balances: of('bonus') });
  }

  async history(player_id: string, query: HistoryQuery): Promise<Outcome<HistoryPage & { playerId: string }>> {
    const found = await this.player(player_id);
    if (!found.ok) return found;
    const unknown = query.asset !== undefined ? await this.unknownAsset(query.asset) : undefined;
    if (unknown) return unknown;
    // Bonus accounts' movements (grants, bonus stakes and wins, conversion) are part of the history too.
    const accounts = found.value.filter(
      (a) =>
        (a.key.purpose === 'cash' || a.key.purpose === 'bonus') &&
        (query.asset === undefined || a.key.asset === query.asset),
    );
    let positions = new Map(accounts.map((a) => [a.id, a.version + 1n]));
    if (query.cursor !== undefined) {
      const decoded = decodeHistoryCursor(query.cursor, new Map(accounts.map((a) => [a.id, a.version])));
      if (!decoded) return refuse(WALLET_ERRORS.WALLET_INVALID_CURSOR);
      positions = decoded;
    }
    const filter = {
      kind: query.kind,
      from: query.from === undefined ? undefined : new Date(query.from),
      to: query.to === undefined ? undefined : new Date(query.to),
    };
    const page = await readHistoryPage(this.ledger, accounts, positions, query.limit, filter);
    await this.ledger.durable();
    return succeed({ playerId: player_id, ...page });
  }

  async players(query: { limit: number; cursor?: string; prefix?: string }) {
    const after = query.cursor !== undefined ? decodePlayersCursor(query.cursor) : null;
    if (after === undefined) return refuse(WALLET_ERRORS.WALLET_INVALID_CURSOR);
    // One extra row tells whether another page exists, so the last page carries no cursor.
    const rows = await readPlayersPage(this.sql, query.limit + 1, after, query.prefix ?? '');
    await this.ledger.durable();
    const page = rows.slice(0, query.limit);
    return succeed({
      players: page.map((p) => ({
        playerId: p.owner,
        balances: Object.fromEntries(p.balances.map((b) => [b.asset, amountToJson(b.balance_minor)])),
      })),
      next_cursor: rows.length > query.limit ? encodePlayersCursor(page[page.length - 1].owner) : null,
    });
  }

  /** A player's game rounds across both surfaces, newest first (SPEC §8), or one round by id. */
  async rounds(
    player_id: string,
    query: { limit: number; cursor?: string; round?: string },
  ): Promise<Outcome<{ playerId: string; rounds: RoundItem[]; next_cursor: string | null }>> {
    const found = await this.player(player_id);
    if (!found.ok) return found;
    const after = query.cursor !== undefined ? decodeRoundsCursor(query.cursor) : null;
    if (after === undefined) return refuse(WALLET_ERRORS.WALLET_INVALID_CURSOR);
    // One extra round tells whether another page exists.
    const rows = await readRounds(this.sql, player_id, query.limit + 1, after, query.round ?? null);
    await this.ledger.durable();
    const { items, keys } = groupRounds(rows);
    const more = items.length > query.limit;
    const last = keys[query.limit - 1];
    return succeed({
      playerId: player_id,
      rounds: items.slice(0, query.limit),
      next_cursor: more ? encodeRoundsCursor(last.started_key, last.round_key) : null,
    });
  }

  async assets(): Promise<{ assets: { code: string; scale: number }[] }> {
    return { assets: [...(await this.ledger.listAssets()).values()] };
  }

  /** In-flight keys answer 409; a stored response is replayed (or 422 if the request differs); otherwise work. */
  private idempotent(
    scope: IdempotencyScope,
    work: () => Promise<Outcome<MoneyResponse>>,
  ): Promise<Outcome<MoneyResponse>> {
    const token = scopeToken(scope);
    return this.in_flight.run(token, async () => {
      const stored = (await loadStoredResponses(this.sql, [scope])).get(token);
      return stored ? replayStored(stored, scope) : work();
    });
  }

  private async submit(
    scope: IdempotencyScope,
    movement: {
      from: AccountKey;
      to: AccountKey;
      kind: string;
      amount_minor: bigint;
      description?: string;
      metadata?: ClientMetadata;
      stamp: ManualMovementStamp;
    },
    accounts: AccountNeed[],
    respond: MovementInput['respond'],
    cash_out?: MovementInput['cash_out'],
  ): Promise<Outcome<MoneyResponse>> {
    const metadata = {
      description: movement.description,
      metadata: movement.metadata,
      idempotency_key: scope.idempotency_key,
      ...movement.stamp,
    };
    const transfer = {
      from: movement.from,
      to: movement.to,
      amount_minor: movement.amount_minor,
      kind: movement.kind,
      metadata,
    };
    return this.ledger.submit({ handler: movementHandler, input: { scope, transfer, respond, cash_out }, accounts });
  }

  private async unknownAsset(code: string): Promise<Outcome<never> | undefined> {
    if (await this.ledger.assetExists(code)) return undefined;
    return refuse(PLATFORM_ERRORS.UNKNOWN_ASSET, `asset ${code} is not a known asset or currency.`);
  }

  private async player(player_id: string, side?: 'from' | 'to'): Promise<Outcome<AccountState[]>> {
    const accounts = await this.ledger.accountsOf('player', player_id);
    if (accounts.length === 0) {
      return refuse(
        WALLET_ERRORS.WALLET_PLAYER_NOT_FOUND,
        `No wallet exists for player ${player_id}${side ? ` (${side}.playerId)` : ''}.`,
      );
    }
    return succeed(accounts);
  }
}

/** Exactly one of playerId / system per side, the sides' assets agree, and they are two different accounts. */
function checkParties(request: TransferRequest): Outcome<never> | undefined {
  for (const side of ['from', 'to'] as const) {
    const party = request[side];
    if ((party.playerId === undefined) === (party.system === undefined)) {
      return refuse(PLATFORM_ERRORS.VALIDATION_ERROR, `${side} must name exactly one of playerId or system`);
    }
    if (party.asset !== undefined && party.asset !== request.asset) {
      return refuse(
        WALLET_ERRORS.WALLET_ASSET_MISMATCH,
        `${side}.asset is ${party.asset} but the transfer moves ${request.asset}; both accounts must hold the same asset.`,
      );
    }
  }
  const same =
    request.from.playerId !== undefined
      ? request.from.playerId === request.to.playerId
      : request.from.system === request.to.system;
  return same ? refuse(WALLET_ERRORS.WALLET_SELF_TRANSFER) : undefined;
}

function describe(request: { description?: string; metadata?: ClientMetadata; stamp: ManualMovementStamp }) {
  return { description: request.description, metadata: request.metadata, stamp: request.stamp };
}

function partyAccount(party: Party, asset: string): AccountKey {
  return party.playerId !== undefined ? playerAccount(party.playerId, asset) : systemAccount(party.system!, asset);
}

/** Players see their balance after the transfer; system balances are internal aggregates (and may exceed JSON's range). */
function partyJson(key: AccountKey, book: Book): Record<string, unknown> {
  if (key.kind === 'system') return { system: key.owner };
  return { playerId: key.owner, balance: amountToJson(book.balance(key)) };
}
