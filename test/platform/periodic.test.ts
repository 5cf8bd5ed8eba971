import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startPeriodic } from '../../src/platform/periodic.ts';
import { createLogger } from '../../src/platform/logger.ts';

const logger = createLogger('silent');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a run still going when the next tick comes is not started twice (overlap guard)', async () => {
  let running = 0;
  let most = 0;
  let runs = 0;
  const job = startPeriodic(
    'slow',
    5,
    async () => {
      running++;
      most = Math.max(most, running);
      runs++;
      await sleep(40);
      running--;
    },
    logger,
    { run_at_start: true },
  );
  await sleep(130);
  await job.stop();
  assert.equal(most, 1, 'never two runs at once');
  assert.ok(runs >= 2 && runs <= 4, `${runs} runs in 130 ms of 40 ms work`);
});

test('a failing run is logged and the next tick tries again; stop aborts and waits for the run in progress', async () => {
  let calls = 0;
  let aborted = false;
  const job = startPeriodic(
    'flaky',
    5,
    async (signal) => {
      calls++;
      if (calls === 1) throw new Error('boom');
      await new Promise<void>((resolve) =>
        signal.addEventListener('abort', () => {
          aborted = true;
          resolve();
        }),
      );
    },
    logger,
  );
  await sleep(40);
  assert.ok(calls >= 2, 'retried after a failure');
  await job.stop();
  assert.equal(aborted, true);
  const after = calls;
  await sleep(30);
  assert.equal(calls, after, 'no run after stop');
});
