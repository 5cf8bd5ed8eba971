import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, STRING_LENGTH_MAX } from '../platform/limits.ts';
import { amountSchema } from '../platform/money.ts';
import {
  CURSOR_LENGTH_MAX,
  IDEMPOTENCY_KEY_LENGTH_MAX,
  IDEMPOTENCY_RETENTION_MS,
  METADATA_KEYS_MAX,
  METADATA_KEY_LENGTH_MAX,
  PLAYER_ID_LENGTH_MAX,
} from './limits.ts';
import { SYSTEM_ACCOUNT_NAMES } from '../ledger/types.ts';
import { reasonSchema } from '../platform/operator.ts';
import {
  BODY_ERRORS,
  errorResponses,
  KEY_ERRORS,
  KEY_WRITE_ERRORS,
  LEDGER_ERRORS_503,
  withExample,
} from '../platform/http-schemas.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { WALLET_ERRORS } from './errors.ts';
import type { MoveKind } from './service.ts';

/** JSON schemas of the wallet surface: they validate requests and generate /docs. */

const security = [{ apiKey: [] }];
const tags = ['wallet'];

const playerId = {
  type: 'string',
  minLength: 1,
  maxLength: PLAYER_ID_LENGTH_MAX,
  pattern: '^[^\\u0000-\\u001f\\u007f]+$',
  description: `Player id (1..${PLAYER_ID_LENGTH_MAX} characters, no control characters).`,
} as const;

const asset = {
  type: 'string',
  minLength: 1,
  maxLength: STRING_LENGTH_MAX,
  description: 'Asset code, e.g. GOLD_COINS, DIAMONDS, LOYALTY_POINTS, USD.',
} as const;
const description = {
  type: 'string',
  maxLength: STRING_LENGTH_MAX,
  description: 'Free text shown in the history.',
} as const;
const metadata = {
  type: 'object',
  maxProperties: METADATA_KEYS_MAX,
  propertyNames: { minLength: 1, maxLength: METADATA_KEY_LENGTH_MAX },
  additionalProperties: { type: ['string', 'number', 'boolean', 'null'], maxLength: STRING_LENGTH_MAX },
  description: `Client data kept with the transfer: up to ${METADATA_KEYS_MAX} keys of ≤ ${METADATA_KEY_LENGTH_MAX} characters; values are strings (≤ ${STRING_LENGTH_MAX}), numbers, booleans or null.`,
} as const;

const idempotencyHeaders = {
  type: 'object',
  required: ['idempotency-key'],
  properties: {
    'idempotency-key': {
      type: 'string',
      description:
        `Required. 1..${IDEMPOTENCY_KEY_LENGTH_MAX} visible ASCII characters, bare or as a quoted structured-field string; ` +
        `a UUID per logical request. Kept ${IDEMPOTENCY_RETENTION_MS / 3_600_000} h, scoped to the API key.`,
    },
  },
} as const;

/** What every money-moving route of the wallet can answer before and around the movement itself. */
const MONEY_ERRORS = [
  WALLET_ERRORS.WALLET_IDEMPOTENCY_KEY_MISSING,
  WALLET_ERRORS.WALLET_IDEMPOTENCY_KEY_INVALID,
  ...BODY_ERRORS,
  PLATFORM_ERRORS.UNKNOWN_ASSET,
  ...KEY_WRITE_ERRORS,
  WALLET_ERRORS.WALLET_IDEMPOTENCY_KEY_IN_FLIGHT,
  WALLET_ERRORS.WALLET_IDEMPOTENCY_KEY_REUSED,
  ...LEDGER_ERRORS_503,
];
/** The refusals of the movement: a debit needs the money and the player; a credit may not pass the balance limit. */
const CREDIT_ERRORS = [WALLET_ERRORS.WALLET_BALANCE_LIMIT_EXCEEDED];
const DEBIT_ERRORS = [WALLET_ERRORS.WALLET_INSUFFICIENT_FUNDS, WALLET_ERRORS.WALLET_PLAYER_NOT_FOUND];

const EXAMPLE_TRANSACTION_ID = '0190f5d0-0e1f-7a2b-8c3d-4e5f6a7b8c9d';

