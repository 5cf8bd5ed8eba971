import { textSchema as text, idSchema as id, withExample } from '../platform/http-schemas.ts';
export { textSchema as text } from '../platform/http-schemas.ts';
import { amountSchema } from '../platform/money.ts';
import { ASSET_CODE_LENGTH_MAX, DROP_RATE_MAX, SIMULATE_CONCURRENCY_MAX, SIMULATE_ROUNDS_MAX } from './limits.ts';

/** JSON schemas of the provider's endpoints (bodies validated without coercion; /docs is generated from them). */

const count = (maximum: number, description: string) =>
  ({ type: 'integer', minimum: 1, maximum, description }) as const;
export const loose = { type: 'object', additionalProperties: true } as const;

export const launchBody = withExample(
  {
    type: 'object',
    additionalProperties: false,
    required: ['sessionToken', 'userId', 'gameId', 'currency'],
    properties: {
      sessionToken: text("The casino's session token."),
      userId: id('The player.'),
      gameId: id('1 slot, 2 coin flip.'),
      currency: { type: 'string', minLength: 1, maxLength: ASSET_CODE_LENGTH_MAX },
      expiresAt: { type: 'string', format: 'date-time', description: 'When the casino expires the session.' },
    },
  } as const,
  {
    sessionToken: 'szqlouCxyEuInVmXKiHhh54uKpwxz4D4c2pYKQfCzaI',
    userId: 'user_002',
    gameId: '1',
    currency: 'USD',
    expiresAt: '2025-01-15T11:05:00.000Z',
  },
);

export const simulateBody = withExample(
  {
    type: 'object',
    additionalProperties: false,
    required: ['sessionToken'],
    properties: {
      sessionToken: text('A session launched at this provider.'),
      rounds: count(
        SIMULATE_ROUNDS_MAX,
        'Play this many game rounds (debit → credit each). Absent: the scripted demo round.',
      ),
      seed: {
        type: 'integer',
        minimum: 0,
        maximum: Number.MAX_SAFE_INTEGER,
        description: "RNG seed (default: the session's). Round n's outcome depends only on (seed, n).",
      },
      firstRound: {
        type: 'integer',
        minimum: 0,
        maximum: Number.MAX_SAFE_INTEGER,
        description: "Number of the first round (default: after the session's last).",
      },
      concurrency: count(SIMULATE_CONCURRENCY_MAX, 'Rounds in flight at once (default 1).'),
      betMinor: amountSchema(1, "Stake per round in minor units (default: the game's)."),
      dropRate: {
        type: 'number',
        minimum: 0,
        maximum: DROP_RATE_MAX,
        description: 'Fault injection: fraction of callback answers treated as lost (default 0).',
      },
    },
  } as const,
  { sessionToken: 'szqlouCxyEuInVmXKiHhh54uKpwxz4D4c2pYKQfCzaI' },
  { sessionToken: 'szqlouCxyEuInVmXKiHhh54uKpwxz4D4c2pYKQfCzaI', rounds: 3 },
);
