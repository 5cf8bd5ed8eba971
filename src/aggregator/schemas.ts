import { amountSchema } from '../platform/money.ts';
import { ACTIONS_PER_BATCH_MAX, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, RTP_PAGE_NUMBER_MAX, STRING_LENGTH_MAX } from './limits.ts';

/** JSON Schemas of the aggregator surface: Ajv validates with them, /docs is generated from them. */

const text = (description: string) => ({ type: 'string', minLength: 1, maxLength: STRING_LENGTH_MAX, description }) as const;

export const errorSchema = {
  type: 'object',
  properties: { code: { type: ['integer', 'string'] }, message: { type: 'string' } },
  required: ['code', 'message'],
} as const;

const actionSchema = {
  type: 'object',
  required: ['action', 'action_id'],
  properties: {
    action: { type: 'string', enum: ['bet', 'win', 'rollback'] },
    action_id: text('Unique id of the action at the aggregator: the idempotency key.'),
    amount: { ...amountSchema(0, 'Minor units. bet: required, > 0; win: required, >= 0; rollback: optional (the original amount is what moves).') },
    original_action_id: text('rollback only, required there: the action it cancels (may arrive later).'),
  },
} as const;

export const processBodySchema = {
  type: 'object',
  required: ['user_id', 'currency'],
  properties: {
    user_id: text('Player id at the aggregator, e.g. "8|USDT|USD"; its wallet is created on first sight.'),
    currency: text('Asset code of the wallet (USD, EUR, …); unknown → 400.'),
    game: text('"provider:game"'),
    game_id: text('Round id.'),
    finished: { type: 'boolean', description: 'Round finished (informational).' },
    actions: { type: 'array', maxItems: ACTIONS_PER_BATCH_MAX, items: actionSchema, description: `At most ${ACTIONS_PER_BATCH_MAX}; none → balance lookup.` },
  },
} as const;

export const processResponseSchema = {
  type: 'object',
  description: 'Without actions only `balance`; with actions also `game_id` and `transactions` (one per action, request order).',
  required: ['balance'],
  properties: {
    game_id: { type: ['string', 'null'] },
    transactions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['action_id', 'tx_id'],
        properties: { action_id: { type: 'string' }, tx_id: { type: 'string', format: 'uuid' } },
      },
    },
    balance: { type: 'integer', description: 'Minor units, after the whole batch.' },
  },
} as const;

const isoTime = (description: string) => ({ type: 'string', format: 'date-time', description }) as const;

const windowProperties = {
  from: isoTime('Start (inclusive) of the processing-time window, ISO-8601 with zone.'),
  to: isoTime('End (exclusive) of the processing-time window, ISO-8601 with zone.'),
  currency: text('Only this currency (required on the per-user report when the player plays in several).'),
} as const;

export const rtpListQuerySchema = {
  type: 'object',
  required: ['from', 'to'],
  properties: {
    ...windowProperties,
    page: { type: 'integer', minimum: 1, maximum: RTP_PAGE_NUMBER_MAX, default: 1 },
    limit: { type: 'integer', minimum: 1, maximum: PAGE_SIZE_MAX, default: PAGE_SIZE_DEFAULT },
  },
} as const;

export const rtpUserQuerySchema = { type: 'object', required: ['from', 'to'], properties: windowProperties } as const;

export const rtpUserParamsSchema = {
  type: 'object',
  required: ['user_id'],
  properties: { user_id: text('Player id, URL-encoded ("8%7CUSDT%7CUSD").') },
} as const;

// Sums may exceed 2^53 − 1; they are then written as exact integer digits (see totalToJson).
const count = { type: 'integer', description: 'Exact integer; sums beyond 2^53 − 1 are written in full, beyond what a double holds.' } as const;
const ratioSchema = { type: ['number', 'null'], description: 'total_win / total_bet; null when total_bet is 0.' } as const;

export const rtpRowSchema = {
  type: 'object',
  required: ['user_id', 'currency', 'rounds', 'total_bet', 'total_win', 'total_rollback_bet', 'total_rollback_win', 'rtp'],
  properties: {
    user_id: { type: 'string' },
    currency: { type: 'string' },
    rounds: { ...count, description: 'Bets not rolled back.' },
    total_bet: { ...count, description: 'Minor units of bets not rolled back.' },
    total_win: { ...count, description: 'Minor units of wins not rolled back.' },
    total_rollback_bet: { ...count, description: 'Minor units of bets rolled back (attributed to the bet\'s time).' },
    total_rollback_win: { ...count, description: 'Minor units of wins rolled back (attributed to the win\'s time).' },
    rtp: ratioSchema,
  },
} as const;

export const rtpListResponseSchema = {
  type: 'object',
  required: ['data', 'global_stats', 'pagination'],
  properties: {
    data: { type: 'array', items: rtpRowSchema },
    global_stats: {
      type: 'object',
      required: ['total_users', 'total_rounds', 'total_bet', 'total_win', 'total_rollback_bet', 'total_rollback_win', 'total_rtp'],
      properties: {
        total_users: count, total_rounds: count, total_bet: count, total_win: count,
        total_rollback_bet: count, total_rollback_win: count, total_rtp: ratioSchema,
      },
    },
    pagination: {
      type: 'object',
      required: ['page', 'limit', 'total', 'total_pages'],
      properties: { page: count, limit: count, total: { ...count, description: 'Rows (player × currency) in the window.' }, total_pages: count },
    },
  },
} as const;
