/**
 * The ceiling: a bare Fastify server that does only what no implementation of the aggregator
 * endpoint can skip — receive the raw body, verify its HMAC-SHA256 in constant time, answer a
 * fixed body of the same shape and size as a real answer. No parsing, no database. `croupier
 * bench --ceiling` measures it with the same generator, connections and duration, and reports
 * Croupier's throughput as a share of it.
 *
 * For `--workload reporter` it also answers the reporter's two GETs the bare way: a fixed body of the
 * real answer's shape and size with its ETag and Cache-Control, or a 304 when If-None-Match names it.
 *
 *   PORT=4000 AGGREGATOR_SECRET=test node --import tsx bench/ceiling-server.ts
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
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

/** What GET /reports/users/{id} answers for a typical user (its size is what matters). */
export const CEILING_USER_BODY = JSON.stringify({
  userId: '074092',
  currency: 'SCR',
  balance: -408012,
  earned: 1203455,
  spent: 1205467,
  payout: 300000,
  paidOut: 106000,
  updatedAt: '2026-01-01T00:00:00.000Z',
});
/** What GET /reports/payouts answers: a page of 50 users. */
export const CEILING_PAYOUTS_BODY = JSON.stringify({
  data: Array.from({ length: 50 }, (_, i) => ({ userId: String(100_000 + i * 7919), amount: 10_000 + i * 100 })),
  pagination: { page: 1, limit: 50, total: 5000, total_pages: 100 },
});
const USER_ETAG = '"ceiling-user-0000000000000000"';
const PAYOUTS_ETAG = '"ceiling-payouts-0000000000000"';

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
  const report = (body: string, etag: string) => (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('etag', etag).header('cache-control', 'public, max-age=10');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.header('content-type', 'application/json; charset=utf-8').send(body);
  };
  app.get('/reports/users/:userId', report(CEILING_USER_BODY, USER_ETAG));
  app.get('/reports/payouts', report(CEILING_PAYOUTS_BODY, PAYOUTS_ETAG));
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
