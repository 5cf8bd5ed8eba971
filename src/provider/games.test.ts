import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GAMES, drawMultiplierPct, findGame, paytableRtpBp, payoutMinor } from './games.ts';
import { hash32, uniform } from './rng.ts';

test('each paytable pays exactly its configured RTP: slot 96 %, coin flip 98 %', () => {
  assert.deepEqual(
    GAMES.map((g) => [g.game_id, g.kind, g.rtp_bp, paytableRtpBp(g.paytable)]),
    [
      ['1', 'slot', 9600, 9600],
      ['2', 'coin_flip', 9800, 9800],
    ],
  );
});

test('draws are a function of (seed, round) alone', () => {
  const slot = findGame('1')!;
  const a = Array.from({ length: 50 }, (_, n) => drawMultiplierPct(slot, 7, n));
  const b = Array.from({ length: 50 }, (_, n) => drawMultiplierPct(slot, 7, n));
  assert.deepEqual(a, b);
  assert.notDeepEqual(
    a,
    Array.from({ length: 50 }, (_, n) => drawMultiplierPct(slot, 8, n)),
  );
  assert.notEqual(hash32(1, 2 ** 40), hash32(1, 2 ** 40 + 1), 'the high half of a seed matters too');
});

test('uniform draws fill [0, 1) evenly (chi-square over 20 bins)', () => {
  const bins = new Array(20).fill(0);
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    const u = uniform(3, 1, i);
    assert.ok(u >= 0 && u < 1);
    bins[Math.floor(u * 20)] += 1;
  }
  const expected = n / 20;
  const chi2 = bins.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
  assert.ok(chi2 < 43.8, `chi-square ${chi2.toFixed(1)} (19 degrees of freedom, p = 0.001 at 43.8)`);
});

test('over 400 000 rounds each game returns its configured RTP within four standard errors', () => {
  for (const game of GAMES) {
    const n = 400_000;
    let sum = 0;
    let sum_squares = 0;
    for (let round = 0; round < n; round++) {
      const x = drawMultiplierPct(game, 12345, round) / 100;
      sum += x;
      sum_squares += x * x;
    }
    const mean = sum / n;
    const standard_error = Math.sqrt((sum_squares / n - mean * mean) / n);
    const configured = game.rtp_bp / 10_000;
    assert.ok(
      Math.abs(mean - configured) < 4 * standard_error,
      `game ${game.game_id}: measured ${mean}, configured ${configured}, SE ${standard_error}`,
    );
  }
});

test("payouts are whole minor units, rounded down in the house's favour", () => {
  assert.equal(payoutMinor(100n, 150), 150n);
  assert.equal(payoutMinor(3n, 150), 4n);
  assert.equal(payoutMinor(1n, 150), 1n);
  assert.equal(payoutMinor(100n, 0), 0n);
});
