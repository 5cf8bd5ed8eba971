import { textSchema as text, idSchema as id, withExample } from '../platform/http-schemas.ts';
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

const TOKEN = 'AZXCFvhqSRx7vONr39xU-I0FLwfo6QAmGuhwXgPANOM';
const ROUND = 'jq-01a22f76-4a47-769a-a69c-634979104f0f';
const session = { sessionToken: TOKEN, userId: 'user_002', currency: 'USD', gameId: '1' };

const moneyFields = {
  externalTransactionId: text("The provider's id of this call; the idempotency key."),
  roundId: text("The provider's round id."),
} as const;

export const balanceBody = withExample(
  {
    type: 'object',
    additionalProperties: false,
    required: ['sessionToken', 'userId', 'currency'],
    properties: sessionFields,
  } as const,
  session,
);

export const debitBody = withExample(
  {
    type: 'object',
    additionalProperties: false,
    required: ['sessionToken', 'userId', 'currency', 'externalTransactionId', 'roundId', 'amount'],
    properties: { ...sessionFields, ...moneyFields, amount: amountSchema(1, 'Stake in minor units (integer > 0).') },
  } as const,
  { ...session, externalTransactionId: `${ROUND}:debit:1`, roundId: ROUND, amount: 100 },
);

export const creditBody = withExample(
  {
    type: 'object',
    additionalProperties: false,
    required: ['sessionToken', 'userId', 'currency', 'externalTransactionId', 'roundId', 'amount'],
    properties: {
      ...sessionFields,
      ...moneyFields,
      amount: amountSchema(0, 'Payout in minor units (integer ≥ 0; 0 closes a lost round).'),
    },
  } as const,
  { ...session, externalTransactionId: `${ROUND}:credit`, roundId: ROUND, amount: 250 },
);

export const rollbackBody = withExample(
  {
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
  } as const,
  {
    ...session,
    externalTransactionId: `${ROUND}:rollback:1`,
    originalTransactionId: `${ROUND}:debit:1`,
    roundId: ROUND,
    amount: 100,
  },
);

export const launchBody = withExample(
  {
    type: 'object',
    additionalProperties: false,
    required: ['userId', 'gameId', 'currency'],
    properties: {
      userId: id('The player.'),
      gameId: id('A game of the casino catalogue (1 slot, 2 coin flip).'),
      currency: sessionFields.currency,
    },
  } as const,
  { userId: 'user_002', gameId: '1', currency: 'USD' },
);

export const balanceReply = withExample(
  {
    type: 'object',
    properties: {
      balance: { type: 'integer', description: 'Player balance in minor units.' },
      currency: { type: 'string' },
    },
  } as const,
  { balance: 5000, currency: 'USD' },
);

export const moneyReply = withExample(
  {
    type: 'object',
    properties: {
      balance: { type: 'integer', description: 'Player balance in minor units after the call.' },
      currency: { type: 'string' },
      transactionId: {
        type: 'string',
        description: "The casino's id of this call (the ledger transfer id when money moved).",
      },
    },
  } as const,
  { balance: 4900, currency: 'USD', transactionId: '01a22f76-4ad9-79c3-b402-2b6df4ad3ed6' },
);

export const launchReply = withExample(
  {
    type: 'object',
    properties: {
      sessionToken: { type: 'string' },
      launchUrl: { type: 'string' },
      expiresAt: { type: 'string', format: 'date-time' },
    },
  } as const,
  {
    sessionToken: TOKEN,
    launchUrl: `https://games.example.com/provider/play?sessionToken=${TOKEN}`,
    expiresAt: '2025-01-15T11:05:00.000Z',
  },
);

const step = (call: string, request: object, response: object) => ({ call, status: 200, request, response });
const SIMULATED_EXAMPLE = {
  sessionToken: TOKEN,
  roundId: ROUND,
  steps: [
    step(
      'launchGame',
      { userId: 'user_002', gameId: '1', currency: 'USD' },
      {
        sessionToken: TOKEN,
        launchUrl: `https://games.example.com/provider/play?sessionToken=${TOKEN}`,
        expiresAt: '2025-01-15T11:05:00.000Z',
      },
    ),
    step('getBalance', session, { balance: 5000, currency: 'USD' }),
    step(
      'debit',
      { ...session, externalTransactionId: `${ROUND}:debit:1`, roundId: ROUND, amount: 100 },
      { balance: 4900, currency: 'USD', transactionId: '01a22f76-4ad9-79c3-b402-2b6df4ad3ed6' },
    ),
    step(
      'debit',
      { ...session, externalTransactionId: `${ROUND}:debit:2`, roundId: ROUND, amount: 50 },
      { balance: 4850, currency: 'USD', transactionId: '01a22f76-4ae4-7af4-85b2-ee6b00b52e2c' },
    ),
    step(
      'rollback',
      {
        ...session,
        externalTransactionId: `${ROUND}:rollback:2`,
        roundId: ROUND,
        amount: 50,
        originalTransactionId: `${ROUND}:debit:2`,
      },
      { balance: 4900, currency: 'USD', transactionId: '01a22f76-4afa-7677-909f-5a86394953b4' },
    ),
    step(
      'credit',
      { ...session, externalTransactionId: `${ROUND}:credit`, roundId: ROUND, amount: 0 },
      { balance: 4900, currency: 'USD', transactionId: '01a22f76-4b0f-7a28-81c0-97d876b1a144' },
    ),
    step('getBalance', session, { balance: 4900, currency: 'USD' }),
  ],
  initialBalance: 5000,
  finalBalance: 4900,
};

export const simulateReply = withExample(
  {
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
  } as const,
  SIMULATED_EXAMPLE,
);
