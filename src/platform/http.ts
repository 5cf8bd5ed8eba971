import { PLATFORM_ERRORS } from './platform-errors.ts';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { PlatformContext } from './context.ts';
import { AppError } from './errors.ts';
import type { ErrorDefinition } from './error-table.ts';
import { AuthenticationError, verifySignature } from './auth.ts';
import { AuthFailureLimiter } from './auth-failures.ts';
import { BoundedCache } from './bounded-cache.ts';
import {
  BODY_SIZE_MAX_BYTES,
  HTTP_CONNECTIONS_CHECK_INTERVAL_MS,
  HTTP_HEADERS_TIMEOUT_MS,
  HTTP_HEADER_SIZE_MAX_BYTES,
  HTTP_KEEP_ALIVE_TIMEOUT_MS,
  HTTP_METRIC_SERIES_CACHED_MAX,
  HTTP_REQUEST_TIMEOUT_MS,
  HTTP_SOCKET_INACTIVITY_TIMEOUT_MS,
  STRING_LENGTH_MAX,
} from './limits.ts';
import { httpMetrics, registry } from './metrics.ts';
import { describeValidation, validatorCompiler } from './validation.ts';
import { findPoisonedField } from './text-safety.ts';
import { hmacSha256Hex } from './hmac.ts';
import {
  BODY_IS_OPTIONAL,
  errorResponses,
  OPTIONAL_BODY,
  SIGNATURES,
  textResponse,
  withExample,
} from './http-schemas.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Registry row for schema validation failures on this route (default VALIDATION_ERROR). */
    validation_error?: ErrorDefinition;
  }
}

export interface AppOptions {
  /** Errors from layers above the platform (the ledger's "unavailable") as registry errors; undefined: not theirs. */
  mapError?(error: unknown): AppError | undefined;
  /** Whether the process can serve (database reachable, migrations applied, writer not wedged), for GET /ready; answers within a second. */
  ready(): Promise<{ ready: boolean; reason?: string }>;
}

