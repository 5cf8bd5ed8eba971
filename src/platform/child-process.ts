import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/**
 * A server started as a child process and watched from outside — by `croupier bench` (the server
 * under load, the ceiling server) and by the tests that kill servers on purpose.
 */

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** How long a spawned server may take to answer /ready (a first start initialises a cluster). */
export const CHILD_READY_TIMEOUT_MS = 90_000;
/** How long a spawned server may take to exit after SIGTERM before it is killed. */
export const CHILD_STOP_TIMEOUT_MS = 15_000;
const OUTPUT_LINES_KEPT = 40;
const READY_POLL_INTERVAL_MS = 150;

export interface Child {
  name: string;
  pid: number;
  url: string;
  process: ChildProcess;
  /** performance.now() when it was spawned (to place a window inside its CPU profile). */
  spawned_at_ms: number;
  /** The last lines it wrote (stdout and stderr), for error messages. */
  output(): string;
  exited(): boolean;
  /** Sends the signal and waits for the exit; the exit code (128 when ended by a signal). */
  kill(signal: NodeJS.Signals): Promise<number>;
  /** SIGTERM, then SIGKILL after CHILD_STOP_TIMEOUT_MS. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  port: number;
  /** Default CHILD_READY_TIMEOUT_MS. */
  ready_timeout_ms?: number;
  /** The path that answers 200 once the child is ready (default `/ready`; the mock upstream has `/health`). */
  ready_path?: string;
  /** Its output, line by line. */
  on_line?: (line: string) => void;
}

/** Spawns `node <args>` in the repository root and waits until GET /ready (or `ready_path`) answers 200. */
export async function spawnNode(options: SpawnOptions): Promise<Child> {
  const spawned_at_ms = performance.now();
  const child = spawn(process.execPath, options.args, {
    cwd: REPO_ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let exit_code = 0;
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      exit_code = code ?? (signal ? 128 : 0);
      resolve();
    }),
  );
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > OUTPUT_LINES_KEPT) lines.shift();
      options.on_line?.(line);
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  // If this process exits without stopping the child (a second Ctrl-C, a crash), take it along.
  const reap = () => {
    if (!exited) child.kill('SIGTERM');
  };
  process.on('exit', reap);
  void exit.then(() => process.off('exit', reap));
  const kill = async (signal: NodeJS.Signals) => {
    if (!exited) child.kill(signal);
    await exit;
    return exit_code;
  };
  const handle: Child = {
    name: options.name,
    pid: child.pid!,
    url: `http://127.0.0.1:${options.port}`,
    process: child,
    spawned_at_ms,
    output: () => lines.join('\n'),
    exited: () => exited,
    kill,
    stop: async () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_STOP_TIMEOUT_MS);
      await kill('SIGTERM');
      clearTimeout(timer);
    },
  };
  try {
    await waitReady(
      `${handle.url}${options.ready_path ?? '/ready'}`,
      options.ready_timeout_ms ?? CHILD_READY_TIMEOUT_MS,
      () => (exited ? `${options.name} exited with code ${exit_code} before it was ready` : undefined),
    );
  } catch (error) {
    await handle.stop();
    const tail = lines.slice(-15).join('\n');
    throw new Error(`${(error as Error).message}${tail ? `\n--- last output of ${options.name} ---\n${tail}` : ''}`);
  }
  return handle;
}

async function waitReady(url: string, timeout_ms: number, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeout_ms;
  while (Date.now() < deadline) {
    const reason = failed();
    if (reason) throw new Error(reason);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, READY_POLL_INTERVAL_MS));
  }
  throw new Error(`${url} did not answer 200 within ${timeout_ms} ms`);
}
