import type { DomainRoutes } from '../ledger/context.ts';
import { hmacGuard } from '../platform/auth.ts';
import { valueOrThrow } from '../platform/outcome.ts';
import { amountFromJson } from '../platform/money.ts';
import { findGame } from './games.ts';
import { launchBody, simulateBody, text } from './schemas.ts';
import { providerService } from './service.ts';
import { errorReply, loose } from './schemas.ts';

const SIGNATURE_HEADER = 'x-provider-signature';

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** HTTP surface of "Jaqpot Games" (the provider module, role provider). */
export const providerRoutes: DomainRoutes = async (app, ctx) => {
  const service = providerService(ctx);
  const signed = hmacGuard({ secret: () => ctx.config.provider_secret, header: SIGNATURE_HEADER });
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
      bet_minor: body.betMinor === undefined ? undefined : amountFromJson(body.betMinor), drop_rate: body.dropRate ?? 0,
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
