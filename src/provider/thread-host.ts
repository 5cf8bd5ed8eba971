import { Worker } from 'node:worker_threads';
import type { Sql } from '../db/sql.ts';

/** Start-up of the provider thread (its own tsx compile and pool). */
export const PROVIDER_THREAD_START_TIMEOUT_MS = 60_000;

export interface ProviderThread {
  url: string;
  stop(): Promise<void>;
}

/** The connection string of an open pool, so a second thread can join the same database. */
export function databaseUrlOf(sql: Sql): string {
  const o = sql.options as unknown as { host: string[]; port: number[]; user: string; pass: string | null; database: string };
  const auth = o.pass ? `${encodeURIComponent(o.user)}:${encodeURIComponent(o.pass)}` : encodeURIComponent(o.user);
  return `postgres://${auth}@${o.host[0]}:${o.port[0]}/${encodeURIComponent(o.database)}`;
}

/** Runs the provider role in a worker thread with these environment overrides; resolves once it listens. */
export function startProviderThread(env: Record<string, string>): Promise<ProviderThread> {
  const worker = new Worker(new URL('./thread-entry.js', import.meta.url), { workerData: { env } });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the provider thread did not start in time')), PROVIDER_THREAD_START_TIMEOUT_MS);
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    worker.on('message', (message: { type: string; url?: string }) => {
      if (message.type !== 'listening') return;
      clearTimeout(timer);
      resolve({ url: message.url!, stop: () => stopThread(worker) });
    });
  });
}

function stopThread(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    worker.on('message', (message: { type: string }) => {
      if (message.type === 'stopped') worker.terminate().then(() => resolve());
    });
    worker.once('exit', () => resolve());
    worker.postMessage({ type: 'stop' });
  });
}