/** Builds the HTTP server: platform concerns here; the composition root registers each module's routes. */
export async function buildApp(
  ctx: PlatformContext,
  options: AppOptions,
  register: (app: FastifyInstance) => Promise<void>,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_SIZE_MAX_BYTES,
    // Path parameters carry ids up to the string limit (player ids, user ids).
    routerOptions: { maxParamLength: STRING_LENGTH_MAX },
    // Errors raised before routing (bad URL encoding, over-long path parameters) keep our error shape.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const too_long = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const app_error = too_long
        ? new AppError(PLATFORM_ERRORS.URI_TOO_LONG)
        : new AppError(PLATFORM_ERRORS.VALIDATION_ERROR, error.message);
      reply.code(app_error.http_status).send(app_error.body());
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    keepAliveTimeout: HTTP_KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: HTTP_REQUEST_TIMEOUT_MS,
    connectionTimeout: HTTP_SOCKET_INACTIVITY_TIMEOUT_MS,
    http: {
      headersTimeout: HTTP_HEADERS_TIMEOUT_MS,
      connectionsCheckingInterval: HTTP_CONNECTIONS_CHECK_INTERVAL_MS,
      maxHeaderSize: HTTP_HEADER_SIZE_MAX_BYTES,
      // Node would answer a missing Host with an empty 400; the onRequest hook below answers it in our shape.
      requireHostHeader: false,
    },
    // Requests Node cannot parse (bad framing, unknown method, oversized headers, timeouts) never reach
    // a route: they are answered here, on the raw socket, still as { code, message }.
    clientErrorHandler: answerClientError,
    ajv: { customOptions: { coerceTypes: false } },
  });
  app.setValidatorCompiler(validatorCompiler);

  // JSON is parsed from the exact bytes, kept for signature checks and stored-response comparisons.
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: BODY_SIZE_MAX_BYTES },
    (request, body, done) => {
      const raw = body as Buffer;
      request.rawBody = raw;
      try {
        verifySignature(request, raw);
      } catch (error) {
        return done(error as Error, undefined);
      }
      if (raw.length === 0) return done(null, undefined);
      let parsed: unknown;
      try {
        parsed = parseStrictJson(raw);
      } catch (error) {
        return done(error instanceof AppError ? error : new AppError(PLATFORM_ERRORS.INVALID_JSON), undefined);
      }
      // Strictly decoded JSON text carries a NUL or lone surrogate only as a \u escape: bodies without
      // one (nearly all) skip the walk.
      const poisoned = raw.includes('\\u') ? findPoisonedField(parsed) : undefined;
      if (poisoned) return done(new AppError(validationKey(request), poisoned), undefined);
      done(null, parsed);
    },
  );
  // Every body here is JSON. Fastify's own text/plain parser would hand a route a string and no raw
  // bytes, so a correctly signed text/plain call failed its signature check; now it is a 415 like any
  // other type.
  app.removeContentTypeParser('text/plain');
  // A signed route called without a body never reaches the parser: check it against the empty body.
  app.addHook('preValidation', async (request) => {
    if (request.signature_check && !request.signature_verified)
      verifySignature(request, request.rawBody ?? Buffer.alloc(0));
  });

  // Callback-style hooks here and below: they run on every request, and an async hook costs a promise each.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      return done(new AppError(PLATFORM_ERRORS.MALFORMED_REQUEST, 'The Host header is required in HTTP/1.1.'));
    }
    done();
  });

  // Path parameters and query strings are percent-decoded text: %00 decodes to NUL. Refused before
  // validation, so no handler (authenticated or not, e.g. /provider/play) ever sees it.
  app.addHook('preValidation', (request, _reply, done) => {
    const poisoned = findPoisonedField(request.params, 'params') ?? findPoisonedField(request.query, 'query');
    if (poisoned) return done(new AppError(validationKey(request), poisoned));
    done();
  });

  const auth_failures = new AuthFailureLimiter();
  app.setErrorHandler((error: FastifyError, request, reply) =>
    sendError(ctx, options, auth_failures, error, request, reply),
  );
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send(
        new AppError(PLATFORM_ERRORS.NOT_FOUND, `No endpoint ${request.method} ${request.url.split('?')[0]}.`).body(),
      );
  });

  // Security headers (callback form: this runs on every response, the hot path included).
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('content-security-policy')) {
      const policy = contentSecurityPolicy(request.url, String(reply.getHeader('content-type') ?? ''));
      if (policy) reply.header('content-security-policy', policy);
    }
    done(null, payload);
  });

  app.addHook('onResponse', async (request, reply) => {
    observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Croupier',
        version: '0.1.0',
        description:
          'Money core for online casinos: ledger, provider protocols, wallet API, reports.\n\n' +
          'Every error is `{ code, message }`; each operation lists, per status, the codes it can answer. ' +
          `Any operation may also answer ${ANY_ROUTE_ERRORS.map((e) => `${e.http_status} \`${e.code}\``).join(', ')} ` +
          '(an outage, the database out of reach; retry later).',
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description:
              "Operator API key: ADMIN_API_KEY (bootstrap admin) or a named operator's key (POST /v1/operators). " +
              'Roles: viewer (reads only), operator (also moves money), admin (also operators and the audit log).',
          },
          ...Object.fromEntries(
            Object.entries(SIGNATURES).map(([name, scheme]) => [
              name,
              { type: 'apiKey', in: 'header', name: scheme.header, description: signingText(scheme) },
            ]),
          ),
        },
      },
    },
    // A route whose body is optional (so it has no body schema) still documents it (optionalBody()).
    transform: ({ schema, url }) => {
      const optional = (schema as Record<string, unknown> | undefined)?.[OPTIONAL_BODY];
      if (!optional) return { schema, url };
      const { [OPTIONAL_BODY]: body, ...rest } = schema as Record<string, unknown>;
      return { schema: { ...rest, body, [BODY_IS_OPTIONAL]: true } as typeof schema, url };
    },
    transformObject: (document) => {
      if (!('openapiObject' in document)) return document.swaggerObject;
      for (const operations of Object.values(document.openapiObject.paths ?? {}))
        for (const operation of Object.values(operations as Record<string, Record<string, unknown>>)) {
          if (typeof operation !== 'object' || operation === null || !(BODY_IS_OPTIONAL in operation)) continue;
          delete operation[BODY_IS_OPTIONAL];
          (operation.requestBody as { required: boolean }).required = false;
        }
      return document.openapiObject;
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registerOperations(app, options);
  await register(app);
  return app;
}

/** Errors any route may answer, named once in the document's description rather than on every operation. */
const ANY_ROUTE_ERRORS = [PLATFORM_ERRORS.INTERNAL, PLATFORM_ERRORS.NOT_READY];

/** How to sign for one HMAC scheme, with a worked example computed here (so it is right by construction). */
function signingText(scheme: (typeof SIGNATURES)[keyof typeof SIGNATURES]): string {
  const secret = 'example-secret';
  const body = '{"sessionToken":"abc"}';
  return (
    `Requests from ${scheme.who} are signed, not keyed. Header \`${scheme.header}: ${scheme.prefix}<hex>\`, where <hex> is ` +
    `the lower-case hex HMAC-SHA256 of the **exact raw bytes of the request body** (not re-serialized JSON), keyed ` +
    `with the shared secret ${scheme.secret} (UTF-8). A missing or wrong signature is 403 \`INVALID_SIGNATURE\` ` +
    `before the body is parsed; too many wrong ones from one address, 429 \`TOO_MANY_FAILURES\`.\n\n` +
    `Example: secret \`${secret}\`, body \`${body}\` → \`${scheme.header}: ${scheme.prefix}${hmacSha256Hex(secret, body)}\`. ` +
    `Shell: \`printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$${scheme.secret}" | sed 's/^.*= //'\`.`
  );
}

