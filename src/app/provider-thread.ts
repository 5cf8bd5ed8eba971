import { parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { startServer } from './runtime.ts';

/**
 * The provider role in a worker thread of its own (used by `croupier simulate` in-process): a second
 * event loop, so on a multi-core machine the provider and the casino do not share one. It is a server
 * like any other — it reaches the casino only over HTTP at CASINO_URL.
 */
const { env } = workerData as { env: Record<string, string> };
const config = loadConfig({ ...process.env, ...env });
const server = await startServer(config, createLogger(config.log_level, 'croupier-provider'), new Set(['provider']));
parentPort!.postMessage({ type: 'listening', url: server.url });
parentPort!.on('message', (message: { type: string }) => {
  if (message.type !== 'stop') return;
  server.stop().then(() => parentPort!.postMessage({ type: 'stopped' }));
});
