import { test } from 'node:test';
import assert from 'node:assert/strict';
import { balanceMatches, rtpInterval, type GameTotals, type PlayerResult } from '../../src/provider/simulation.ts';

const player = (over: Partial<PlayerResult>): PlayerResult => ({
  user_id: 'p',
  game_id: '1',
  rounds_planned: 1,
  rounds_done: 1,
  expected_delta_minor: 0n,
  unresolved: 0,
  ...over,
});

test("a balance matches only when it moved by exactly the provider's record, in integers beyond 2^53", () => {
  const big = 2n ** 60n;
  assert.equal(
    balanceMatches(player({ initial_balance: big, final_balance: big - 7n, expected_delta_minor: -7n })),
    true,
  );
  assert.equal(
    balanceMatches(player({ initial_balance: big, final_balance: big - 6n, expected_delta_minor: -7n })),
    false,
    'one minor unit off is a mismatch even where doubles could not tell',
  );
  assert.equal(
    balanceMatches(player({ initial_balance: 10n, final_balance: 3n, expected_delta_minor: -7n, unresolved: 1 })),
    undefined,
    'not checkable with rounds unresolved',
  );
  assert.equal(balanceMatches(player({ expected_delta_minor: 0n })), undefined, 'not checkable without balances');
});

test('the RTP interval is win / bet with a 95 % interval around it; none without bets', () => {
  const totals: GameTotals = {
    game_id: '1',
    name: 'g',
    configured_rtp_bp: 9_600,
    settled: 4,
    bet_minor: 400n,
    win_minor: 384n,
    sum_bet_squared: 40_000,
    sum_win_squared: 4 * 96 * 96 + 100,
    sum_bet_win: 4 * 100 * 96,
    refused: 0,
    rolled_back: 0,
    unresolved: 0,
    retries: 0,
    dropped: 0,
    rollbacks: 0,
  };
  const r = rtpInterval(totals)!;
  assert.equal(r.measured, 0.96);
  assert.ok(r.low < 0.96 && r.high > 0.96 && r.contains_configured);
  assert.equal(rtpInterval({ ...totals, bet_minor: 0n }), undefined);
});
