import {
  BODY_ERRORS,
  errorResponses,
  KEY_ERRORS,
  KEY_WRITE_ERRORS,
  LEDGER_ERRORS_503,
  textSchema as text,
  withExample,
} from '../platform/http-schemas.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { BONUS_ERRORS } from './errors.ts';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, STRING_LENGTH_MAX } from '../platform/limits.ts';
import { amountSchema } from '../platform/money.ts';
import { reasonSchema } from '../platform/operator.ts';
import { GAME_CATEGORIES } from '../play/catalog.ts';
import { CONTRIBUTION_PERCENT_MAX, WAGERING_MULTIPLIER_MAX, WAGERING_MULTIPLIER_MIN } from './limits.ts';

/** JSON schemas of the game catalog and bonus endpoints (SPEC §5): they validate and generate /docs. */

const security = [{ apiKey: [] }];
const category = { type: 'string', enum: [...GAME_CATEGORIES], description: 'slots, table, live or other.' } as const;
const percent = { type: 'integer', minimum: 0, maximum: CONTRIBUTION_PERCENT_MAX } as const;
const idempotencyHeaders = {
  type: 'object',
  required: ['idempotency-key'],
  properties: {
    'idempotency-key': {
      type: 'string',
      description: 'Required; semantics of SPEC §4 (replay, 409 in flight, 422 other body).',
    },
  },
} as const;
const page = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: PAGE_SIZE_MAX, default: PAGE_SIZE_DEFAULT },
    cursor: { type: 'string', maxLength: STRING_LENGTH_MAX },
  },
} as const;
/** Around every bonus movement: its Idempotency-Key, the key's role, the ledger. */
const MONEY_ERRORS = [
  BONUS_ERRORS.BONUS_IDEMPOTENCY_KEY_MISSING,
  BONUS_ERRORS.BONUS_IDEMPOTENCY_KEY_INVALID,
  PLATFORM_ERRORS.VALIDATION_ERROR,
  ...KEY_WRITE_ERRORS,
  BONUS_ERRORS.BONUS_IDEMPOTENCY_KEY_IN_FLIGHT,
  BONUS_ERRORS.BONUS_IDEMPOTENCY_KEY_REUSED,
  ...LEDGER_ERRORS_503,
];
const gameRow = {
  type: 'object',
  properties: {
    provider: { type: 'string' },
    game: { type: 'string' },
    category,
    name: { type: ['string', 'null'] },
  },
  required: ['provider', 'game', 'category', 'name'],
} as const;
const exampleGame = { provider: 'demo', game: 'starburst', category: 'slots', name: 'Starburst' };

const grantJson = {
  type: 'object',
  description: "Replays carry the header `Idempotent-Replayed: true` and the first answer's exact bytes.",
  properties: {
    bonusId: { type: 'string', format: 'uuid' },
    playerId: { type: 'string' },
    asset: { type: 'string' },
    amount: { type: 'integer', description: 'Granted, minor units.' },
    status: { type: 'string', enum: ['pending', 'active', 'converted', 'expired', 'forfeited'] },
    bonus_balance: { type: 'integer', description: 'Bonus money left (0 unless active).' },
    wagered: { type: 'integer' },
    required: { type: 'integer', description: 'amount × wagering_multiplier.' },
    percent: { type: 'integer', description: 'floor(100 × wagered / required).' },
    expires_at: { type: 'string', format: 'date-time' },
    max_bet: { type: ['integer', 'null'] },
    max_conversion: { type: ['integer', 'null'] },
    created_at: { type: 'string', format: 'date-time' },
  },
  required: [
    'bonusId',
    'playerId',
    'asset',
    'amount',
    'status',
    'bonus_balance',
    'wagered',
    'required',
    'percent',
    'expires_at',
    'max_bet',
    'max_conversion',
    'created_at',
  ],
} as const;
const exampleGrant = {
  bonusId: '01a22f76-4cf3-718e-bdaa-0a6f8faed5d6',
  playerId: 'user_001',
  asset: 'USD',
  amount: 1000,
  status: 'active',
  bonus_balance: 640,
  wagered: 3600,
  required: 10000,
  percent: 36,
  expires_at: '2025-01-22T10:00:00.000Z',
  max_bet: 500,
  max_conversion: null,
  created_at: '2025-01-15T10:00:00.000Z',
};

const player = { type: 'object', properties: { playerId: text('Player id.') }, required: ['playerId'] } as const;

export const putGameSchema = {
  summary: 'Register or change a game (category, name)',
  tags: ['games'],
  security,
  params: {
    type: 'object',
    properties: { provider: text('Provider code.'), game: text('Game code.') },
    required: ['provider', 'game'],
  },
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['category'],
    properties: { category, name: text('Display name.') },
    examples: [{ category: 'slots', name: 'Starburst' }],
  },
  response: { 200: withExample(gameRow, exampleGame), ...errorResponses(...BODY_ERRORS, ...KEY_WRITE_ERRORS) },
} as const;

