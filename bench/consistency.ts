/**
 * The consistency check: what every player's balance must be after the run, from what the server
 * acknowledged, compared with what it reports.
 *
 *   expected = funded − acknowledged bets + acknowledged wins
 *
 * A 200 acknowledges the whole request (the batch is atomic, SPEC §2). A 4xx is definitive:
 * nothing was applied (SPEC §0, "a request that fails changes nothing"), so it is not replayed;
 * if it did change something the balances disagree and the check says so. A 5xx, a timeout or a
 * broken connection leaves the outcome unknown: such requests are replayed once at the end with
 * the same bytes; the server answers idempotently, so a 200 then means "applied exactly once".
 * A request still unknown after its replay makes its player UNRESOLVED.
 */

export interface BalanceMismatch {
  player: string;
  expected_minor: bigint;
  /** null: the balance could not be read. */
  actual_minor: bigint | null;
}

export type ConsistencyStatus = 'CONSISTENT' | 'INCONSISTENT' | 'UNRESOLVED';

export interface ConsistencyResult {
  status: ConsistencyStatus;
  players_checked: number;
  mismatches: BalanceMismatch[];
  unresolved_players: string[];
}

/** Per player: funding and the net of acknowledged money (wins − bets). */
export class PlayerBook {
  readonly funded_minor: bigint[];
  /** Sum of acknowledged (win − bet), exact in a double while |net| ≤ 2^53 (asserted on read). */
  readonly net_minor: Float64Array;
  /** Sum of acknowledged bets (what a bonus's wagering must have counted, --bonus); exact while ≤ 2^53. */
  readonly staked_minor: Float64Array;
  readonly unresolved = new Set<number>();

  constructor(
    readonly ids: string[],
    funded_minor: bigint,
  ) {
    this.funded_minor = ids.map(() => funded_minor);
    this.net_minor = new Float64Array(ids.length);
    this.staked_minor = new Float64Array(ids.length);
  }

  get size(): number {
    return this.ids.length;
  }

  acknowledge(player: number, net_minor: number, staked_minor = 0): void {
    this.net_minor[player] += net_minor;
    this.staked_minor[player] += staked_minor;
  }

  /** Acknowledged stakes of a player, exact (asserted). */
  staked(player: number): bigint {
    const staked = this.staked_minor[player];
    if (!Number.isSafeInteger(staked))
      throw new Error(`stakes of player ${this.ids[player]} left the exact range of a double: ${staked}`);
    return BigInt(staked);
  }

  markUnresolved(player: number): void {
    this.unresolved.add(player);
  }

  expected(player: number): bigint {
    const net = this.net_minor[player];
    if (!Number.isSafeInteger(net))
      throw new Error(`net of player ${this.ids[player]} left the exact range of a double: ${net}`);
    return this.funded_minor[player] + BigInt(net);
  }
}

/** Compares every player's expected balance with the one the server reports (same order as book.ids). */
export function checkConsistency(book: PlayerBook, actual_minor: (bigint | null)[]): ConsistencyResult {
  if (actual_minor.length !== book.size) throw new Error(`expected ${book.size} balances, got ${actual_minor.length}`);
  const mismatches: BalanceMismatch[] = [];
  const unresolved_players: string[] = [];
  for (let i = 0; i < book.size; i += 1) {
    if (book.unresolved.has(i)) {
      unresolved_players.push(book.ids[i]);
      continue;
    }
    const expected = book.expected(i);
    const actual = actual_minor[i];
    if (actual === null || actual !== expected)
      mismatches.push({ player: book.ids[i], expected_minor: expected, actual_minor: actual });
  }
  const status: ConsistencyStatus =
    mismatches.length > 0 ? 'INCONSISTENT' : unresolved_players.length > 0 ? 'UNRESOLVED' : 'CONSISTENT';
  return { status, players_checked: book.size, mismatches, unresolved_players };
}
