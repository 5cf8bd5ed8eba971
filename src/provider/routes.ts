import { hmacGuard } from '../platform/auth.ts';
import type { RoutePlugin } from '../platform/http.ts';
import { amountSchema } from '../platform/money.ts';
import { valueOrThrow } from '../ledger/types.ts';
import { findGame } from './games.ts';
import {
  ASSET_CODE_LENGTH_MAX, DROP_RATE_MAX, RECOVERY_INTERVAL_MS, SIMULATE_CONCURRENCY_MAX, SIMULATE_ROUNDS_MAX, STRING_LENGTH_MAX,
} from './limits.ts';
import { ProviderService } from './service.ts';

const SIGNATURE_HEADER = 'x-provider-signature';

const text = (description: string) => ({ type: 'string', minLength: 1, maxLength: STRING_LENGTH_MAX, description }) as const;
const id = (description: string) => ({
  type: ['string', 'integer'], minLength: 1, maxLength: STRING_LENGTH_MAX, minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description,
}) as const;
const count = (maximum: number, description: string) => ({ type: 'integer', minimum: 1, maximum, description }) as const;
const errorReply = { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } as const;
const loose = { type: 'object', additionalProperties: true } as const;

const launchBody = {
  type: 'object', additionalProperties: false, required: ['sessionToken', 'userId', 'gameId', 'currency'],
  properties: {
    sessionToken: text('The casino\'s session token.'), userId: id('The player.'), gameId: id('1 slot, 2 coin flip.'),
    currency: { type: 'string', minLength: 1, maxLength: ASSET_CODE_LENGTH_MAX }, expiresAt: { type: 'string', format: 'date-time', description: 'When the casino expires the session.' },
  },
} as const;

const simulateBody = {
  type: 'object', additionalProperties: false, required: ['sessionToken'],
  properties: {
    sessionToken: text('A session launched at this provider.'),
    rounds: count(SIMULATE_ROUNDS_MAX, 'Play this many game rounds (debit → credit each). Absent: the scripted demo round.'),
    seed: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'RNG seed (default: the session\'s). Round n\'s outcome depends only on (seed, n).' },
    firstRound: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Number of the first round (default: after the session\'s last).' },
    concurrency: count(SIMULATE_CONCURRENCY_MAX, 'Rounds in flight at once (default 1).'),
    betMinor: amountSchema(1, 'Stake per round in minor units (default: the game\'s).'),
    dropRate: { type: 'number', minimum: 0, maximum: DROP_RATE_MAX, description: 'Fault injection: fraction of callback answers treated as lost (default 0).' },
  },
} as const;

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** HTTP surface of "Jaqpot Games" (registered by platform/plugins.ts for role provider). */
export const providerRoutes: RoutePlugin = async (app, ctx) => {
  const service = new ProviderService(ctx);
  const timer = setInterval(() => {
    service.recover().catch((err) => ctx.logger.warn({ err }, 'provider recovery sweep failed'));
  }, RECOVERY_INTERVAL_MS);
  timer.unref();
  ctx.on_shutdown(async () => {
    clearInterval(timer);
    await service.close();
  });
  const signed = hmacGuard({ secret: () => ctx.config.provider_secret, header: SIGNATURE_HEADER, error_key: 'INVALID_SIGNATURE' });
  const signature_note = `\n\nSigned: header \`${SIGNATURE_HEADER}\` = hex HMAC-SHA256 of the raw body with PROVIDER_SECRET (403 INVALID_SIGNATURE before anything is parsed).`;

  app.post('/provider/launch', {
    preParsing: signed,
    schema: {
      summary: 'Open a provider session (called by the casino\'s launchGame)', tags: ['provider'], security: [],
      description: `Records the casino's session (user, game, currency) and answers the URL the player opens.${signature_note}`,
      body: launchBody,
      response: { 200: { type: 'object', properties: { launchUrl: { type: 'string' } } }, 400: errorReply, 403: errorReply, 404: errorReply, 409: errorReply },
    },
  }, async (request) => {
    const body = request.body as { sessionToken: string; userId: string | number; gameId: string | number; currency: string; expiresAt?: string };
    return valueOrThrow(await service.launch({
      session_token: body.sessionToken, user_id: String(body.userId), game_id: String(body.gameId), currency: body.currency,
      expires_at: body.expiresAt ? new Date(body.expiresAt) : null,
    }));
  });

  app.post('/provider/simulate', {
    preParsing: signed,
    schema: {
      summary: 'Play rounds of a launched session', tags: ['provider'], security: [],
      description: `Without \`rounds\`: the scripted demo round (getBalance → 2 debits → rollback of the second → credit → getBalance), answered with every step. With \`rounds\`: that many game rounds, answered with a summary. Every money call goes to the casino callbacks over HTTP, retried with the same externalTransactionId when an answer is lost; a bet whose answer never came is rolled back.${signature_note}`,
      body: simulateBody,
      response: { 200: loose, 400: errorReply, 403: errorReply, 404: errorReply, 424: errorReply, 502: errorReply },
    },
  }, async (request) => {
    const body = request.body as { sessionToken: string; rounds?: number; seed?: number; firstRound?: number; concurrency?: number; betMinor?: number; dropRate?: number };
    if (body.rounds === undefined) {
      const round = valueOrThrow(await service.scripted(body.sessionToken));
      return { sessionToken: body.sessionToken, ...round };
    }
    return valueOrThrow(await service.bulk(body.sessionToken, {
      rounds: body.rounds, seed: body.seed, first_round: body.firstRound, concurrency: body.concurrency ?? 1,
      bet_minor: body.betMinor === undefined ? undefined : BigInt(body.betMinor), drop_rate: body.dropRate ?? 0,
    }));
  });

  app.get('/provider/play', {
    schema: {
      summary: 'The page a launchUrl opens', tags: ['provider'], security: [],
      querystring: { type: 'object', required: ['sessionToken'], properties: { sessionToken: text('Session token from launch.') } },
    },
  }, async (request, reply) => {
    const found = await service.session((request.query as { sessionToken: string }).sessionToken);
    const session = valueOrThrow(found).session;
    const game = findGame(session.game_id)!;
    reply.type('text/html; charset=utf-8');
    return `<!doctype html><meta charset="utf-8"><title>Jaqpot Games — ${escapeHtml(game.name)}</title>
<h1>${escapeHtml(game.name)}</h1><p>Player ${escapeHtml(session.user_id)}, ${escapeHtml(session.currency)}. RTP ${game.rtp_bp / 100} %.</p>`;
  });
};
