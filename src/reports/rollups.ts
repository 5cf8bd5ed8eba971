import type { TransactionSql } from '../db/sql.ts';
import type { PendingStatement } from '../ledger/command.ts';
import type { Journal } from '../ledger/journal.ts';
import type { PlayEvent, PlayParticipant } from '../play/events.ts';
import type { Round } from '../play/round.ts';
import { ROLLUP_BUCKET_MS } from './limits.ts';
import { GameTotals } from './totals.ts';

/** One rollup row's key and what some events add to it. */
export interface RollupDelta extends GameTotals {
  win_count: bigint;
  bonus_bets_minor: bigint;
  bonus_wins_minor: bigint;
  player: string;
  currency: string;
  hour_start: Date;
  surface: Round['surface'];
  provider: string;
  game: string;
}

/** The start of the rollup bucket an action was processed in (UTC hours), in epoch milliseconds. */
export function bucketStartMs(processed_at: Date): number {
  return Math.floor(processed_at.getTime() / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
}

/** The kinds of play event a batch sums into its rollup deltas. */
export const EventKind = {
  bet: 0,
  win: 1,
  cancelled_bet: 2,
  cancelled_win: 3,
  rollback_of_bet: 4,
  rollback_of_win: 5,
} as const;
type EventKind = (typeof EventKind)[keyof typeof EventKind];

/**
 * A batch's play events, column by column, summed per rollup row when the batch persists (deltas()).
 * Appends inside a command are undone when the command is refused (one truncation per event, recorded
 * in the journal).
 */
export class RollupEvents {
  readonly players: string[] = [];
  readonly currencies: string[] = [];
  readonly hours: number[] = [];
  readonly surfaces: string[] = [];
  readonly providers: string[] = [];
  readonly games: string[] = [];
  readonly kinds: EventKind[] = [];
  readonly amounts: bigint[] = [];
  readonly bonuses: bigint[] = [];

  constructor(private readonly journal: Journal) {}

  get length(): number {
    return this.kinds.length;
  }

  add(round: Round, kind: EventKind, at: Date, amount_minor: bigint, bonus_minor: bigint): void {
    const length = this.kinds.length;
    this.journal.record(() => this.truncate(length));
    this.players.push(round.player);
    this.currencies.push(round.currency);
    this.hours.push(Math.floor(at.getTime() / ROLLUP_BUCKET_MS));
    this.surfaces.push(round.surface);
    this.providers.push(round.provider);
    this.games.push(round.game);
    this.kinds.push(kind);
    this.amounts.push(amount_minor);
    this.bonuses.push(bonus_minor);
  }

  /**
   * The rollup rows these events add to, summed per key, in first-seen order — what the batch appends to
   * game_rollups_pending (migration 092) and the fold adds to game_rollups.
   */
  deltas(): RollupDelta[] {
    const rows = new Map<string, RollupDelta>();
    for (let i = 0; i < this.kinds.length; i++) {
      const key = `${this.players[i]}\u0000${this.currencies[i]}\u0000${this.hours[i]}\u0000${this.surfaces[i]}\u0000${this.providers[i]}\u0000${this.games[i]}`;
      let d = rows.get(key);
      if (d === undefined) {
        d = {
          player: this.players[i],
          currency: this.currencies[i],
          hour_start: new Date(this.hours[i] * ROLLUP_BUCKET_MS),
          surface: this.surfaces[i] as Round['surface'],
          provider: this.providers[i],
          game: this.games[i],
          ...GameTotals.zero(),
          win_count: 0n,
          bonus_bets_minor: 0n,
          bonus_wins_minor: 0n,
        };
        rows.set(key, d);
      }
      addEvent(d, this.kinds[i], this.amounts[i], this.bonuses[i]);
    }
    return [...rows.values()];
  }

  private truncate(length: number): void {
    for (const column of [
      this.players,
      this.currencies,
      this.hours,
      this.surfaces,
      this.providers,
      this.games,
      this.kinds,
      this.amounts,
      this.bonuses,
    ] as unknown[][])
      column.length = length;
  }
}

/** What one event adds to its rollup row. */
function addEvent(d: RollupDelta, kind: EventKind, amount: bigint, bonus: bigint): void {
  if (kind <= EventKind.cancelled_win) d.actions += 1n;
  switch (kind) {
    case EventKind.bet:
      d.bet_count += 1n;
      d.bets_minor += amount;
      d.bonus_bets_minor += bonus;
      break;
    case EventKind.win:
      d.win_count += 1n;
      d.wins_minor += amount;
      d.bonus_wins_minor += bonus;
      break;
    case EventKind.cancelled_bet:
      d.rolled_back_bets_minor += amount;
      break;
    case EventKind.cancelled_win:
      d.rolled_back_wins_minor += amount;
      break;
    case EventKind.rollback_of_bet:
      d.bet_count -= 1n;
      d.bets_minor -= amount;
      d.bonus_bets_minor -= bonus;
      d.rolled_back_bets_minor += amount;
      break;
    case EventKind.rollback_of_win:
      d.win_count -= 1n;
      d.wins_minor -= amount;
      d.bonus_wins_minor -= bonus;
      d.rolled_back_wins_minor += amount;
      break;
  }
}

/**
 * The hourly game rollups (SPEC §6), fed by every surface's play in the same transaction as the money,
 * at a cost per batch: the batch's events, summed per hour row, go into one row of game_rollups_pending,
 * and a job folds them into the hour rows (pending.ts, migrations 046 and 092). Upserting the hour rows
 * in the batch cost one row per (player, game, hour) — with bets spread over many players, one per bet.
 */
export const rollupParticipant: PlayParticipant<RollupEvents> = {
  name: 'reports.rollups',

  state(_rows: unknown, journal: Journal): RollupEvents {
    return new RollupEvents(journal);
  },

  onPlay(events: RollupEvents, event: PlayEvent): void {
    const bonus = event.bonus_minor ?? 0n;
    if (event.type === 'rollback') {
      // The amount (and its bonus part) leaves the live totals of the hour the original was processed in.
      const kind = event.original.kind === 'bet' ? EventKind.rollback_of_bet : EventKind.rollback_of_win;
      events.add(event.round, kind, event.original.at, event.amount_minor, bonus);
    } else events.add(event.round, EventKind[event.type], event.at, event.amount_minor, bonus);
  },

  persist(tx: TransactionSql, events: RollupEvents): PendingStatement[] {
    if (events.length === 0) return [];
    const rows = events.deltas();
    const col = <T>(f: (d: RollupDelta) => T) => rows.map(f);
    const sum = (f: (d: RollupDelta) => bigint) => rows.map((d) => String(f(d)));
    return [
      tx`
      insert into game_rollups_pending (players, currencies, hours, surfaces, providers, games, actions, bet_counts, bets,
        wins, rolled_back_bets, rolled_back_wins, win_counts, bonus_bets, bonus_wins)
      values (${col((d) => d.player)}::text[], ${col((d) => d.currency)}::text[],
              ${col((d) => d.hour_start.getTime() / ROLLUP_BUCKET_MS)}::int[], ${col((d) => d.surface)}::text[],
              ${col((d) => d.provider)}::text[], ${col((d) => d.game)}::text[], ${sum((d) => d.actions)}::bigint[],
              ${sum((d) => d.bet_count)}::bigint[], ${sum((d) => d.bets_minor)}::bigint[], ${sum((d) => d.wins_minor)}::bigint[],
              ${sum((d) => d.rolled_back_bets_minor)}::bigint[], ${sum((d) => d.rolled_back_wins_minor)}::bigint[],
              ${sum((d) => d.win_count)}::bigint[], ${sum((d) => d.bonus_bets_minor)}::bigint[],
              ${sum((d) => d.bonus_wins_minor)}::bigint[])`,
    ];
  },
};
