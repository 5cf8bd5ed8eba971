import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { migrationsCurrent } from '../db/migrate.ts';
import type { AppContext } from './context.ts';
import { AppError } from './errors.ts';
import { verifySignature } from './auth.ts';
import { BoundedCache } from './bounded-cache.ts';
import { BODY_SIZE_MAX_BYTES, HTTP_KEEP_ALIVE_TIMEOUT_MS, HTTP_METRIC_SERIES_CACHED_MAX, STRING_LENGTH_MAX } from './limits.ts';
import { httpMetrics, registry } from './metrics.ts';
import { describeValidation, validatorCompiler } from './validation.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Error key used for schema validation failures on this route (default VALIDATION_ERROR). */
    validation_error_key?: string;
  }
}

export type RoutePlugin = (app: FastifyInstance, ctx: AppContext) => Promise<void>;

/** Builds the HTTP server: platform concerns here, each domain's routes registered as a plugin. */
export async function buildApp(ctx: AppContext, plugins: RoutePlugin[]): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_SIZE_MAX_BYTES,
    // Path parameters carry ids up to the string limit (player ids, user ids).
    routerOptions: { maxParamLength: STRING_LENGTH_MAX },
    // Errors raised before routing (bad URL encoding, over-long path parameters) keep our error shape.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const key = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'URI_TOO_LONG' : 'VALIDATION_ERROR';
      const app_error = new AppError(key, key === 'URI_TOO_LONG' ? undefined : error.message);
      reply.code(app_error.http_status).send(app_error.body());
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    keepAliveTimeout: HTTP_KEEP_ALIVE_TIMEOUT_MS,
    ajv: { customOptions: { coerceTypes: false } },
  });
  app.setValidatorCompiler(validatorCompiler);

  // JSON is parsed from the exact bytes, kept for signature checks and stored-response comparisons.
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_SIZE_MAX_BYTES }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    try {
      verifySignature(request, raw);
    } catch (error) {
      return done(error as Error, undefined);
    }
    if (raw.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(raw.toString('utf8')));
    } catch {
      done(new AppError('INVALID_JSON'), undefined);
    }
  });
  // Every body here is JSON. Fastify's own text/plain parser would hand a route a string and no raw
  // bytes, so a correctly signed text/plain call failed its signature check; now it is a 415 like any
  // other type.
  app.removeContentTypeParser('text/plain');
  // A signed route called without a body never reaches the parser: check it against the empty body.
  app.addHook('preValidation', async (request) => {
    if (request.signature_check && !request.signature_verified) verifySignature(request, request.rawBody ?? Buffer.alloc(0));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => sendError(ctx, error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(new AppError('NOT_FOUND', `No endpoint ${request.method} ${request.url.split('?')[0]}.`).body());
  });

  app.addHook('onResponse', async (request, reply) => {
    observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Croupier', version: '0.1.0', description: 'Money core for online casinos: ledger, provider protocols, wallet API, reports.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'Operator API key (ADMIN_API_KEY)' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registerOperations(app, ctx);
  for (const plugin of plugins) await app.register(async (scope) => plugin(scope, ctx));
  return app;
}

// Labelled children cached per route and status: prom-client hashes a label object on every call.
const request_series = new BoundedCache<string, { count: { inc(): void }; seconds: { observe(v: number): void } }>(HTTP_METRIC_SERIES_CACHED_MAX);

function observeRequest(method: string, route: string, status: number, seconds: number): void {
  const series = request_series.get(`${method} ${status} ${route}`, () => ({
    count: httpMetrics.requests.labels({ method, route, status: String(status) }),
    seconds: httpMetrics.seconds.labels({ method, route }),
  }));
  series.count.inc();
  series.seconds.observe(seconds);
}

function sendError(ctx: AppContext, error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof AppError) {
    reply.code(error.http_status).send(error.body());
    return;
  }
  if (error.validation) {
    const key = request.routeOptions.config?.validation_error_key ?? 'VALIDATION_ERROR';
    const app_error = new AppError(key, describeValidation(error.validation, error.validationContext));
    reply.code(app_error.http_status).send(app_error.body());
    return;
  }
  const fastify_codes: Record<string, string> = {
    FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_ERROR',
  };
  const mapped = error.code ? fastify_codes[error.code] : undefined;
  if (mapped) {
    const app_error = new AppError(mapped);
    reply.code(app_error.http_status).send(app_error.body());
    return;
  }
  if (isDatabaseUnavailable(error)) {
    ctx.logger.warn({ err: error, url: request.url }, 'database unavailable');
    const unavailable = new AppError('NOT_READY');
    reply.code(unavailable.http_status).send(unavailable.body());
    return;
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    reply.code(error.statusCode).send({ code: 'BAD_REQUEST', message: error.message });
    return;
  }
  // A bug or an outage: logged with its stack here, never shown to the client.
  ctx.logger.error({ err: error, method: request.method, url: request.url }, 'unhandled error');
  const internal = new AppError('INTERNAL');
  reply.code(internal.http_status).send(internal.body());
}

// Connection failures and server shutdowns: the request may be retried once the database is back.
// Also the deadlines of src/db/sql.ts: statement timeout (57014), lock timeout (55P03), a transaction
// ended for idling (25P03) — the database was too slow, the request may be retried.
const DATABASE_UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT', '57P01', '57P02', '57P03', '57014', '55P03', '25P03',
]);

function isDatabaseUnavailable(error: { code?: string }): boolean {
  const code = error.code ?? '';
  return DATABASE_UNAVAILABLE_CODES.has(code) || code.startsWith('08');
}

function registerOperations(app: FastifyInstance, ctx: AppContext): void {
  const hide = { hide: false, tags: ['operations'] };
  app.get('/health', { schema: { ...hide, summary: 'Process is alive', response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } },
    async () => ({ status: 'ok' }));
  app.get('/ready', { schema: { ...hide, summary: 'Database reachable and migrations applied' } }, async (_request, reply) => {
    try {
      await ctx.sql`select 1`;
      if (!(await migrationsCurrent(ctx.sql))) throw new Error('migrations pending');
      return { status: 'ready' };
    } catch {
      const error = new AppError('NOT_READY');
      return reply.code(error.http_status).send(error.body());
    }
  });
  app.get('/metrics', { schema: { ...hide, summary: 'Prometheus metrics' } }, async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}
