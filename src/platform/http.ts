import { PLATFORM_ERRORS } from './platform-errors.ts';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { PlatformContext } from './context.ts';
import { AppError } from './errors.ts';
import type { ErrorDefinition } from './error-table.ts';
import { verifySignature } from './auth.ts';
import { BoundedCache } from './bounded-cache.ts';
import { BODY_SIZE_MAX_BYTES, HTTP_KEEP_ALIVE_TIMEOUT_MS, HTTP_METRIC_SERIES_CACHED_MAX, STRING_LENGTH_MAX } from './limits.ts';
import { httpMetrics, registry } from './metrics.ts';
import { describeValidation, validatorCompiler } from './validation.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Registry row for schema validation failures on this route (default VALIDATION_ERROR). */
    validation_error?: ErrorDefinition;
  }
}

export interface AppOptions {
  /** Errors from layers above the platform (the ledger's "unavailable") as registry errors; undefined: not theirs. */
  mapError?(error: unknown): AppError | undefined;
  /** Answers whether the process can serve (database reachable, migrations applied); used by GET /ready. */
  ready(): Promise<boolean>;
}

/** Builds the HTTP server: platform concerns here; the composition root registers each module's routes. */
export async function buildApp(ctx: PlatformContext, options: AppOptions, register: (app: FastifyInstance) => Promise<void>): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_SIZE_MAX_BYTES,
    // Path parameters carry ids up to the string limit (player ids, user ids).
    routerOptions: { maxParamLength: STRING_LENGTH_MAX },
    // Errors raised before routing (bad URL encoding, over-long path parameters) keep our error shape.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const too_long = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const app_error = too_long ? new AppError(PLATFORM_ERRORS.URI_TOO_LONG) : new AppError(PLATFORM_ERRORS.VALIDATION_ERROR, error.message);
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
      done(new AppError(PLATFORM_ERRORS.INVALID_JSON), undefined);
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

  app.setErrorHandler((error: FastifyError, request, reply) => sendError(ctx, options, error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(new AppError(PLATFORM_ERRORS.NOT_FOUND, `No endpoint ${request.method} ${request.url.split('?')[0]}.`).body());
  });

  app.addHook('onResponse', async (request, reply) => {
    observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Croupier', version: '0.1.0', description: 'Money core for online casinos: ledger, provider protocols, wallet API, reports.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'Operator API key: ADMIN_API_KEY (bootstrap admin) or a named operator\'s key (POST /v1/operators)' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registerOperations(app, options);
  await register(app);
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

function sendError(ctx: PlatformContext, options: AppOptions, error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const mapped_error = error instanceof AppError ? error : options.mapError?.(error);
  if (mapped_error) {
    reply.code(mapped_error.http_status).send(mapped_error.body());
    return;
  }
  if (error.validation) {
    const row = request.routeOptions.config?.validation_error ?? PLATFORM_ERRORS.VALIDATION_ERROR;
    const app_error = new AppError(row, describeValidation(error.validation, error.validationContext));
    reply.code(app_error.http_status).send(app_error.body());
    return;
  }
  const fastify_codes: Record<string, ErrorDefinition> = {
    FST_ERR_CTP_BODY_TOO_LARGE: PLATFORM_ERRORS.BODY_TOO_LARGE,
    FST_ERR_CTP_INVALID_MEDIA_TYPE: PLATFORM_ERRORS.UNSUPPORTED_MEDIA_TYPE,
    FST_ERR_CTP_EMPTY_JSON_BODY: PLATFORM_ERRORS.INVALID_JSON,
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: PLATFORM_ERRORS.VALIDATION_ERROR,
  };
  const mapped = error.code ? fastify_codes[error.code] : undefined;
  if (mapped) {
    const app_error = new AppError(mapped);
    reply.code(app_error.http_status).send(app_error.body());
    return;
  }
  if (isDatabaseUnavailable(error)) {
    ctx.logger.warn({ err: error, url: request.url }, 'database unavailable');
    const unavailable = new AppError(PLATFORM_ERRORS.NOT_READY);
    reply.code(unavailable.http_status).send(unavailable.body());
    return;
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    reply.code(error.statusCode).send({ code: PLATFORM_ERRORS.BAD_REQUEST.code, message: error.message });
    return;
  }
  // A bug or an outage: logged with its stack here, never shown to the client.
  ctx.logger.error({ err: error, method: request.method, url: request.url }, 'unhandled error');
  const internal = new AppError(PLATFORM_ERRORS.INTERNAL);
  reply.code(internal.http_status).send(internal.body());
}

// Connection failures and server shutdowns: the request may be retried once the database is back.
const DATABASE_UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT', '57P01', '57P02', '57P03',
]);

function isDatabaseUnavailable(error: { code?: string }): boolean {
  const code = error.code ?? '';
  return DATABASE_UNAVAILABLE_CODES.has(code) || code.startsWith('08');
}

function registerOperations(app: FastifyInstance, options: AppOptions): void {
  const hide = { hide: false, tags: ['operations'] };
  app.get('/health', { schema: { ...hide, summary: 'Process is alive', response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } },
    async () => ({ status: 'ok' }));
  app.get('/ready', { schema: { ...hide, summary: 'Database reachable and migrations applied' } }, async (_request, reply) => {
    try {
      if (!(await options.ready())) throw new Error('not ready');
      return { status: 'ready' };
    } catch {
      const error = new AppError(PLATFORM_ERRORS.NOT_READY);
      return reply.code(error.http_status).send(error.body());
    }
  });
  app.get('/metrics', { schema: { ...hide, summary: 'Prometheus metrics' } }, async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}
