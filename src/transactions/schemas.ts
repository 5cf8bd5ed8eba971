import { amountSchema } from '../platform/money.ts';
import { reasonSchema } from '../platform/operator.ts';
import {
  BODY_ERRORS,
  errorResponses,
  KEY_ERRORS,
  KEY_WRITE_ERRORS,
  LEDGER_ERRORS_503,
  optionalBody,
  withExample,
} from '../platform/http-schemas.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { TRANSACTIONS_ERRORS as E } from './errors.ts';
import {
  IDEMPOTENCY_KEY_LENGTH_MAX,
  PAGE_SIZE_DEFAULT,
  PAGE_SIZE_MAX,
  PAYOUTS_PAGE_NUMBER_MAX,
  STRING_LENGTH_MAX,
} from './limits.ts';

/** JSON schemas of ingestion status, the reporter and settlement: they validate requests and generate /docs. */

const tags = ['transactions'];
const security = [{ apiKey: [] }];
const cents = (description: string) => ({ type: 'integer', description }) as const;
const userId = { type: 'string', minLength: 1, maxLength: STRING_LENGTH_MAX, description: 'Upstream userId.' } as const;
const cacheNote =
  'Public, no key. Served from an in-process cache invalidated by every ingested page and settlement; ' +
  'carries ETag and Cache-Control max-age=REPORTER_MAX_AGE_S; a matching If-None-Match answers 304.';

export const statusSchema = {
  summary: 'Ingestion position and counters (all processes on the database)',
  tags,
  security,
  response: {
    200: withExample(
      {
        type: 'object',
        properties: {
          checkpoint: {
            type: ['string', 'null'],
            format: 'date-time',
            description: 'Every item upstream showed with createdAt up to here is in the ledger.',
          },
          lag_s: { type: ['integer', 'null'], description: 'Seconds from the checkpoint to now.' },
          items_total: { type: 'integer' },
          requests_total: { type: 'integer' },
          throttled_total: { type: 'integer' },
          errors_total: { type: 'integer' },
          quarantined_total: { type: 'integer' },
          last_error: { type: ['string', 'null'] },
          last_error_at: { type: ['string', 'null'], format: 'date-time' },
        },
      },
      {
        checkpoint: '2025-01-15T10:04:58.000Z',
        lag_s: 2,
        items_total: 182340,
        requests_total: 412,
        throttled_total: 3,
        errors_total: 1,
        quarantined_total: 0,
        last_error: 'upstream answered 503 INJECTED_FAULT',
        last_error_at: '2025-01-15T09:12:00.000Z',
      },
    ),
    ...errorResponses(...KEY_ERRORS),
  },
};

export const userReportSchema = {
  summary: "A user's SCR totals in cents: balance = earned − spent − payout − paidOut",
  description: cacheNote,
  tags,
  security: [],
  params: { type: 'object', required: ['userId'], properties: { userId } },
  response: {
    200: withExample(
      {
        type: 'object',
        properties: {
          userId: { type: 'string' },
          currency: { type: 'string', enum: ['SCR'] },
          balance: cents('earned − spent − payout − paidOut'),
          earned: cents('Earned in all'),
          spent: cents('Spent in all'),
          payout: cents('Payouts requested and not yet settled'),
          paidOut: cents('Payouts settled'),
          updatedAt: { type: 'string', format: 'date-time' },
        },
      },
      {
        userId: 'u-1042',
        currency: 'SCR',
        balance: 1250,
        earned: 5000,
        spent: 2250,
        payout: 1000,
        paidOut: 500,
        updatedAt: '2025-01-15T10:04:58.000Z',
      },
    ),
    304: { type: 'null', description: 'Not modified (If-None-Match matched).' },
    ...errorResponses(PLATFORM_ERRORS.VALIDATION_ERROR, E.TRANSACTIONS_USER_NOT_FOUND),
  },
};

export const payoutsSchema = {
  summary: 'Requested, unsettled payouts: one row per user, by userId',
  description: cacheNote,
  tags,
  security: [],
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      page: { type: 'integer', minimum: 1, maximum: PAYOUTS_PAGE_NUMBER_MAX, default: 1 },
      limit: { type: 'integer', minimum: 1, maximum: PAGE_SIZE_MAX, default: PAGE_SIZE_DEFAULT },
    },
  },
  response: {
    200: withExample(
      {
        type: 'object',
        properties: {
          data: {
            type: 'array',
            items: {
              type: 'object',
              properties: { userId: { type: 'string' }, amount: cents('Requested, unsettled, in cents') },
            },
          },
          pagination: {
            type: 'object',
            properties: {
              page: { type: 'integer' },
              limit: { type: 'integer' },
              total: { type: 'integer' },
              total_pages: { type: 'integer' },
            },
          },
        },
      },
      {
        data: [
          { userId: 'u-1042', amount: 1000 },
          { userId: 'u-2077', amount: 250 },
        ],
        pagination: { page: 1, limit: 50, total: 2, total_pages: 1 },
      },
    ),
    304: { type: 'null', description: 'Not modified (If-None-Match matched).' },
    ...errorResponses(PLATFORM_ERRORS.VALIDATION_ERROR),
  },
};

export const settleBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    amount: amountSchema(1, 'Cents to settle at most (integer ≥ 1); absent: everything requested.'),
    reason: reasonSchema,
  },
} as const;

export const settleSchema = {
  summary: "Settle a user's requested payouts (all, or up to amount cents): payouts_pending → treasury",
  description:
    'Idempotency-Key required (SPEC §4 semantics): same key and body → the stored response with Idempotent-Replayed: true; ' +
    'still in flight → 409; another body → 422. Body optional.',
  tags,
  security,
  params: { type: 'object', required: ['userId'], properties: { userId } },
  headers: {
    type: 'object',
    required: ['idempotency-key'],
    properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_LENGTH_MAX + 2 } },
  },
  ...optionalBody(withExample(settleBodySchema, { amount: 1000, reason: 'bank transfer 2025-01-15, batch 77' })),
  response: {
    200: withExample(
      {
        type: 'object',
        properties: {
          userId: { type: 'string' },
          settled: cents('Settled by this request'),
          payout: cents('Still requested'),
          paidOut: cents('Settled in all'),
        },
      },
      { userId: 'u-1042', settled: 1000, payout: 0, paidOut: 1500 },
    ),
    ...errorResponses(
      E.TRANSACTIONS_IDEMPOTENCY_KEY_MISSING,
      E.TRANSACTIONS_IDEMPOTENCY_KEY_INVALID,
      ...BODY_ERRORS,
      ...KEY_WRITE_ERRORS,
      E.TRANSACTIONS_USER_NOT_FOUND,
      E.TRANSACTIONS_IDEMPOTENCY_KEY_IN_FLIGHT,
      E.TRANSACTIONS_IDEMPOTENCY_KEY_REUSED,
      ...LEDGER_ERRORS_503,
    ),
  },
};
