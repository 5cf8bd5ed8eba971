import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Journal } from '../ledger/journal.ts';
import type { Round } from '../play/round.ts';
import { rollupParticipant, type RollupDelta } from './rollups.ts';

const round: Round = {
  surface: 'aggregator',
  provider: 'acme',
  game: 'slot',
  round_id: 'r1',
  player: 'p1',
  currency: 'USD',
};
const H10 = new Date('2026-01-01T10:15:00Z');
const H11 = new Date('2026-01-01T11:05:00Z');

function rows(state: ReturnType<typeof rollupParticipant.state>): Record<string, Partial<RollupDelta>> {
  return Object.fromEntries(
    state.deltas().map((d) => [
      d.hour_start.toISOString(),
      {
        actions: d.actions,
        bet_count: d.bet_count,
        win_count: d.win_count,
        bets_minor: d.bets_minor,
        wins_minor: d.wins_minor,
        bonus_bets_minor: d.bonus_bets_minor,
        bonus_wins_minor: d.bonus_wins_minor,
      },
    ]),
  );
}

test("bonus parts of bets and wins add to the bonus columns; a rollback takes its original's part back from the original's hour", () => {
  const journal = new Journal();
  const state = rollupParticipant.state(undefined, journal);
  journal.begin();
  rollupParticipant.onPlay(state, { type: 'bet', round, amount_minor: 100n, bonus_minor: 40n, at: H10 });
  rollupParticipant.onPlay(state, { type: 'bet', round, amount_minor: 50n, at: H10 }); // cash only: no bonus part
  rollupParticipant.onPlay(state, { type: 'win', round, amount_minor: 90n, bonus_minor: 30n, at: H10 });
  rollupParticipant.onPlay(state, {
    type: 'rollback',
    round,
    amount_minor: 90n,
    bonus_minor: 30n,
    at: H11,
    original: { kind: 'win', at: H10 },
  });
  rollupParticipant.onPlay(state, { type: 'win', round, amount_minor: 20n, bonus_minor: 5n, at: H11 });
  journal.commit();
  assert.deepEqual(rows(state), {
    '2026-01-01T10:00:00.000Z': {
      actions: 3n,
      bet_count: 2n,
      win_count: 0n,
      bets_minor: 150n,
      wins_minor: 0n,
      bonus_bets_minor: 40n,
      bonus_wins_minor: 0n,
    },
    '2026-01-01T11:00:00.000Z': {
      actions: 1n,
      bet_count: 0n,
      win_count: 1n,
      bets_minor: 0n,
      wins_minor: 20n,
      bonus_bets_minor: 0n,
      bonus_wins_minor: 5n,
    },
  });
});

test("a refused command's play events leave no trace in the rollups", () => {
  const journal = new Journal();
  const state = rollupParticipant.state(undefined, journal);
  journal.begin();
  rollupParticipant.onPlay(state, { type: 'bet', round, amount_minor: 100n, bonus_minor: 40n, at: H10 });
  journal.undo();
  assert.deepEqual(rows(state), {});
});
