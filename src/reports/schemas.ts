import { textSchema as text } from '../platform/http-schemas.ts';
import { GROUP_BY_LENGTH_MAX, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, REPORT_PAGE_NUMBER_MAX } from './limits.ts';

/** JSON Schemas of the aggregator RTP reports (SPEC §2): Ajv validates with them, /docs is generated from them. */

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
    page: { type: 'integer', minimum: 1, maximum: REPORT_PAGE_NUMBER_MAX, default: 1 },
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
const count = {
  type: 'integer',
  description: 'Exact integer; sums beyond 2^53 − 1 are written in full, beyond what a double holds.',
} as const;
const ratioSchema = {
  type: ['number', 'null'],
  description: 'total_win / total_bet; null when total_bet is 0.',
} as const;

export const rtpRowSchema = {
  type: 'object',
  required: [
    'user_id',
    'currency',
    'rounds',
    'total_bet',
    'total_win',
    'total_rollback_bet',
    'total_rollback_win',
    'rtp',
  ],
  properties: {
    user_id: { type: 'string' },
    currency: { type: 'string' },
    rounds: { ...count, description: 'Bets not rolled back.' },
    total_bet: { ...count, description: 'Minor units of bets not rolled back.' },
    total_win: { ...count, description: 'Minor units of wins not rolled back.' },
    total_rollback_bet: { ...count, description: "Minor units of bets rolled back (attributed to the bet's time)." },
    total_rollback_win: { ...count, description: "Minor units of wins rolled back (attributed to the win's time)." },
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
      required: [
        'total_users',
        'total_rounds',
        'total_bet',
        'total_win',
        'total_rollback_bet',
        'total_rollback_win',
        'total_rtp',
      ],
      properties: {
        total_users: count,
        total_rounds: count,
        total_bet: count,
        total_win: count,
        total_rollback_bet: count,
        total_rollback_win: count,
        total_rtp: ratioSchema,
      },
    },
    pagination: {
      type: 'object',
      required: ['page', 'limit', 'total', 'total_pages'],
      properties: {
        page: count,
        limit: count,
        total: { ...count, description: 'Rows (player × currency) in the window.' },
        total_pages: count,
      },
    },
  },
} as const;

/** JSON Schemas of the game reports (SPEC §6). */

const gamesQueryProperties = {
  from: windowProperties.from,
  to: windowProperties.to,
  group_by: {
    type: 'string',
    maxLength: GROUP_BY_LENGTH_MAX,
    default: '',
    description:
      'Comma list of day, provider, game, player (empty: one row per currency). game groups by (provider, game).',
  },
  currency: text('Only this currency.'),
  player: text('Only this player.'),
  page: { type: 'integer', minimum: 1, maximum: REPORT_PAGE_NUMBER_MAX, default: 1 },
  limit: { type: 'integer', minimum: 1, maximum: PAGE_SIZE_MAX, default: PAGE_SIZE_DEFAULT },
} as const;

export const gamesQuerySchema = {
  type: 'object',
  required: ['from', 'to'],
  properties: {
    ...gamesQueryProperties,
    provider: text('Only this provider.'),
    game: text('Only this game code (without its provider; combine with provider for one game).'),
  },
} as const;

export const ngrQuerySchema = {
  type: 'object',
  required: ['from', 'to'],
  properties: {
    ...gamesQueryProperties,
    group_by: {
      ...gamesQueryProperties.group_by,
      description: 'day, player, or day,player (empty: one row per currency).',
    },
  },
} as const;

const gamesRowProperties = {
  day: { type: 'string', description: 'UTC day, YYYY-MM-DD (when grouped by day).' },
  provider: { type: 'string', description: 'When grouped by provider or game.' },
  game: { type: 'string', description: 'The game code without its provider (when grouped by game).' },
  player: { type: 'string', description: 'When grouped by player.' },
  currency: { type: 'string' },
  bet_count: { ...count, description: 'Bets not rolled back.' },
  bets: { ...count, description: 'Minor units staked by bets not rolled back, bonus parts included.' },
  wins: { ...count, description: 'Minor units paid by wins not rolled back, bonus parts included.' },
  bonus_bets: { ...count, description: 'The parts of bets staked with bonus money.' },
  bonus_wins: { ...count, description: 'The parts of wins paid to bonus money.' },
  ggr: { ...count, description: 'bets − wins (may be negative).' },
  rtp: { type: ['number', 'null'], description: 'wins / bets rounded half-up to 4 decimals; null when bets = 0.' },
} as const;

