import { textSchema as text } from '../platform/http-schemas.ts';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, STRING_LENGTH_MAX } from '../platform/limits.ts';
import { amountSchema } from '../platform/money.ts';
import { errorResponses } from '../platform/http-schemas.ts';
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
  },
  response: errorResponses(400, 401),
} as const;

export const listGamesSchema = {
  summary: 'The game catalog in (provider, game) order',
  tags: ['games'],
  security,
  querystring: page,
  response: errorResponses(400, 401),
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

export const getContributionsSchema = {
  summary: 'Wagering contribution per game category',
  tags: ['bonus'],
  security,
  response: errorResponses(401),
} as const;
export const putContributionsSchema = {
  summary: 'Set the wagering contribution of every category',
  tags: ['bonus'],
  security,
  body: contributions,
  response: errorResponses(400, 401),
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
  },
  response: errorResponses(400, 401, 409, 422),
} as const;

export const listBonusesSchema = {
  summary: "A player's grants, newest first",
  tags: ['bonus'],
  security,
  params: player,
  response: errorResponses(401),
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
  },
  response: errorResponses(400, 401, 404, 409, 422),
} as const;
