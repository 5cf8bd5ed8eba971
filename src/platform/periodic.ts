import type { Logger } from './logger.ts';

export interface PeriodicJob {
  /** Stops the timer and waits for a run in progress (its signal is aborted first). */
  stop(): Promise<void>;
  /** Runs once now unless a run is in progress (then waits for that one). */
  runNow(): Promise<void>;
}

/**
 * Runs `work` every `interval_ms`, never twice at once: a tick that finds the previous run still going
 * is skipped, not queued. A failed run is logged and the next tick tries again. The timer never keeps
 * the process alive.
 */
export function startPeriodic(
  name: string,
  interval_ms: number,
  work: (signal: AbortSignal) => Promise<unknown>,
  logger: Logger,
  options: { run_at_start?: boolean } = {},
): PeriodicJob {
  const abort = new AbortController();
  let running: Promise<void> | undefined;
  const tick = (): Promise<void> => {
    if (running) return running;
    if (abort.signal.aborted) return Promise.resolve();
    running = Promise.resolve()
      .then(() => work(abort.signal))
      .then(
        () => undefined,
        (err) => logger.warn({ err, job: name }, 'background job failed; retrying at the next tick'),
      )
      .finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => void tick(), interval_ms);
  timer.unref();
  if (options.run_at_start) void tick();
  return {
    runNow: tick,
    stop: async () => {
      clearInterval(timer);
      abort.abort();
      await running;
    },
  };
}
