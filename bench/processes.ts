import fs from 'node:fs';
import os from 'node:os';
import { RSS_SAMPLE_INTERVAL_MS } from './limits.ts';

/**
 * What is measured about a bench run's child processes from the outside (they are started by
 * src/platform/child-process.ts): resident memory, CPU time. Linux /proc; elsewhere the figures are null.
 */

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

export function machineDescription(): {
  cpus: number;
  cpu_model: string;
  memory_bytes: number;
  node: string;
  platform: string;
} {
  const cpus = os.cpus();
  return {
    cpus: os.availableParallelism?.() ?? cpus.length,
    cpu_model: cpus[0]?.model ?? 'unknown',
    memory_bytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}