export const listGamesSchema = {
  summary: 'The game catalog in (provider, game) order',
  tags: ['games'],
  security,
  querystring: page,
  response: {
    200: withExample(
      {
        type: 'object',
        properties: { games: { type: 'array', items: gameRow }, next_cursor: { type: ['string', 'null'] } },
        required: ['games', 'next_cursor'],
      },
      {
        games: [{ provider: 'demo', game: 'blackjack', category: 'table', name: 'Blackjack' }, exampleGame],
        next_cursor: 'WyJkZW1vIiwic3RhcmJ1cnN0Il0',
      },
    ),
    ...errorResponses(PLATFORM_ERRORS.VALIDATION_ERROR, BONUS_ERRORS.BONUS_INVALID_CURSOR, ...KEY_ERRORS),
  },
} as const;

const contributions = {
  type: 'object',
  additionalProperties: false,
  required: [...GAME_CATEGORIES],
  properties: Object.fromEntries(
    GAME_CATEGORIES.map((c) => [
      c,
      { ...percent, description: `Percent of a ${c} stake that counts toward wagering.` },
    ]),
  ),
} as const;

const exampleContributions = { slots: 100, table: 10, live: 0, other: 0 };

export const getContributionsSchema = {
  summary: 'Wagering contribution per game category',
  tags: ['bonus'],
  security,
  response: { 200: withExample(contributions, exampleContributions), ...errorResponses(...KEY_ERRORS) },
} as const;
export const putContributionsSchema = {
  summary: 'Set the wagering contribution of every category',
  tags: ['bonus'],
  security,
  body: withExample(contributions, exampleContributions),
  response: {
    200: withExample(contributions, exampleContributions),
    ...errorResponses(...BODY_ERRORS, ...KEY_WRITE_ERRORS),
  },
} as const;

export const grantSchema = {
  summary: "Grant a bonus (bonus_pool → the player's bonus account when it becomes active)",
  tags: ['bonus'],
  security,
  params: player,
  headers: idempotencyHeaders,
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['asset', 'amount', 'wagering_multiplier', 'expires_at'],
    properties: {
      asset: text('Asset code.'),
      amount: amountSchema(1, 'Bonus money, minor units.'),
      wagering_multiplier: {
        type: 'integer',
        minimum: WAGERING_MULTIPLIER_MIN,
        maximum: WAGERING_MULTIPLIER_MAX,
        description: 'required = amount × multiplier.',
      },
      expires_at: { type: 'string', format: 'date-time', description: 'ISO-8601 with zone, in the future.' },
      max_bet: amountSchema(1, 'Largest stake while the bonus is active (absent: no limit).'),
      max_conversion: amountSchema(0, 'Most bonus money that becomes cash (absent: no cap).'),
      reason: reasonSchema,
    },
    examples: [
      { asset: 'USD', amount: 1000, wagering_multiplier: 10, expires_at: '2025-01-22T10:00:00.000Z', max_bet: 500 },
    ],
  },
  response: {
    201: withExample(grantJson, { ...exampleGrant, bonus_balance: 1000, wagered: 0, percent: 0 }),
    ...errorResponses(...MONEY_ERRORS, ...BODY_ERRORS, PLATFORM_ERRORS.UNKNOWN_ASSET),
  },
} as const;

export const listBonusesSchema = {
  summary: "A player's grants, newest first",
  tags: ['bonus'],
  security,
  params: player,
  response: {
    200: withExample(
      {
        type: 'object',
        properties: { data: { type: 'array', items: grantJson } },
        required: ['data'],
      },
      {
        data: [
          exampleGrant,
          {
            ...exampleGrant,
            bonusId: '01a22f70-0000-7000-8000-000000000001',
            amount: 500,
            status: 'converted',
            bonus_balance: 0,
            wagered: 5000,
            required: 5000,
            percent: 100,
            created_at: '2025-01-10T10:00:00.000Z',
          },
        ],
      },
    ),
    ...errorResponses(PLATFORM_ERRORS.VALIDATION_ERROR, ...KEY_ERRORS),
  },
} as const;

export const forfeitSchema = {
  summary: 'Forfeit a bonus (its balance returns to bonus_pool)',
  tags: ['bonus'],
  security,
  headers: idempotencyHeaders,
  params: {
    type: 'object',
    properties: { playerId: text('Player id.'), bonusId: text('Bonus id.') },
    required: ['playerId', 'bonusId'],
  },
  body: {
    type: 'object',
    additionalProperties: false,
    description: 'Optional; an empty request body is a forfeit without a reason.',
    properties: { reason: reasonSchema },
    examples: [{ reason: 'player asked to play without the bonus (ticket 4411)' }],
  },
  response: {
    200: withExample(grantJson, { ...exampleGrant, status: 'forfeited', bonus_balance: 0 }),
    ...errorResponses(...MONEY_ERRORS, BONUS_ERRORS.BONUS_NOT_FOUND, BONUS_ERRORS.BONUS_NOT_ACTIVE),
  },
} as const;
