import { Worker } from 'node:worker_threads';
import { PROVIDER_THREAD_START_TIMEOUT_MS } from '../provider/limits.ts';

export interface ProviderThread {
  url: string;
  stop(): Promise<void>;
}

/** Runs the provider role in a worker thread with these environment overrides; resolves once it listens. */
export function startProviderThread(env: Record<string, string>): Promise<ProviderThread> {
  const worker = new Worker(new URL('./provider-thread-entry.js', import.meta.url), { workerData: { env } });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the provider thread did not start in time')),
      PROVIDER_THREAD_START_TIMEOUT_MS,
    );
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
