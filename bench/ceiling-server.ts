/**
 * The ceiling: a bare Fastify server that does only what no implementation of the aggregator
 * endpoint can skip — receive the raw body, verify its HMAC-SHA256 in constant time, answer a
 * fixed body of the same shape and size as a real answer. No parsing, no database. `croupier
 * bench --ceiling` measures it with the same generator, connections and duration, and reports
 * Croupier's throughput as a share of it.
 *
 *   PORT=4000 AGGREGATOR_SECRET=test node --import tsx bench/ceiling-server.ts
 */
import Fastify from 'fastify';
import { signatureMatches } from '../src/platform/hmac.ts';
import { BODY_SIZE_MAX_BYTES, HTTP_KEEP_ALIVE_TIMEOUT_MS } from '../src/platform/limits.ts';

const SCHEME = 'HMAC-SHA256 ';

/** What the aggregator answers to one bet + win, with fixed ids. */
export const CEILING_BODY = JSON.stringify({
  game_id: 'ceiling-0000000',
  transactions: [
    { action_id: 'ceiling-0000000b', tx_id: '01900000-0000-7000-8000-000000000001' },
    { action_id: 'ceiling-0000000w', tx_id: '01900000-0000-7000-8000-000000000002' },
  ],
  balance: 10000000000,
});
const FORBIDDEN_BODY = JSON.stringify({ code: 403, message: 'Invalid signature' });

export async function buildCeiling(secret: string) {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_SIZE_MAX_BYTES,
    keepAliveTimeout: HTTP_KEEP_ALIVE_TIMEOUT_MS,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: BODY_SIZE_MAX_BYTES },
    (_request, body, done) => done(null, body),
  );
  app.post('/aggregator/takehome/process', (request, reply) => {
    const header = request.headers.authorization;
    const presented = header?.startsWith(SCHEME) ? header.slice(SCHEME.length) : undefined;
    const raw = request.body as Buffer | undefined;
    reply.header('content-type', 'application/json; charset=utf-8');
    if (!raw || !signatureMatches(secret, raw, presented)) return reply.code(403).send(FORBIDDEN_BODY);
    return reply.send(CEILING_BODY);
  });
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async () => ({ status: 'ready' }));
  return app;
}

const is_main = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (is_main) {
  const app = await buildCeiling(process.env.AGGREGATOR_SECRET || 'test');
  await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST || '127.0.0.1' });
  const shutdown = () =>
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