const gamesRowRequired = ['currency', 'bet_count', 'bets', 'wins', 'bonus_bets', 'bonus_wins', 'ggr', 'rtp'];

const pagination = {
  type: 'object',
  required: ['page', 'limit', 'total', 'total_pages'],
  properties: {
    page: count,
    limit: count,
    total: { ...count, description: 'Rows of the grouping in the window.' },
    total_pages: count,
  },
} as const;

function reportResponse(row: object) {
  return {
    type: 'object',
    required: ['data', 'totals', 'pagination'],
    properties: {
      data: { type: 'array', items: row },
      totals: {
        type: 'array',
        items: row,
        description: 'One row per currency over every row of the grouping (all pages).',
      },
      pagination,
    },
  } as const;
}

export const gamesResponseSchema = reportResponse({
  type: 'object',
  required: gamesRowRequired,
  properties: gamesRowProperties,
});

export const ngrResponseSchema = reportResponse({
  type: 'object',
  required: [...gamesRowRequired, 'bonus_converted', 'ngr'],
  properties: {
    ...gamesRowProperties,
    bonus_converted: {
      ...count,
      description: 'Bonus money that became cash (ledger transfers of kind bonus_convert) in the window.',
    },
    ngr: { ...count, description: 'ggr − bonus_converted.' },
  },
});

/** Examples for /docs (validated against these schemas by test/platform/openapi.test.ts). */
const exampleRtpRow = {
  user_id: '8|USDT|USD',
  currency: 'USD',
  rounds: 120,
  total_bet: 12000,
  total_win: 11580,
  total_rollback_bet: 100,
  total_rollback_win: 0,
  rtp: 0.965,
};
export const rtpRowExample = exampleRtpRow;
export const rtpListExample = {
  data: [exampleRtpRow],
  global_stats: {
    total_users: 1,
    total_rounds: 120,
    total_bet: 12000,
    total_win: 11580,
    total_rollback_bet: 100,
    total_rollback_win: 0,
    total_rtp: 0.965,
  },
  pagination: { page: 1, limit: 50, total: 1, total_pages: 1 },
};
const gamesRow = (day: string, provider: string, game: string, bets: number, wins: number) => ({
  day,
  provider,
  game,
  currency: 'USD',
  bet_count: bets / 100,
  bets,
  wins,
  bonus_bets: 0,
  bonus_wins: 0,
  ggr: bets - wins,
  rtp: Math.round((wins / bets) * 10_000) / 10_000,
});
export const gamesExample = {
  data: [gamesRow('2025-01-15', 'demo', 'starburst', 10000, 9650), gamesRow('2025-01-15', 'jaqpot', '1', 700, 350)],
  totals: [
    {
      currency: 'USD',
      bet_count: 107,
      bets: 10700,
      wins: 10000,
      bonus_bets: 0,
      bonus_wins: 0,
      ggr: 700,
      rtp: 0.9346,
    },
  ],
  pagination: { page: 1, limit: 50, total: 2, total_pages: 1 },
};
const ngrRow = {
  currency: 'USD',
  bet_count: 107,
  bets: 10700,
  wins: 10000,
  bonus_bets: 500,
  bonus_wins: 300,
  ggr: 700,
  rtp: 0.9346,
  bonus_converted: 200,
  ngr: 500,
};
export const ngrExample = {
  data: [{ ...ngrRow, day: '2025-01-15' }],
  totals: [ngrRow],
  pagination: { page: 1, limit: 50, total: 1, total_pages: 1 },
};
