import { assert } from '../platform/assert.ts';
import { STREAM_OUTCOME, uniform } from './rng.ts';

/** One line of a paytable: the payout as a percentage of the bet, and its weight out of the table's total. */
export interface PayLine {
  multiplier_pct: number;
  weight: number;
}

export interface Game {
  game_id: string;
  name: string;
  kind: 'slot' | 'coin_flip';
  /** Configured return to player in basis points (9600 = 96 %); the paytable must produce exactly this. */
  rtp_bp: number;
  bet_minor_default: bigint;
  paytable: PayLine[];
}

const WEIGHT_TOTAL = 10_000;

function withLosingLine(lines: PayLine[]): PayLine[] {
  const used = lines.reduce((sum, l) => sum + l.weight, 0);
  return [...lines, { multiplier_pct: 0, weight: WEIGHT_TOTAL - used }];
}

/** Jaqpot Games' catalogue. Low-variance tables so a simulation's confidence interval is narrow. */
export const GAMES: Game[] = [
  {
    game_id: '1',
    name: 'Jaqpot Fruits',
    kind: 'slot',
    rtp_bp: 9600,
    bet_minor_default: 100n,
    paytable: withLosingLine([
      { multiplier_pct: 5000, weight: 4 },
      { multiplier_pct: 1000, weight: 60 },
      { multiplier_pct: 500, weight: 200 },
      { multiplier_pct: 200, weight: 1000 },
      { multiplier_pct: 150, weight: 1200 },
      { multiplier_pct: 100, weight: 4000 },
    ]),
  },
  {
    game_id: '2',
    name: 'Jaqpot Coin Flip',
    kind: 'coin_flip',
    rtp_bp: 9800,
    bet_minor_default: 100n,
    paytable: withLosingLine([{ multiplier_pct: 200, weight: 4900 }]),
  },
];

/** The RTP a paytable actually pays, in basis points (exact: Σ weight × multiplier / total). */
export function paytableRtpBp(paytable: PayLine[]): number {
  const total = paytable.reduce((sum, l) => sum + l.weight, 0);
  return (paytable.reduce((sum, l) => sum + l.weight * l.multiplier_pct, 0) * 100) / total;
}

for (const game of GAMES) {
  assert(
    game.paytable.every((l) => l.weight > 0 && Number.isInteger(l.weight)),
    `game ${game.game_id} has a non-positive weight`,
  );
  assert(
    paytableRtpBp(game.paytable) === game.rtp_bp,
    `game ${game.game_id} paytable pays ${paytableRtpBp(game.paytable)} bp, configured ${game.rtp_bp}`,
  );
}

export function findGame(game_id: string): Game | undefined {
  return GAMES.find((g) => g.game_id === game_id);
}

/** The multiplier round `round_number` of a session seeded `seed` lands on. */
export function drawMultiplierPct(game: Game, seed: number, round_number: number): number {
  let ticket = Math.floor(uniform(seed, STREAM_OUTCOME, round_number) * WEIGHT_TOTAL);
  for (const line of game.paytable) {
    if (ticket < line.weight) return line.multiplier_pct;
    ticket -= line.weight;
  }
  throw new Error('unreachable: ticket beyond the paytable');
}

/** Payout in minor units, rounded down (bets are multiples of 1 minor unit; the house keeps the fraction). */
export function payoutMinor(bet_minor: bigint, multiplier_pct: number): bigint {
  return (bet_minor * BigInt(multiplier_pct)) / 100n;
}