const moveResult = {
  type: 'object',
  description: "Replays carry the header `Idempotent-Replayed: true` and the first response's exact bytes.",
  properties: {
    transactionId: { type: 'string', format: 'uuid' },
    playerId: { type: 'string' },
    asset: { type: 'string' },
    amount: { type: 'integer' },
    balance: { type: 'integer', description: "The player's balance in this asset after the movement." },
  },
  required: ['transactionId', 'playerId', 'asset', 'amount', 'balance'],
} as const;

export function moveSchema(kind: MoveKind, summary: string) {
  const debit = kind === 'spend' || kind === 'withdraw';
  return {
    summary,
    tags,
    security,
    headers: idempotencyHeaders,
    params: { type: 'object', required: ['playerId'], properties: { playerId } },
    body: withExample(
      {
        type: 'object',
        additionalProperties: false,
        required: ['asset', 'amount'],
        properties: {
          asset,
          amount: amountSchema(1, "Amount in the asset's minor unit (integer ≥ 1)."),
          description,
          metadata,
          reason: reasonSchema,
        },
      },
      {
        asset: 'USD',
        amount: 1500,
        description: debit ? 'Cash-out to card' : 'Welcome top-up',
        metadata: { ticket: '4411' },
        reason: debit ? 'withdrawal request, ticket 4411' : 'goodwill credit, ticket 4411',
      },
    ),
    response: {
      201: withExample(moveResult, {
        transactionId: EXAMPLE_TRANSACTION_ID,
        playerId: 'user_001',
        asset: 'USD',
        amount: 1500,
        balance: debit ? 8500 : 11500,
      }),
      ...errorResponses(...MONEY_ERRORS, ...(debit ? DEBIT_ERRORS : CREDIT_ERRORS)),
    },
  };
}

const party = {
  type: 'object',
  additionalProperties: false,
  description:
    "Exactly one of playerId (the player's cash account) or system (a system account); asset optional, must equal the transfer's.",
  properties: { playerId, system: { type: 'string', enum: [...SYSTEM_ACCOUNT_NAMES] }, asset },
} as const;

const partyResult = {
  type: 'object',
  properties: {
    playerId: { type: 'string' },
    system: { type: 'string' },
    balance: { type: 'integer', description: 'Players only: balance after.' },
  },
} as const;

export const transferSchema = {
  summary: 'Transfer between two accounts of the same asset',
  tags,
  security,
  headers: idempotencyHeaders,
  body: withExample(
    {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'to', 'asset', 'amount'],
      properties: {
        from: party,
        to: party,
        asset,
        amount: amountSchema(1, 'Amount in minor units (integer ≥ 1).'),
        description,
        metadata,
        reason: reasonSchema,
      },
    },
    {
      from: { playerId: 'user_001' },
      to: { playerId: 'user_002' },
      asset: 'GOLD_COINS',
      amount: 250,
      description: 'Gift between friends',
      reason: 'player request, ticket 5120',
    },
  ),
  response: {
    201: withExample(
      {
        type: 'object',
        properties: {
          transactionId: { type: 'string', format: 'uuid' },
          asset: { type: 'string' },
          amount: { type: 'integer' },
          from: partyResult,
          to: partyResult,
        },
        required: ['transactionId', 'asset', 'amount', 'from', 'to'],
      },
      {
        transactionId: EXAMPLE_TRANSACTION_ID,
        asset: 'GOLD_COINS',
        amount: 250,
        from: { playerId: 'user_001', balance: 750 },
        to: { playerId: 'user_002', balance: 1250 },
      },
    ),
    ...errorResponses(
      ...MONEY_ERRORS,
      ...DEBIT_ERRORS,
      ...CREDIT_ERRORS,
      WALLET_ERRORS.WALLET_SELF_TRANSFER,
      WALLET_ERRORS.WALLET_ASSET_MISMATCH,
    ),
  },
};

