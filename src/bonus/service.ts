import type { AppContext } from '../ledger/context.ts';
import { playerAccount } from '../ledger/types.ts';
import type { ManualMovementStamp } from '../platform/operator.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { uuidv7 } from '../platform/uuid.ts';
import { bonusAccount, bonusAccountNeeds } from '../play/bonus.ts';
import { readContributions, type Contributions, type GameRow } from '../play/catalog.ts';
import { BONUS_ERRORS } from './errors.ts';
import { grantJson, type GrantJson } from './grant.ts';
import { bonusHandler, type BonusCommand } from './handler.ts';
import {
  InFlightKeys,
  loadStoredAnswers,
  replayStored,
  tokenOf,
  type IdempotencyScope,
  type MoneyAnswer,
} from './idempotency.ts';
import { BONUS_EXPIRY_SWEEP_ROWS_MAX, BONUS_LIST_ROWS_MAX } from './limits.ts';
import type { BonusRow } from './state.ts';
import {
  readBonus,
  readDueBonuses,
  readGamesPage,
  readPlayerBonuses,
  upsertGame,
  writeContributions,
} from './store.ts';

export interface GrantRequest {
  player: string;
  asset: string;
  amount_minor: bigint;
  multiplier: number;
  expires_at: Date;
  max_bet_minor: bigint | null;
  max_conversion_minor: bigint | null;
  /** The operator and reason (SPEC §4), recorded with the grant and its bonus_grant transfer. */
  stamp: ManualMovementStamp;
}

/** The catalog, contributions and grants (SPEC §5). No HTTP here: routes.ts answers the outcomes. */
export class BonusService {
  private readonly in_flight = new InFlightKeys();

  constructor(private readonly ctx: AppContext) {}

  putGame(row: GameRow): Promise<GameRow> {
    return upsertGame(this.ctx.sql, row);
  }

  async games(
    limit: number,
    cursor: string | undefined,
  ): Promise<Outcome<{ games: GameRow[]; next_cursor: string | null }>> {
    const after = cursor === undefined ? null : decodeCursor(cursor);
    if (after === undefined) return refuse(BONUS_ERRORS.BONUS_INVALID_CURSOR);
    // One extra row tells whether another page exists.
    const rows = await readGamesPage(this.ctx.sql, limit + 1, after);
    const games = rows.slice(0, limit);
    const last = games[games.length - 1];
    return succeed({ games, next_cursor: rows.length > limit && last ? encodeCursor(last) : null });
  }

  contributions(): Promise<Contributions> {
    return readContributions(this.ctx.sql);
  }

  async setContributions(table: Contributions): Promise<Contributions> {
    await writeContributions(this.ctx.sql, table);
    return readContributions(this.ctx.sql);
  }

  grant(request: GrantRequest, scope: IdempotencyScope): Promise<Outcome<MoneyAnswer>> {
    return this.idempotent(scope, async () => {
      if (!(await this.ctx.ledger.assetExists(request.asset)))
        return refuse(PLATFORM_ERRORS.UNKNOWN_ASSET, `asset ${request.asset} is not a known asset or currency.`);
      if (request.expires_at.getTime() <= Date.now())
        return refuse(PLATFORM_ERRORS.VALIDATION_ERROR, 'expires_at must be in the future.');
      const row: BonusRow = {
        id: uuidv7(),
        player: request.player,
        asset: request.asset,
        amount_minor: request.amount_minor,
        multiplier: request.multiplier,
        required_minor: request.amount_minor * BigInt(request.multiplier),
        wagered_minor: 0n,
        status: 'pending',
        expires_at: request.expires_at,
        max_bet_minor: request.max_bet_minor,
        max_conversion_minor: request.max_conversion_minor,
        created_at: new Date(),
        ended_at: null,
        granted_by: request.stamp,
      };
      return this.submit({ kind: 'grant', scope, row }, request.player, request.asset, true);
    });
  }

  forfeit(
    player: string,
    bonus_id: string,
    scope: IdempotencyScope,
    stamp: ManualMovementStamp,
  ): Promise<Outcome<MoneyAnswer>> {
    return this.idempotent(scope, async () => {
      const row = await readBonus(this.ctx.sql, player, bonus_id);
      if (!row) return refuse(BONUS_ERRORS.BONUS_NOT_FOUND, `No bonus ${bonus_id} exists for player ${player}.`);
      if (row.status !== 'active' && row.status !== 'pending')
        return refuse(BONUS_ERRORS.BONUS_NOT_ACTIVE, `Bonus ${bonus_id} has already ended (${row.status}).`);
      return this.submit({ kind: 'forfeit', scope, player, bonus_id: row.id, stamp }, player, row.asset, false);
    });
  }

  async list(player: string): Promise<{ data: GrantJson[] }> {
    const rows = await readPlayerBonuses(this.ctx.sql, player, BONUS_LIST_ROWS_MAX);
    const balances = new Map<string, bigint>();
    for (const row of rows.filter((r) => r.status === 'active')) {
      balances.set(row.asset, (await this.ctx.ledger.account(bonusAccount(player, row.asset)))?.balance_minor ?? 0n);
    }
    await this.ctx.ledger.durable();
    return { data: rows.map((r) => grantJson(r, balances.get(r.asset) ?? 0n)) };
  }

  /** The sweep: each due bonus's player and asset gets an expire command (the lifecycle does the rest). */
  async expireDue(now: Date = new Date()): Promise<number> {
    const due = await readDueBonuses(this.ctx.sql, now, BONUS_EXPIRY_SWEEP_ROWS_MAX);
    await Promise.all(
      due.map((d) => this.submit({ kind: 'expire', player: d.player, asset: d.asset }, d.player, d.asset, false)),
    );
    return due.length;
  }

  private async submit(
    input: BonusCommand,
    player: string,
    asset: string,
    create: boolean,
  ): Promise<Outcome<MoneyAnswer>> {
    const accounts = [{ key: playerAccount(player, asset), create }, ...bonusAccountNeeds(player, asset, create)];
    const outcome = await this.ctx.ledger.submit({ handler: bonusHandler, input, accounts });
    if (!outcome.ok) return outcome;
    return succeed(outcome.value ?? { status: 200, body: Buffer.alloc(0), replayed: false });
  }

  private idempotent(
    scope: IdempotencyScope,
    work: () => Promise<Outcome<MoneyAnswer>>,
  ): Promise<Outcome<MoneyAnswer>> {
    return this.in_flight.run(tokenOf(scope), async () => {
      const stored = (await loadStoredAnswers(this.ctx.sql, [scope])).get(tokenOf(scope));
      return stored ? replayStored(stored, scope) : work();
    });
  }
}

function encodeCursor(row: Pick<GameRow, 'provider' | 'game'>): string {
  return Buffer.from(JSON.stringify([row.provider, row.game]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { provider: string; game: string } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string')
      return { provider: value[0], game: value[1] };
  } catch {
    // not a cursor of ours
  }
  return undefined;
}
