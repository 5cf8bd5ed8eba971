import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { READY_TIMEOUT_MS, RSS_SAMPLE_INTERVAL_MS, STOP_TIMEOUT_MS } from './limits.ts';

/**
 * Child processes of a bench run (the Croupier server, the ceiling server) and what is measured
 * about them from the outside: /ready, resident memory, CPU time. Linux /proc; elsewhere the
 * figures are null.
 */

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT_LINES_KEPT = 40;

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
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  port: number;
  /** Its warnings and errors, line by line (the server runs with LOG_LEVEL=warn). */
  on_line?: (line: string) => void;
}

/** Spawns `node <args>` in the repository root and waits until GET /ready answers 200. */
export async function spawnNode(options: SpawnOptions): Promise<Child> {
  const spawned_at_ms = performance.now();
  const child = spawn(process.execPath, options.args, { cwd: REPO_ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let exit_code: number | null = null;
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exited = true;
    exit_code = code ?? (signal ? 128 : 0);
    resolve();
  }));
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
  const url = `http://127.0.0.1:${options.port}`;
  const handle: Child = {
    name: options.name,
    pid: child.pid!,
    url,
    process: child,
    spawned_at_ms,
    output: () => lines.join('\n'),
    exited: () => exited,
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exit;
      clearTimeout(timer);
    },
  };
  try {
    await waitReady(url, () => (exited ? `${options.name} exited with code ${exit_code} before it was ready` : undefined));
  } catch (error) {
    await handle.stop();
    const tail = lines.slice(-15).join('\n');
    throw new Error(`${(error as Error).message}${tail ? `\n--- last output of ${options.name} ---\n${tail}` : ''}`);
  }
  return handle;
}

async function waitReady(url: string, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const reason = failed();
    if (reason) throw new Error(reason);
    try {
      const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url}/ready did not answer 200 within ${READY_TIMEOUT_MS} ms`);
}

/** Resident set size of a process in bytes (VmRSS), or null. */
export function readRssBytes(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples VmRSS every RSS_SAMPLE_INTERVAL_MS and keeps the maximum. */
export class RssSampler {
  max_bytes: number | null = null;
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly pid: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), RSS_SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }
  sample(): void {
    const rss = readRssBytes(this.pid);
    if (rss !== null && (this.max_bytes === null || rss > this.max_bytes)) this.max_bytes = rss;
  }
  stop(): number | null {
    this.sample();
    clearInterval(this.timer);
    return this.max_bytes;
  }
}

/** Clock ticks per second of /proc/<pid>/stat times: 100 on every Linux we run on. */
const CLOCK_TICKS_PER_S = 100;

/** User + system CPU seconds of one process, or null. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after it are positional.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return null;
  }
}

/** CPU seconds of a process and all its direct children (a postmaster and its backends), or null. */
export function processTreeCpuSeconds(root_pid: number): number | null {
  const own = processCpuSeconds(root_pid);
  if (own === null) return null;
  let total = own;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === root_pid) total += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** Whole-machine CPU counters from /proc/stat (busy and total, in ticks), or null. */
export function machineCpuTicks(): { busy: number; total: number } | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = values[3] + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

export function machineDescription(): { cpus: number; cpu_model: string; memory_bytes: number; node: string; platform: string } {
  const cpus = os.cpus();
  return {
    cpus: os.availableParallelism?.() ?? cpus.length,
    cpu_model: cpus[0]?.model ?? 'unknown',
    memory_bytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}