export const walletSchema = {
  summary: "A player's balances per asset",
  tags,
  security,
  params: { type: 'object', required: ['playerId'], properties: { playerId } },
  response: {
    200: withExample(
      {
        type: 'object',
        properties: {
          playerId: { type: 'string' },
          balances: { type: 'object', additionalProperties: { type: 'integer' } },
          bonus_balances: {
            type: 'object',
            additionalProperties: { type: 'integer' },
            description: 'Bonus money per asset (SPEC §5).',
          },
        },
        required: ['playerId', 'balances', 'bonus_balances'],
      },
      { playerId: 'user_001', balances: { GOLD_COINS: 1000, USD: 10000 }, bonus_balances: { USD: 500 } },
    ),
    ...errorResponses(PLATFORM_ERRORS.VALIDATION_ERROR, ...KEY_ERRORS, WALLET_ERRORS.WALLET_PLAYER_NOT_FOUND),
  },
};

const limit = {
  type: 'integer',
  minimum: 1,
  maximum: PAGE_SIZE_MAX,
  default: PAGE_SIZE_DEFAULT,
  description: `Page size, 1..${PAGE_SIZE_MAX} (default ${PAGE_SIZE_DEFAULT}).`,
} as const;
const cursor = {
  type: 'string',
  minLength: 1,
  maxLength: CURSOR_LENGTH_MAX,
  description: 'next_cursor of the previous page (opaque).',
} as const;
const nextCursor = {
  type: ['string', 'null'],
  description: 'Pass as cursor for the next page; null on the last page.',
} as const;

const historyItem = {
  type: 'object',
  properties: {
    transactionId: { type: 'string', format: 'uuid' },
    type: {
      type: 'string',
      description: "topup, bonus, spend, withdraw, transfer, seed_funding, or another surface's kind (bet, win…).",
    },
    asset: { type: 'string' },
    account: {
      type: 'string',
      enum: ['cash', 'bonus'],
      description: "The player's account that moved: cash, or bonus money (SPEC §5).",
    },
    amount: { type: 'integer', description: 'Always positive; see direction.' },
    direction: { type: 'string', enum: ['credit', 'debit'] },
    counterparty_kind: { type: 'string', enum: ['player', 'system'] },
    counterparty: { type: 'string', description: "The other account's owner: treasury, revenue, … or a player id." },
    balance_after: { type: 'integer' },
    created_at: { type: 'string', format: 'date-time' },
    description: { type: ['string', 'null'] },
    game: {
      type: ['string', 'null'],
      description:
        "Game money: the game (from the transfer's metadata); null for manual moves and rows written before games were recorded.",
    },
    round: {
      type: ['string', 'null'],
      description: 'Game money: the round id; see GET /v1/players/{playerId}/rounds.',
    },
    provider: { type: ['string', 'null'], description: "Game money: the game's provider." },
    metadata: {
      type: ['object', 'null'],
      additionalProperties: true,
      description:
        "The transfer's stored metadata: a manual move's description, client metadata and Idempotency-Key; a game transfer's surface, provider, game and round.",
    },
  },
  required: [
    'transactionId',
    'type',
    'asset',
    'account',
    'amount',
    'direction',
    'counterparty_kind',
    'counterparty',
    'balance_after',
    'created_at',
    'description',
    'game',
    'round',
    'provider',
    'metadata',
  ],
} as const;

