import { textSchema as text, idSchema as id } from '../platform/http-schemas.ts';
import { amountSchema } from '../platform/money.ts';
import { ASSET_CODE_LENGTH_MAX } from './limits.ts';

/** JSON schemas of the casino side (bodies validated without coercion; /docs is generated from them). */

const sessionFields = {
  sessionToken: text('Token from launchGame; binds the call to one user, game and currency.'),
  userId: id('The player, as given to launchGame.'),
  currency: {
    type: 'string',
    minLength: 1,
    maxLength: ASSET_CODE_LENGTH_MAX,
    description: 'Currency of the session, e.g. USD.',
  },
  gameId: id("Optional; when present it must be the session's game."),
} as const;

const moneyFields = {
  externalTransactionId: text("The provider's id of this call; the idempotency key."),
  roundId: text("The provider's round id."),
} as const;

export const balanceBody = {
  type: 'object',
  additionalProperties: false,
  required: ['sessionToken', 'userId', 'currency'],
  properties: sessionFields,
} as const;

export const debitBody = {
  type: 'object',
  additionalProperties: false,
  required: ['sessionToken', 'userId', 'currency', 'externalTransactionId', 'roundId', 'amount'],
  properties: { ...sessionFields, ...moneyFields, amount: amountSchema(1, 'Stake in minor units (integer > 0).') },
} as const;

export const creditBody = {
  type: 'object',
  additionalProperties: false,
  required: ['sessionToken', 'userId', 'currency', 'externalTransactionId', 'roundId', 'amount'],
  properties: {
    ...sessionFields,
    ...moneyFields,
    amount: amountSchema(0, 'Payout in minor units (integer ≥ 0; 0 closes a lost round).'),
  },
} as const;

export const rollbackBody = {
  type: 'object',
  additionalProperties: false,
  required: ['sessionToken', 'userId', 'currency', 'externalTransactionId', 'originalTransactionId'],
  properties: {
    ...sessionFields,
    externalTransactionId: moneyFields.externalTransactionId,
    originalTransactionId: text('externalTransactionId of the debit to roll back.'),
    roundId: text("Optional; when present it must be the debit's round."),
    amount: amountSchema(1, "Optional; when present it must be the debit's amount."),
  },
} as const;

export const launchBody = {
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'gameId', 'currency'],
  properties: {
    userId: id('The player.'),
    gameId: id('A game of the casino catalogue (1 slot, 2 coin flip).'),
    currency: sessionFields.currency,
  },
} as const;

export const balanceReply = {
  type: 'object',
  properties: {
    balance: { type: 'integer', description: 'Player balance in minor units.' },
    currency: { type: 'string' },
  },
} as const;

export const moneyReply = {
  type: 'object',
  properties: {
    balance: { type: 'integer', description: 'Player balance in minor units after the call.' },
    currency: { type: 'string' },
    transactionId: {
      type: 'string',
      description: "The casino's id of this call (the ledger transfer id when money moved).",
    },
  },
} as const;

export const launchReply = {
  type: 'object',
  properties: {
    sessionToken: { type: 'string' },
    launchUrl: { type: 'string' },
    expiresAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const simulateReply = {
  type: 'object',
  properties: {
    sessionToken: { type: 'string' },
    roundId: { type: 'string' },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          call: { type: 'string' },
          status: { type: 'integer' },
          request: { type: 'object', additionalProperties: true },
          response: { type: 'object', additionalProperties: true },
        },
      },
    },
    initialBalance: { type: 'integer' },
    finalBalance: { type: 'integer' },
  },
} as const;
