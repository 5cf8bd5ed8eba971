import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiKeyGuard } from '../platform/auth.ts';
import { manualMovement, noteTransaction } from '../platform/operator.ts';
import type { AppContext } from '../ledger/context.ts';
import { AppError } from '../platform/errors.ts';
import type { DomainRoutes } from '../ledger/context.ts';
import { amountFromJson } from '../platform/money.ts';
import { describeValidation, validatorCompiler } from '../platform/validation.ts';
import { etagMatches, payoutsCacheKey, ReportCache, userCacheKey, type CachedAnswer } from './cache.ts';
import { loadTransactionsConfig } from './config.ts';
import { parseIdempotencyKey, requestFingerprint, sha256, type IdempotencyScope } from './idempotency.ts';
import { registerStatusSource } from './metrics.ts';
import { payoutsSchema, settleBodySchema, settleSchema, statusSchema, userReportSchema } from './schemas.ts';
import { TransactionsService } from './service.ts';

export interface TransactionsRouteOptions {
  reporter_max_age_s?: number;
  cache?: ReportCache;
}

/** The cache's LISTEN per process context, stopped by the module's close(). */
const listening = new WeakMap<AppContext, () => Promise<void> | void>();

export async function stopTransactionsRoutes(ctx: AppContext): Promise<void> {
  await listening.get(ctx)?.();
}

/**
 * SPEC §7 HTTP surface: operator status and settlement (API key), the public reporter (cached).
 * Registering it starts the cache's LISTEN; stopTransactionsRoutes (the module's close) ends it.
 */
export function transactionsRoutes(options: TransactionsRouteOptions = {}): DomainRoutes {
  return async (app, ctx) => {
    const max_age_s = options.reporter_max_age_s ?? loadTransactionsConfig(process.env).reporter_max_age_s;
    const cache = options.cache ?? new ReportCache();
    const service = new TransactionsService(ctx.sql, ctx.ledger);
    registerStatusSource(() => service.status());
    const unlisten = await cache.listen(ctx.sql, ctx.logger);
    listening.set(ctx, unlisten);
    await app.register(async (scope) => reporterRoutes(scope, service, cache, max_age_s));
    await app.register(async (scope) => operatorRoutes(scope, ctx, service, cache));
  };
}

async function reporterRoutes(
  app: FastifyInstance,
  service: TransactionsService,
  cache: ReportCache,
  max_age_s: number,
): Promise<void> {
  const cache_control = `public, max-age=${max_age_s}`;
  const send = (request: FastifyRequest, reply: FastifyReply, answer: CachedAnswer): void => {
    reply.header('etag', answer.etag).header('cache-control', cache_control);
    if (answer.status === 200 && etagMatches(request.headers['if-none-match'], answer.etag)) {
      reply.code(304).send();
      return;
    }
    reply.code(answer.status).header('content-type', 'application/json; charset=utf-8').send(answer.body);
  };

  // Not async: a hit (nearly every request) is answered without a promise; a miss waits for its fill.
  const answer = (
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    fill: () => Promise<{ status: number; body: unknown }>,
  ): void => {
    const hit = cache.peek(key);
    if (hit) return send(request, reply, hit);
    cache.get(key, fill).then(
      (filled) => send(request, reply, filled),
      (error: unknown) => void reply.send(error),
    );
  };

  app.get<{ Params: { userId: string } }>('/reports/users/:userId', { schema: userReportSchema }, (request, reply) => {
    const { userId } = request.params;
    answer(request, reply, userCacheKey(userId), () => service.user(userId));
  });

  app.get<{ Querystring: { page: number; limit: number } }>(
    '/reports/payouts',
    { schema: payoutsSchema },
    (request, reply) => {
      const { page, limit } = request.query;
      answer(request, reply, payoutsCacheKey(page, limit), () => service.payouts(page, limit));
    },
  );
}

const validateSettleBody = validatorCompiler({ schema: settleBodySchema, httpPart: 'body', method: 'POST', url: '' });

async function operatorRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  service: TransactionsService,
  cache: ReportCache,
): Promise<void> {
  app.addHook('onRequest', apiKeyGuard(ctx.operator_auth));

  app.get('/v1/transactions/status', { schema: statusSchema }, async () => service.status());

  app.post<{ Params: { userId: string }; Body: { amount?: number; reason?: string } | undefined }>(
    '/v1/payouts/:userId/settle',
    {
      schema: settleSchema,
      // The body is optional, so it is checked here rather than by a route schema that would demand one.
      preValidation: async (request) => {
        parseIdempotencyKey(request.headers['idempotency-key']);
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      if (!validateSettleBody(body)) {
        const issues =
          (validateSettleBody as unknown as { errors?: Parameters<typeof describeValidation>[0] }).errors ?? [];
        throw new AppError(PLATFORM_ERRORS.VALIDATION_ERROR, describeValidation(issues, 'body'));
      }
      const amount_minor = body.amount === undefined ? null : (amountFromJson(body.amount) ?? null);
      // A settlement is a manual money movement (SPEC §4): operator and reason on the transfer and in the audit log.
      const stamp = manualMovement(request, body.reason);
      const result = await service.settle(request.params.userId, { amount_minor, stamp }, idempotencyScope(request));
      if (result.transfer_id) noteTransaction(request, result.transfer_id);
      if (!result.replayed) cache.invalidateUsers([request.params.userId]);
      reply.code(result.status).header('content-type', 'application/json; charset=utf-8');
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.send(result.body);
    },
  );
}

function idempotencyScope(request: FastifyRequest): IdempotencyScope {
  const authorization = request.headers.authorization ?? '';
  return {
    api_key_hash: sha256(authorization.slice('Bearer '.length)),
    idempotency_key: parseIdempotencyKey(request.headers['idempotency-key']),
    request_hash: requestFingerprint(request.method, request.url, request.rawBody),
  };
}