/**
 * Pages with no script or style of their own (/provider/play, the not-built back office) and the back
 * office's asset files: nothing may load, nobody may frame them.
 */
const PAGE_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/**
 * The Swagger UI of /docs (@fastify/swagger-ui): its index.html loads only same-origin scripts and
 * styles (no inline <script>), fetches /docs/json, draws icons from data: URLs, and React sets inline
 * styles, hence 'unsafe-inline' for styles only. Scripts stay 'self'; nobody may frame it.
 */
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/** The policy for a response that serves HTML or page assets; undefined for the JSON API. */
function contentSecurityPolicy(url: string, content_type: string): string | undefined {
  if (url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs?')) return DOCS_CSP;
  // By path as well as by type: an error answer on a page's URL is shown in a browser too.
  if (content_type.startsWith('text/html') || url.startsWith('/assets/') || url.startsWith('/provider/play'))
    return PAGE_CSP;
  return undefined;
}

// Invalid UTF-8 is refused, never replaced by U+FFFD (which would make two different ids equal).
// ignoreBOM keeps a leading BOM in the text, so JSON.parse refuses it as before.
const strict_utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function parseStrictJson(raw: Buffer): unknown {
  let text: string;
  try {
    text = strict_utf8.decode(raw);
  } catch {
    throw new AppError(PLATFORM_ERRORS.INVALID_JSON, 'The request body is not valid UTF-8.');
  }
  return JSON.parse(text);
}

function validationKey(request: FastifyRequest): ErrorDefinition {
  return request.routeOptions.config?.validation_error ?? PLATFORM_ERRORS.VALIDATION_ERROR;
}

// Labelled children cached per route and status: prom-client hashes a label object on every call.
const request_series = new BoundedCache<string, { count: { inc(): void }; seconds: { observe(v: number): void } }>(
  HTTP_METRIC_SERIES_CACHED_MAX,
);

function observeRequest(method: string, route: string, status: number, seconds: number): void {
  const series = request_series.get(`${method} ${status} ${route}`, () => ({
    count: httpMetrics.requests.labels({ method, route, status: String(status) }),
    seconds: httpMetrics.seconds.labels({ method, route }),
  }));
  series.count.inc();
  series.seconds.observe(seconds);
}

function sendError(
  ctx: PlatformContext,
  options: AppOptions,
  auth_failures: AuthFailureLimiter,
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error instanceof AuthenticationError) {
    // Only failures are counted, here, after the check: a correct key or signature never meets the limiter.
    const verdict = auth_failures.recordFailure(request.ip);
    if (verdict.limited) {
      const limited = new AppError(PLATFORM_ERRORS.TOO_MANY_FAILURES);
      reply.code(limited.http_status).header('retry-after', String(verdict.retry_after_s)).send(limited.body());
      return;
    }
  }
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
    // Other client errors raised by Fastify or a plugin (@fastify/static: 403 for a path outside its
    // root, 416 for a range past the end) keep their status when the registry has a row for it.
    const row = CLIENT_ERROR_ROWS_BY_STATUS[error.statusCode] ?? PLATFORM_ERRORS.VALIDATION_ERROR;
    const app_error = new AppError(row, row === PLATFORM_ERRORS.VALIDATION_ERROR ? error.message : undefined);
    reply.code(app_error.http_status).send(app_error.body());
    return;
  }
  // A bug or an outage: logged with its stack here, never shown to the client.
  ctx.logger.error({ err: error, method: request.method, url: request.url }, 'unhandled error');
  const internal = new AppError(PLATFORM_ERRORS.INTERNAL);
  reply.code(internal.http_status).send(internal.body());
}

