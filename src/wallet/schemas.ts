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

export const errorResponse = {
  type: 'object',
  properties: { code: { type: ['string', 'number'] }, message: { type: 'string' } },
  required: ['code', 'message'],
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

const moneyErrors = {
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
  404: errorResponse,
  409: errorResponse,
  422: errorResponse,
};

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

export function moveSchema(summary: string) {
  return {
    summary,
    tags,
    security,
    headers: idempotencyHeaders,
    params: { type: 'object', required: ['playerId'], properties: { playerId } },
    body: {
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
    response: { 201: moveResult, ...moneyErrors },
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
  body: {
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
  response: {
    201: {
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
    ...moneyErrors,
  },
};

export const walletSchema = {
  summary: "A player's balances per asset",
  tags,
  security,
  params: { type: 'object', required: ['playerId'], properties: { playerId } },
  response: {
    200: {
      type: 'object',
      properties: {
        playerId: { type: 'string' },
        balances: { type: 'object', additionalProperties: { type: 'integer' } },
      },
      required: ['playerId', 'balances'],
    },
    401: errorResponse,
    404: errorResponse,
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
    200: {
      type: 'object',
      properties: {
        playerId: { type: 'string' },
        items: { type: 'array', items: historyItem },
        next_cursor: nextCursor,
      },
      required: ['playerId', 'items', 'next_cursor'],
    },
    400: errorResponse,
    401: errorResponse,
    404: errorResponse,
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
    200: {
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
    400: errorResponse,
    401: errorResponse,
  },
};

export const assetsSchema = {
  summary: 'Assets and currencies (code, scale = decimal places for display)',
  tags,
  security,
  response: {
    200: {
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
    401: errorResponse,
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
    200: {
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
    400: errorResponse,
    401: errorResponse,
    404: errorResponse,
  },
};