export const historySchema = {
  summary: "A player's transactions, newest first",
  tags,
  security,
  params: { type: 'object', required: ['playerId'], properties: { playerId } },
  querystring: {
    type: 'object',
    properties: {
      asset,
      kind: {
        type: 'string',
        minLength: 1,
        maxLength: STRING_LENGTH_MAX,
        description: 'Only transfers of this kind: topup, bonus, spend, withdraw, transfer, bet, win, rollback, …',
      },
      from: {
        type: 'string',
        format: 'date-time',
        description: 'Only transfers created at or after this instant (ISO-8601 with zone).',
      },
      to: {
        type: 'string',
        format: 'date-time',
        description: 'Only transfers created before this instant (exclusive).',
      },
      limit,
      cursor,
    },
  },
  response: {
    200: withExample(
      {
        type: 'object',
        properties: {
          playerId: { type: 'string' },
          items: { type: 'array', items: historyItem },
          next_cursor: nextCursor,
        },
        required: ['playerId', 'items', 'next_cursor'],
      },
      {
        playerId: 'user_001',
        items: [
          {
            transactionId: '0190f5d1-2a3b-7c4d-8e5f-6a7b8c9d0e1f',
            type: 'bet',
            asset: 'USD',
            account: 'cash',
            amount: 100,
            direction: 'debit',
            counterparty_kind: 'system',
            counterparty: 'revenue',
            balance_after: 11400,
            created_at: '2025-01-15T10:05:00.000Z',
            description: null,
            game: '1',
            round: 'jq-7f3a',
            provider: 'jaqpot',
            metadata: { surface: 'seamless', provider: 'jaqpot', game: '1', round: 'jq-7f3a' },
          },
          {
            transactionId: EXAMPLE_TRANSACTION_ID,
            type: 'topup',
            asset: 'USD',
            account: 'cash',
            amount: 1500,
            direction: 'credit',
            counterparty_kind: 'system',
            counterparty: 'treasury',
            balance_after: 11500,
            created_at: '2025-01-15T10:04:05.123Z',
            description: 'Welcome top-up',
            game: null,
            round: null,
            provider: null,
            metadata: {
              description: 'Welcome top-up',
              idempotency_key: '6f1c2b0e-3d4a-4b5c-9d8e-7f6a5b4c3d2e',
              operator_id: '0190f5c2-7a1e-7c3b-9d2e-4f6a8b0c1d2e',
              operator_name: 'alice',
              reason: 'goodwill credit, ticket 4411',
            },
          },
        ],
        next_cursor: null,
      },
    ),
    ...errorResponses(
      PLATFORM_ERRORS.VALIDATION_ERROR,
      PLATFORM_ERRORS.UNKNOWN_ASSET,
      WALLET_ERRORS.WALLET_INVALID_CURSOR,
      ...KEY_ERRORS,
      WALLET_ERRORS.WALLET_PLAYER_NOT_FOUND,
    ),
  },
};

export const playersSchema = {
  summary: 'Players with their cash balances, in natural player-id order (user_2 before user_10)',
  tags,
  security,
  querystring: {
    type: 'object',
    properties: {
      limit,
      cursor,
      prefix: {
        ...playerId,
        minLength: 1,
        description: `Only players whose id starts with this text (case-sensitive, 1..${PLAYER_ID_LENGTH_MAX} characters, no control characters).`,
      },
    },
  },
  response: {
    200: withExample(
      {
        type: 'object',
        properties: {
          players: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                playerId: { type: 'string' },
                balances: { type: 'object', additionalProperties: { type: 'integer' } },
              },
              required: ['playerId', 'balances'],
            },
          },
          next_cursor: nextCursor,
        },
        required: ['players', 'next_cursor'],
      },
      {
        players: [
          { playerId: 'user_001', balances: { GOLD_COINS: 1000, USD: 10000 } },
          { playerId: 'user_002', balances: { USD: 2500 } },
        ],
        next_cursor: 'dXNlcl8wMDI',
      },
    ),
    ...errorResponses(PLATFORM_ERRORS.VALIDATION_ERROR, WALLET_ERRORS.WALLET_INVALID_CURSOR, ...KEY_ERRORS),
  },
};

export const assetsSchema = {
  summary: 'Assets and currencies (code, scale = decimal places for display)',
  tags,
  security,
  response: {
    200: withExample(
      {
        type: 'object',
        properties: {
          assets: {
            type: 'array',
            items: {
              type: 'object',
              properties: { code: { type: 'string' }, scale: { type: 'integer' } },
              required: ['code', 'scale'],
            },
          },
        },
        required: ['assets'],
      },
      {
        assets: [
          { code: 'DIAMONDS', scale: 0 },
          { code: 'GOLD_COINS', scale: 0 },
          { code: 'USD', scale: 2 },
        ],
      },
    ),
    ...errorResponses(...KEY_ERRORS),
  },
};

