import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseEdges } from '../../src/reports/edges.ts';

const H = 3_600_000;
const M = 60_000;
const at = (hour: number, minute = 0) => Date.UTC(2026, 10, 22, hour, minute);

test('a window ending now takes its last hour as rollup minus the (empty) future', () => {
  const now = at(13, 27);
  assert.deepEqual(chooseEdges(at(9), now, now), { first: false, last: true });
  // "the last 24 hours": the first hour is cut at :27, so its 27 minutes outside are the shorter scan
  assert.deepEqual(chooseEdges(now - 24 * H, now, now), { first: true, last: true });
});

test('each partial hour reads the shorter side of its cut', () => {
  const now = at(20);
  assert.deepEqual(
    chooseEdges(at(9, 50), at(12, 10), now),
    { first: false, last: false },
    '10 minutes wanted on each side',
  );
  assert.deepEqual(
    chooseEdges(at(9, 10), at(12, 50), now),
    { first: true, last: true },
    '10 minutes outside on each side',
  );
  assert.deepEqual(chooseEdges(at(9, 10), at(12, 10), now), { first: true, last: false });
});

test('whole hours have no partial hour to choose for', () => {
  assert.deepEqual(chooseEdges(at(9), at(12), at(20)), { first: false, last: false });
});

test('from and to in one hour: one partial hour, the first; outside it are both ends', () => {
  const now = at(20);
  assert.deepEqual(
    chooseEdges(at(9, 5), at(9, 55), now),
    { first: true, last: false },
    '10 minutes outside against 50 inside',
  );
  assert.deepEqual(
    chooseEdges(at(9, 20), at(9, 30), now),
    { first: false, last: false },
    '50 minutes outside against 10 inside',
  );
  // the current hour, up to now: nothing after now to subtract, so 15 minutes before from against 25 inside
  assert.deepEqual(chooseEdges(at(20, 15), at(20, 40), at(20, 40)), { first: true, last: false });
  assert.deepEqual(
    chooseEdges(at(9, 30), at(9, 30), now),
    { first: false, last: false },
    'an empty window reads nothing',
  );
});

test('time after now costs nothing: a window in the future reads its (empty) actions', () => {
  const now = at(12);
  assert.deepEqual(chooseEdges(at(13, 30), at(15, 30), now), { first: false, last: false });
  assert.deepEqual(
    chooseEdges(now - 30 * M, now + H + 30 * M, now),
    { first: false, last: false },
    'first: 30 min inside against 30 outside, a tie reads the actions',
  );
});
