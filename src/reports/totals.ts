import { totalToJson } from '../platform/money.ts';

/**
 * The sums one rollup row, one report row or one window carries. Integers all the way; a ratio is
 * taken once, at the end (ratio()).
 */
export interface GameTotals {
  /** Bets and wins recorded, live or cancelled (a row whose count is 0 has no activity in the window). */
  actions: bigint;
  bet_count: bigint;
  bets_minor: bigint;
  wins_minor: bigint;
  rolled_back_bets_minor: bigint;
  rolled_back_wins_minor: bigint;
}

export const GameTotals = {
  zero(): GameTotals {
    return {
      actions: 0n,
      bet_count: 0n,
      bets_minor: 0n,
      wins_minor: 0n,
      rolled_back_bets_minor: 0n,
      rolled_back_wins_minor: 0n,
    };
  },
  /** Adds `b` into `a` (in place) and returns `a`. */
  add(a: GameTotals, b: GameTotals): GameTotals {
    a.actions += b.actions;
    a.bet_count += b.bet_count;
    a.bets_minor += b.bets_minor;
    a.wins_minor += b.wins_minor;
    a.rolled_back_bets_minor += b.rolled_back_bets_minor;
    a.rolled_back_wins_minor += b.rolled_back_wins_minor;
    return a;
  },
  /** The aggregator RTP row's fields (SPEC §2): sums as numbers, or exact digits beyond 2^53 − 1. */
  toRtpJson(t: GameTotals) {
    return {
      rounds: totalToJson(t.bet_count),
      total_bet: totalToJson(t.bets_minor),
      total_win: totalToJson(t.wins_minor),
      total_rollback_bet: totalToJson(t.rolled_back_bets_minor),
      total_rollback_win: totalToJson(t.rolled_back_wins_minor),
      rtp: ratio(t.wins_minor, t.bets_minor),
    };
  },
};

const RATIO_SCALE = 10n ** 15n;

/** wins / bets from integers, divided once at the end; null when nothing was bet. */
export function ratio(numerator: bigint, denominator: bigint): number | null {
  if (denominator === 0n) return null;
  const safe = BigInt(Number.MAX_SAFE_INTEGER);
  if (numerator <= safe && denominator <= safe) return Number(numerator) / Number(denominator);
  // Beyond 2^53 a double cannot hold the operands; 15 significant digits of the quotient still can.
  return Number((numerator * RATIO_SCALE) / denominator) / Number(RATIO_SCALE);
}