const roundTransfer = {
  type: 'object',
  properties: {
    transactionId: { type: 'string', format: 'uuid' },
    kind: { type: 'string', description: 'bet, win or rollback.' },
    amount: { type: 'integer' },
    direction: { type: 'string', enum: ['credit', 'debit'], description: 'Seen from the player.' },
    reverses: { type: ['string', 'null'], description: 'A rollback: the transactionId it reverses.' },
    created_at: { type: 'string', format: 'date-time' },
  },
  required: ['transactionId', 'kind', 'amount', 'direction', 'reverses', 'created_at'],
} as const;

export const roundsSchema = {
  summary: "A player's game rounds on both surfaces, newest first, each with its bets, wins and rollbacks",
  description:
    "Read from the ledger: every transfer whose metadata names a round (aggregator and seamless alike). Rounds are paged by their first transfer's time.",
  tags,
  security,
  params: { type: 'object', required: ['playerId'], properties: { playerId } },
  querystring: {
    type: 'object',
    properties: {
      limit: { ...limit, description: `Rounds per page, 1..${PAGE_SIZE_MAX} (default ${PAGE_SIZE_DEFAULT}).` },
      cursor,
      round: {
        type: 'string',
        minLength: 1,
        maxLength: STRING_LENGTH_MAX,
        description: 'Only the round with this id.',
      },
    },
  },
  response: {
    200: withExample(
      {
        type: 'object',
        properties: {
          playerId: { type: 'string' },
          rounds: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                round: { type: 'string' },
                game: { type: ['string', 'null'] },
                provider: { type: ['string', 'null'] },
                surface: { type: ['string', 'null'], description: 'aggregator or seamless.' },
                asset: { type: 'string' },
                started_at: { type: 'string', format: 'date-time' },
                bet: { type: 'integer', description: 'Sum of the bets.' },
                win: { type: 'integer', description: 'Sum of the wins.' },
                rolled_back: { type: 'integer', description: 'Sum of the rollbacks.' },
                net: { type: 'integer', description: 'What the player gained in the round (negative: lost).' },
                transfers: { type: 'array', items: roundTransfer },
              },
              required: [
                'round',
                'game',
                'provider',
                'surface',
                'asset',
                'started_at',
                'bet',
                'win',
                'rolled_back',
                'net',
                'transfers',
              ],
            },
          },
          next_cursor: nextCursor,
        },
        required: ['playerId', 'rounds', 'next_cursor'],
      },
      {
        playerId: 'user_002',
        rounds: [
          {
            round: 'jq-7f3a',
            game: '1',
            provider: 'jaqpot',
            surface: 'seamless',
            asset: 'USD',
            started_at: '2025-01-15T10:05:00.000Z',
            bet: 200,
            win: 150,
            rolled_back: 100,
            net: 50,
            transfers: [
              {
                transactionId: '0190f5d1-2a3b-7c4d-8e5f-6a7b8c9d0e1f',
                kind: 'bet',
                amount: 100,
                direction: 'debit',
                reverses: null,
                created_at: '2025-01-15T10:05:00.000Z',
              },
              {
                transactionId: '0190f5d1-2a3b-7c4d-8e5f-6a7b8c9d0e20',
                kind: 'bet',
                amount: 100,
                direction: 'debit',
                reverses: null,
                created_at: '2025-01-15T10:05:00.040Z',
              },
              {
                transactionId: '0190f5d1-2a3b-7c4d-8e5f-6a7b8c9d0e21',
                kind: 'rollback',
                amount: 100,
                direction: 'credit',
                reverses: '0190f5d1-2a3b-7c4d-8e5f-6a7b8c9d0e20',
                created_at: '2025-01-15T10:05:00.080Z',
              },
              {
                transactionId: '0190f5d1-2a3b-7c4d-8e5f-6a7b8c9d0e22',
                kind: 'win',
                amount: 150,
                direction: 'credit',
                reverses: null,
                created_at: '2025-01-15T10:05:00.120Z',
              },
            ],
          },
        ],
        next_cursor: null,
      },
    ),
    ...errorResponses(
      PLATFORM_ERRORS.VALIDATION_ERROR,
      WALLET_ERRORS.WALLET_INVALID_CURSOR,
      ...KEY_ERRORS,
      WALLET_ERRORS.WALLET_PLAYER_NOT_FOUND,
    ),
  },
};