const CLIENT_ERROR_ROWS_BY_STATUS: Record<number, ErrorDefinition> = {
  400: PLATFORM_ERRORS.VALIDATION_ERROR,
  403: PLATFORM_ERRORS.FORBIDDEN,
  404: PLATFORM_ERRORS.NOT_FOUND,
  405: PLATFORM_ERRORS.METHOD_NOT_ALLOWED,
  408: PLATFORM_ERRORS.REQUEST_TIMEOUT,
  413: PLATFORM_ERRORS.BODY_TOO_LARGE,
  414: PLATFORM_ERRORS.URI_TOO_LONG,
  415: PLATFORM_ERRORS.UNSUPPORTED_MEDIA_TYPE,
  416: PLATFORM_ERRORS.RANGE_NOT_SATISFIABLE,
  431: PLATFORM_ERRORS.HEADERS_TOO_LARGE,
};

// Node's parser errors (llhttp codes) worth a sentence of their own; any other is "not valid HTTP/1.1".
const PARSER_ERROR_SENTENCES: Record<string, string> = {
  HPE_INVALID_METHOD: 'The HTTP method is not recognised.',
  HPE_INVALID_URL: 'The request target is not a valid URL.',
  HPE_INVALID_VERSION: 'The HTTP version is not valid.',
  HPE_INVALID_HEADER_TOKEN: 'A header name or value contains a character HTTP does not allow.',
  HPE_INVALID_CONTENT_LENGTH: 'Content-Length is not a valid number.',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'Content-Length and Transfer-Encoding cannot both be sent.',
  HPE_INVALID_TRANSFER_ENCODING: 'Transfer-Encoding is not valid.',
  HPE_INVALID_CHUNK_SIZE: 'A chunk size of the chunked body is not valid.',
};

/** Answers, on the raw socket, a request that Node could not parse or that timed out, then closes it. */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  let app_error: AppError;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') app_error = new AppError(PLATFORM_ERRORS.REQUEST_TIMEOUT);
  else if (error.code === 'HPE_HEADER_OVERFLOW') app_error = new AppError(PLATFORM_ERRORS.HEADERS_TOO_LARGE);
  else
    app_error = new AppError(PLATFORM_ERRORS.MALFORMED_REQUEST, PARSER_ERROR_SENTENCES[error.code ?? ''] ?? undefined);
  const body = JSON.stringify(app_error.body());
  const status = app_error.http_status;
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

// Connection failures and server shutdowns: the request may be retried once the database is back.
// Also the deadlines of src/db/sql.ts: statement timeout (57014), lock timeout (55P03), a transaction
// ended for idling (25P03) — the database was too slow, the request may be retried.
const DATABASE_UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  // Over a Unix socket: PostgreSQL removed its socket file while it stops or restarts.
  'ENOENT',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
  '57014',
  '55P03',
  '25P03',
]);

function isDatabaseUnavailable(error: { code?: string }): boolean {
  const code = error.code ?? '';
  return DATABASE_UNAVAILABLE_CODES.has(code) || code.startsWith('08');
}

function registerOperations(app: FastifyInstance, options: AppOptions): void {
  const hide = { hide: false, tags: ['operations'] };
  app.get(
    '/health',
    {
      schema: {
        ...hide,
        summary: 'Process is alive',
        security: [],
        response: {
          200: withExample({ type: 'object', properties: { status: { type: 'string' } } }, { status: 'ok' }),
        },
      },
    },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/ready',
    {
      schema: {
        ...hide,
        summary: 'Database reachable, migrations applied, ledger writer not wedged (answers within a second)',
        security: [],
        response: {
          200: withExample({ type: 'object', properties: { status: { type: 'string' } } }, { status: 'ready' }),
          ...errorResponses(PLATFORM_ERRORS.NOT_READY),
        },
      },
    },
    async (_request, reply: FastifyReply) => {
      const verdict = await options.ready().catch((error: Error) => ({ ready: false, reason: error.message }));
      if (verdict.ready) return { status: 'ready' };
      const error = new AppError(PLATFORM_ERRORS.NOT_READY, `Not ready: ${verdict.reason ?? 'unknown'}.`);
      return reply.code(error.http_status).send(error.body());
    },
  );
  const metrics_example =
    '# HELP croupier_http_requests_total HTTP requests answered\n# TYPE croupier_http_requests_total counter\n' +
    'croupier_http_requests_total{method="POST",route="/casino/debit",status="200"} 1042\n';
  const metrics_schema = {
    ...hide,
    summary: 'Prometheus metrics',
    security: [],
    response: { 200: textResponse('text/plain', 'Prometheus text exposition format 0.0.4.', metrics_example) },
  };
  app.get('/metrics', { schema: metrics_schema }, async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}
