import { errorResponses } from '../platform/http-schemas.ts';
import { OPERATOR_ROLES } from '../platform/operator.ts';
import { STRING_LENGTH_MAX } from '../platform/limits.ts';
import {
  AUDIT_CURSOR_LENGTH_MAX,
  AUDIT_PAGE_SIZE_DEFAULT,
  AUDIT_PAGE_SIZE_MAX,
  OPERATOR_KEY_CACHE_TTL_MS,
  OPERATOR_NAME_LENGTH_MAX,
} from './limits.ts';

/** JSON schemas of operators and the audit log: they validate requests and generate /docs. */

const security = [{ apiKey: [] }];
const tags = ['operators'];

const operatorId = {
  type: 'string',
  format: 'uuid',
  description: 'Operator id (a UUID; the bootstrap admin is `bootstrap` in the audit log).',
} as const;

const operator = {
  type: 'object',
  properties: {
    operatorId: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', enum: [...OPERATOR_ROLES] },
    created_at: { type: 'string', format: 'date-time' },
    created_by: {
      type: 'string',
      description: 'operatorId of the admin who created it (`bootstrap` for ADMIN_API_KEY).',
    },
    revoked_at: { type: ['string', 'null'], format: 'date-time' },
  },
  required: ['operatorId', 'name', 'role', 'created_at', 'created_by', 'revoked_at'],
} as const;

export const createOperatorSchema = {
  summary: 'Create a named operator with its own API key (admin only)',
  description:
    'The answer carries the API key once; only its sha256 is stored. Roles: viewer (reads only), ' +
    'operator (also moves money), admin (also manages operators and reads the audit log).',
  tags,
  security,
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'role'],
    properties: {
      name: {
        type: 'string',
        minLength: 1,
        maxLength: OPERATOR_NAME_LENGTH_MAX,
        pattern: '^[^\\u0000-\\u001f\\u007f]+$',
        description: 'Unique among active operators; no control characters.',
      },
      role: { type: 'string', enum: [...OPERATOR_ROLES] },
    },
  },
  response: {
    201: {
      ...operator,
      properties: { ...operator.properties, apiKey: { type: 'string', description: 'Shown only in this answer.' } },
      required: [...operator.required, 'apiKey'],
    },
    ...errorResponses(400, 401, 403, 409, 429),
  },
};

export const listOperatorsSchema = {
  summary: 'Every operator, revoked ones too, without keys (admin only)',
  tags,
  security,
  response: {
    200: { type: 'object', properties: { operators: { type: 'array', items: operator } }, required: ['operators'] },
    ...errorResponses(401, 403, 429),
  },
};

export const revokeOperatorSchema = {
  summary: "Revoke an operator's API key (admin only)",
  description:
    `From then on the key answers 401: at once on the process that revoked it, within ${OPERATOR_KEY_CACHE_TTL_MS} ms ` +
    'on every other. Revoking twice keeps the first revoked_at.',
  tags,
  security,
  params: { type: 'object', required: ['operatorId'], properties: { operatorId } },
  response: { 200: operator, ...errorResponses(400, 401, 403, 404, 429) },
};

export const auditSchema = {
  summary: 'The audit log: every write made with an operator key, refused ones too, newest first (admin only)',
  tags,
  security,
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      operatorId: {
        type: 'string',
        minLength: 1,
        maxLength: STRING_LENGTH_MAX,
        description: "Only this operator's entries (`bootstrap` for ADMIN_API_KEY).",
      },
      from: { type: 'string', format: 'date-time', description: 'Entries at or after this instant.' },
      to: { type: 'string', format: 'date-time', description: 'Entries before this instant.' },
      limit: { type: 'integer', minimum: 1, maximum: AUDIT_PAGE_SIZE_MAX, default: AUDIT_PAGE_SIZE_DEFAULT },
      cursor: {
        type: 'string',
        minLength: 1,
        maxLength: AUDIT_CURSOR_LENGTH_MAX,
        description: 'next_cursor of the previous page.',
      },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        entries: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              at: { type: 'string', format: 'date-time' },
              operatorId: { type: 'string' },
              name: { type: 'string' },
              method: { type: 'string' },
              path: { type: 'string', description: 'Without the query string.' },
              status: { type: 'integer', description: 'The HTTP status answered.' },
              reason: { type: ['string', 'null'] },
              transactionId: {
                type: 'string',
                format: 'uuid',
                description: 'The transfer a money movement made (absent otherwise).',
              },
            },
            required: ['at', 'operatorId', 'name', 'method', 'path', 'status', 'reason'],
          },
        },
        next_cursor: { type: ['string', 'null'] },
      },
      required: ['entries', 'next_cursor'],
    },
    ...errorResponses(400, 401, 403, 429),
  },
};
