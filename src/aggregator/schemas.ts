import { textSchema as text, withExample } from '../platform/http-schemas.ts';
import { amountSchema } from '../platform/money.ts';
import { ACTIONS_PER_BATCH_MAX } from './limits.ts';

/** JSON Schemas of the aggregator surface: Ajv validates with them, /docs is generated from them. */

const actionSchema = {
  type: 'object',
  required: ['action', 'action_id'],
  properties: {
    action: { type: 'string', enum: ['bet', 'win', 'rollback'] },
    action_id: text('Unique id of the action at the aggregator: the idempotency key.'),
    amount: {
      ...amountSchema(
        0,
        'Minor units. bet: required, > 0; win: required, >= 0; rollback: optional (the original amount is what moves).',
      ),
    },
    original_action_id: text('rollback only, required there: the action it cancels (may arrive later).'),
  },
} as const;

export const processBodySchema = withExample(
  {
    type: 'object',
    required: ['user_id', 'currency'],
    properties: {
      user_id: text('Player id at the aggregator, e.g. "8|USDT|USD"; its wallet is created on first sight.'),
      currency: text('Asset code of the wallet (USD, EUR, …); unknown → 400.'),
      game: text('"provider:game"'),
      game_id: text('Round id.'),
      finished: { type: 'boolean', description: 'Round finished (informational).' },
      actions: {
        type: 'array',
        maxItems: ACTIONS_PER_BATCH_MAX,
        items: actionSchema,
        description: `At most ${ACTIONS_PER_BATCH_MAX}; none → balance lookup.`,
      },
    },
  } as const,
  {
    user_id: '8|USDT|USD',
    currency: 'USD',
    game: 'demo:starburst',
    game_id: 'r-1001',
    finished: true,
    actions: [
      { action: 'bet', action_id: 'a-1', amount: 100 },
      { action: 'win', action_id: 'a-2', amount: 250 },
    ],
  },
);

export const processResponseSchema = withExample(
  {
    type: 'object',
    description:
      'Without actions only `balance`; with actions also `game_id` and `transactions` (one per action, request order).',
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
  } as const,
  {
    game_id: 'r-1001',
    transactions: [
      { action_id: 'a-1', tx_id: '0190f5e0-1a2b-7c3d-8e4f-5a6b7c8d9e0f' },
      { action_id: 'a-2', tx_id: '0190f5e0-1a2b-7c3d-8e4f-5a6b7c8d9e10' },
    ],
    balance: 10150,
  },
);
