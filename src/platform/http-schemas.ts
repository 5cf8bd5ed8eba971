import type { ErrorDefinition } from './error-table.ts';
import { STRING_LENGTH_MAX } from './limits.ts';
import { PLATFORM_ERRORS } from './platform-errors.ts';

/**
 * What a route's schema needs for the OpenAPI document at /docs (test/platform/openapi.test.ts
 * walks it and fails when something is missing):
 * - `withExample(schema, value)` on the body and on every success response — the example is
 *   validated against the schema by that test;
 * - `errorResponses(...rows)` for the error answers, from the registry rows the route can raise:
 *   each status lists its codes, with one example per code;
 * - `security`: `[{ apiKey: [] }]` (operator key), `signedBy('casino')` (an HMAC-signed callback)
 *   or `[]` (public).
 */

/** The one error-response schema every route documents (SPEC §0: `{ code, message }`). */
export const errorSchema = {
  type: 'object',
  properties: { code: { type: ['integer', 'string'] }, message: { type: 'string' } },
  required: ['code', 'message'],
} as const;

/**
 * A schema with its example(s): JSON Schema `examples`, which /docs shows as the media type's example
 * (or as example1, example2, … when there are several). Validation ignores the keyword.
 */
export function withExample<S extends object>(
  schema: S,
  ...examples: [unknown, ...unknown[]]
): S & { examples: unknown[] } {
  return { ...schema, examples };
}

/** A success answer that is not JSON (a page, a script, metrics): its media type, what it is, an example. */
export function textResponse(media_type: string, description: string, example: string) {
  return { description, content: { [media_type]: { schema: { type: 'string' }, example } } };
}

/**
 * `{ 400: …, 401: … }` for a route's response map, from the registry rows the route can answer:
 * each status's schema names its codes (`code` is an enum of them), its description lists them
 * with their default message, and it carries one named example per code.
 */
export function errorResponses(...rows: ErrorDefinition[]): Record<number, object> {
  const by_status = new Map<number, Map<string | number, ErrorDefinition>>();
  for (const row of rows) {
    const codes = by_status.get(row.http_status) ?? new Map<string | number, ErrorDefinition>();
    if (!codes.has(row.code)) codes.set(row.code, row);
    by_status.set(row.http_status, codes);
  }
  const responses: Record<number, object> = {};
  for (const [status, codes] of [...by_status].sort((a, b) => a[0] - b[0])) {
    const list = [...codes.values()];
    responses[status] = {
      ...errorSchema,
      // The answer's description (not the schema's): each code with its default message.
      'x-response-description': list.map((row) => `\`${row.code}\`: ${row.message}`).join('\n\n'),
      properties: {
        code: { type: ['integer', 'string'], enum: list.map((row) => row.code) },
        message: { type: 'string' },
      },
      'x-examples': Object.fromEntries(
        list.map((row) => [
          String(row.code),
          { summary: row.message, value: { code: row.code, message: row.message } },
        ]),
      ),
    };
  }
  return responses;
}

/** What every route behind the operator key (apiKeyGuard) can answer: no or a wrong key, too many wrong keys. */
export const KEY_ERRORS: readonly ErrorDefinition[] = [PLATFORM_ERRORS.UNAUTHORIZED, PLATFORM_ERRORS.TOO_MANY_FAILURES];
/** A write behind the operator key: a viewer's key is refused too. */
export const KEY_WRITE_ERRORS: readonly ErrorDefinition[] = [...KEY_ERRORS, PLATFORM_ERRORS.FORBIDDEN];
/** What every HMAC-signed route can answer before its body is read. */
export const SIGNATURE_ERRORS: readonly ErrorDefinition[] = [
  PLATFORM_ERRORS.INVALID_SIGNATURE,
  PLATFORM_ERRORS.TOO_MANY_FAILURES,
];
/** What every route with a JSON body can answer about the body itself (schema, JSON, size, type). */
export const BODY_ERRORS: readonly ErrorDefinition[] = [
  PLATFORM_ERRORS.VALIDATION_ERROR,
  PLATFORM_ERRORS.BODY_TOO_LARGE,
  PLATFORM_ERRORS.UNSUPPORTED_MEDIA_TYPE,
];
/** A route that writes through the ledger: its queue may be full, the database out of reach. */
export const LEDGER_ERRORS_503: readonly ErrorDefinition[] = [PLATFORM_ERRORS.OVERLOADED, PLATFORM_ERRORS.NOT_READY];

/**
 * The HMAC-signed surfaces: how their callers sign (SPEC §0). The OpenAPI document carries one
 * security scheme per surface with this text; a route names its scheme with `signedBy`.
 */
export const SIGNATURES = {
  aggregatorSignature: {
    header: 'Authorization',
    prefix: 'HMAC-SHA256 ',
    secret: 'AGGREGATOR_SECRET',
    who: 'the aggregator (SPEC §2)',
  },
  casinoSignature: {
    header: 'X-Casino-Signature',
    prefix: '',
    secret: 'CASINO_SECRET',
    who: "the game provider calling the casino's callbacks (SPEC §3)",
  },
  providerSignature: {
    header: 'X-Provider-Signature',
    prefix: '',
    secret: 'PROVIDER_SECRET',
    who: 'the casino calling the game provider (SPEC §3)',
  },
} as const;

export type SignatureScheme = keyof typeof SIGNATURES;

/** `security` of a route signed by one of SIGNATURES. */
export const signedBy = (scheme: SignatureScheme) => [{ [scheme]: [] }];

/** Schema keys of optionalBody, read by the OpenAPI transform in http.ts. */
export const OPTIONAL_BODY = 'x-optional-body';
export const BODY_IS_OPTIONAL = 'x-body-is-optional';

/**
 * A body the route accepts but does not require. Fastify would demand a body for a `body` schema,
 * so the route checks it itself; this only documents it (requestBody with required: false).
 */
export const optionalBody = (schema: object) => ({ [OPTIONAL_BODY]: schema });

/** A non-empty string within the SPEC §0 string limit. */
export const textSchema = (description: string) =>
  ({ type: 'string', minLength: 1, maxLength: STRING_LENGTH_MAX, description }) as const;

/** An id sent as a string or an integer (the seed protocols' examples use numbers); both mean the same id. */
export const idSchema = (description: string) =>
  ({
    type: ['string', 'integer'],
    minLength: 1,
    maxLength: STRING_LENGTH_MAX,
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description,
  }) as const;
