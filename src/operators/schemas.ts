import { BODY_ERRORS, errorResponses, KEY_ERRORS, withExample } from '../platform/http-schemas.ts';
import { OPERATOR_ROLES } from '../platform/operator.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { OPERATOR_ERRORS } from './errors.ts';
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
/** Every admin-only route: a key, and a key of the role admin. */
const ADMIN_ERRORS = [...KEY_ERRORS, PLATFORM_ERRORS.FORBIDDEN];

const exampleOperator = {
  operatorId: '0190f5c2-7a1e-7c3b-9d2e-4f6a8b0c1d2e',
  name: 'alice',
  role: 'operator',
  created_at: '2025-01-15T09:30:00.000Z',
  created_by: 'bootstrap',
  revoked_at: null,
};

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
  body: withExample(
    {
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
    { name: 'alice', role: 'operator' },
  ),
  response: {
    201: withExample(
      {
        ...operator,
        properties: { ...operator.properties, apiKey: { type: 'string', description: 'Shown only in this answer.' } },
        required: [...operator.required, 'apiKey'],
      },
      { ...exampleOperator, apiKey: 'crp_2bU9yN0a3c8Qv7mK1pXz5tR4wE6sD0fG9hJ2kL8nB3q' },
    ),
    ...errorResponses(
      ...BODY_ERRORS,
      ...ADMIN_ERRORS,
      OPERATOR_ERRORS.OPERATOR_NAME_TAKEN,
      OPERATOR_ERRORS.OPERATOR_LIMIT_REACHED,
    ),
  },
};

export const listOperatorsSchema = {
  summary: 'Every operator, revoked ones too, without keys (admin only)',
  tags,
  security,
  response: {
    200: withExample(
      { type: 'object', properties: { operators: { type: 'array', items: operator } }, required: ['operators'] },
      {
        operators: [
          exampleOperator,
          {
            operatorId: '0190f5c3-1b2c-7d4e-8f5a-6b7c8d9e0f1a',
            name: 'support desk',
            role: 'viewer',
            created_at: '2025-01-16T14:02:11.000Z',
            created_by: '0190f5c2-7a1e-7c3b-9d2e-4f6a8b0c1d2e',
            revoked_at: '2025-03-01T08:00:00.000Z',
          },
        ],
      },
    ),
    ...errorResponses(...ADMIN_ERRORS),
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
  response: {
    200: withExample(operator, { ...exampleOperator, revoked_at: '2025-03-01T08:00:00.000Z' }),
    ...errorResponses(PLATFORM_ERRORS.VALIDATION_ERROR, ...ADMIN_ERRORS, OPERATOR_ERRORS.OPERATOR_NOT_FOUND),
  },
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
    200: withExample(
      {
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
      {
        entries: [
          {
            at: '2025-01-15T10:04:05.123Z',
            operatorId: '0190f5c2-7a1e-7c3b-9d2e-4f6a8b0c1d2e',
            name: 'alice',
            method: 'POST',
            path: '/v1/wallets/user_001/topup',
            status: 201,
            reason: 'goodwill credit, ticket 4411',
            transactionId: '0190f5d0-0e1f-7a2b-8c3d-4e5f6a7b8c9d',
          },
          {
            at: '2025-01-15T10:01:00.000Z',
            operatorId: '0190f5c3-1b2c-7d4e-8f5a-6b7c8d9e0f1a',
            name: 'support desk',
            method: 'POST',
            path: '/v1/wallets/user_001/withdraw',
            status: 403,
            reason: null,
          },
        ],
        next_cursor: 'YTQxMjc',
      },
    ),
    ...errorResponses(
      PLATFORM_ERRORS.VALIDATION_ERROR,
      OPERATOR_ERRORS.AUDIT_INVALID_CURSOR,
      OPERATOR_ERRORS.AUDIT_INVALID_WINDOW,
      ...ADMIN_ERRORS,
    ),
  },
};

export const meSchema = {
  summary: 'Who this API key is: operator id, name and role (any role)',
  description:
    'The bootstrap key (ADMIN_API_KEY) answers operatorId `bootstrap`, name `bootstrap admin`, role admin and `bootstrap: true`. ' +
    'A viewer may only read; an operator also moves money; an admin also manages operators and reads the audit log.',
  tags,
  security,
  response: {
    200: withExample(
      {
        type: 'object',
        properties: {
          operatorId: { type: 'string', description: 'The UUID of a named operator, or `bootstrap`.' },
          name: { type: 'string' },
          role: { type: 'string', enum: [...OPERATOR_ROLES] },
          bootstrap: { type: 'boolean', description: 'True for ADMIN_API_KEY, the bootstrap key.' },
        },
        required: ['operatorId', 'name', 'role', 'bootstrap'],
      },
      { operatorId: '0190f5c2-7a1e-7c3b-9d2e-4f6a8b0c1d2e', name: 'alice', role: 'operator', bootstrap: false },
    ),
    ...errorResponses(...KEY_ERRORS),
  },
};
