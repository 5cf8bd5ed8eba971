import { amountToJson } from '../platform/money.ts';
import type { Game } from './games.ts';
import type { RoundPlay } from './round.ts';

/**
 * What a batch of rounds came to. Only settled rounds count towards RTP (their outcome was delivered);
 * the sums of squares let the caller pool batches and compute a confidence interval.
 */
export interface BulkSummary {
  gameId: string;
  configuredRtpBp: number;
  rounds: number;
  settled: number;
  refused: number;
  rolledBack: number;
  unresolved: number;
  betMinor: number;
  winMinor: number;
  sumBetSquared: number;
  sumWinSquared: number;
  sumBetWin: number;
  retries: number;
  dropped: number;
  rollbacks: number;
  /** The player's balance change the provider's own record implies (settled rounds: win − bet; others 0). */
  balanceDeltaMinor: number;
  refusals: Record<string, number>;
}

export function summarize(game: Game, plays: RoundPlay[]): BulkSummary {
  const s: BulkSummary = {
    gameId: game.game_id,
    configuredRtpBp: game.rtp_bp,
    rounds: plays.length,
    settled: 0,
    refused: 0,
    rolledBack: 0,
    unresolved: 0,
    betMinor: 0,
    winMinor: 0,
    sumBetSquared: 0,
    sumWinSquared: 0,
    sumBetWin: 0,
    retries: 0,
    dropped: 0,
    rollbacks: 0,
    balanceDeltaMinor: 0,
    refusals: {},
  };
  let bet_minor = 0n;
  let win_minor = 0n;
  for (const play of plays) {
    s.retries += play.retries;
    s.dropped += play.dropped;
    s.rollbacks += play.rollbacks_sent;
    const status = play.round.status;
    if (status === 'refused') {
      s.refused += 1;
      const code = play.calls.get('debit')?.error_code ?? 'UNKNOWN';
      s.refusals[code] = (s.refusals[code] ?? 0) + 1;
    } else if (status === 'rolled_back') s.rolledBack += 1;
    else if (status !== 'settled') s.unresolved += 1;
    if (status !== 'settled') continue;
    s.settled += 1;
    const bet = Number(play.round.bet_minor);
    const win = Number(play.round.win_minor);
    bet_minor += play.round.bet_minor;
    win_minor += play.round.win_minor;
    s.sumBetSquared += bet * bet;
    s.sumWinSquared += win * win;
    s.sumBetWin += bet * win;
  }
  s.betMinor = amountToJson(bet_minor);
  s.winMinor = amountToJson(win_minor);
  s.balanceDeltaMinor = amountToJson(win_minor - bet_minor);
  return s;
}
