import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DomainRoutes } from '../ledger/context.ts';
import { hmacGuard } from '../platform/auth.ts';
import { valueOrThrow } from '../platform/outcome.ts';
import { amountFromJson } from '../platform/money.ts';
import { findGame } from './games.ts';
import { launchBody, simulateBody, text } from './schemas.ts';
import { providerService } from './service.ts';
import { errorReply, loose } from './schemas.ts';

const SIGNATURE_HEADER = 'x-provider-signature';

/** The demo game's script and styles: files, never inline, so the page runs under a strict policy. */
const DEMO_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo');
const DEMO_FILES = {
  '/provider/play.js': {
    type: 'text/javascript; charset=utf-8',
    body: fs.readFileSync(path.join(DEMO_DIR, 'play.js'), 'utf8'),
  },
  '/provider/play.css': {
    type: 'text/css; charset=utf-8',
    body: fs.readFileSync(path.join(DEMO_DIR, 'play.css'), 'utf8'),
  },
};
const DEMO_PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
const sessionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['sessionToken'],
  properties: { sessionToken: text('A session launched at this provider (from the launch URL).') },
} as const;

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** HTTP surface of "Jaqpot Games" (the provider module, role provider). */
export const providerRoutes: DomainRoutes = async (app, ctx) => {
  const service = providerService(ctx);
  const signed = hmacGuard({ secret: () => ctx.config.provider_secret, header: SIGNATURE_HEADER });
  const signature_note = `\n\nSigned: header \`${SIGNATURE_HEADER}\` = hex HMAC-SHA256 of the raw body with PROVIDER_SECRET (403 INVALID_SIGNATURE before anything is parsed).`;

  app.post(
    '/provider/launch',
    {
      preParsing: signed,
      schema: {
        summary: "Open a provider session (called by the casino's launchGame)",
        tags: ['provider'],
        security: [],
        description: `Records the casino's session (user, game, currency) and answers the URL the player opens.${signature_note}`,
        body: launchBody,
        response: {
          200: { type: 'object', properties: { launchUrl: { type: 'string' } } },
          400: errorReply,
          403: errorReply,
          404: errorReply,
          409: errorReply,
        },
      },
    },
    async (request) => {
      const body = request.body as {
        sessionToken: string;
        userId: string | number;
        gameId: string | number;
        currency: string;
        expiresAt?: string;
      };
      return valueOrThrow(
        await service.launch({
          session_token: body.sessionToken,
          user_id: String(body.userId),
          game_id: String(body.gameId),
          currency: body.currency,
          expires_at: body.expiresAt ? new Date(body.expiresAt) : null,
        }),
      );
    },
  );

  app.post(
    '/provider/simulate',
    {
      preParsing: signed,
      schema: {
        summary: 'Play rounds of a launched session',
        tags: ['provider'],
        security: [],
        description: `Without \`rounds\`: the scripted demo round (getBalance → 2 debits → rollback of the second → credit → getBalance), answered with every step. With \`rounds\`: that many game rounds, answered with a summary. Every money call goes to the casino callbacks over HTTP, retried with the same externalTransactionId when an answer is lost; a bet whose answer never came is rolled back.${signature_note}`,
        body: simulateBody,
        response: { 200: loose, 400: errorReply, 403: errorReply, 404: errorReply, 424: errorReply, 502: errorReply },
      },
    },
    async (request) => {
      const body = request.body as {
        sessionToken: string;
        rounds?: number;
        seed?: number;
        firstRound?: number;
        concurrency?: number;
        betMinor?: number;
        dropRate?: number;
      };
      if (body.rounds === undefined) {
        const round = valueOrThrow(await service.scripted(body.sessionToken));
        return { sessionToken: body.sessionToken, ...round };
      }
      return valueOrThrow(
        await service.bulk(body.sessionToken, {
          rounds: body.rounds,
          seed: body.seed,
          first_round: body.firstRound,
          concurrency: body.concurrency ?? 1,
          bet_minor: body.betMinor === undefined ? undefined : amountFromJson(body.betMinor),
          drop_rate: body.dropRate ?? 0,
        }),
      );
    },
  );

  app.get(
    '/provider/play',
    {
      schema: {
        summary: 'The page a launchUrl opens: a playable demo of the game',
        tags: ['provider'],
        security: [],
        description:
          'Spin, result and balance; its script (/provider/play.js) spins through POST /provider/spin. Strict CSP: no inline script or style.',
        querystring: {
          type: 'object',
          required: ['sessionToken'],
          properties: { sessionToken: text('Session token from launch.') },
        },
      },
    },
    async (request, reply) => {
      const found = await service.session((request.query as { sessionToken: string }).sessionToken);
      const session = valueOrThrow(found).session;
      const game = findGame(session.game_id)!;
      const asset = (await ctx.ledger.listAssets()).get(session.currency);
      reply.headers(DEMO_PAGE_HEADERS).type('text/html; charset=utf-8');
      const reels =
        game.kind === 'slot'
          ? '<div class="reel"></div><div class="reel"></div><div class="reel"></div>'
          : '<div class="reel"></div>';
      return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Jaqpot Games — ${escapeHtml(game.name)}</title><link rel="stylesheet" href="/provider/play.css"></head>
<body><main id="game" data-session="${escapeHtml(session.session_token)}" data-kind="${game.kind}" data-currency="${escapeHtml(session.currency)}" data-scale="${asset?.scale ?? 0}" data-bet="${game.bet_minor_default}">
<h1>${escapeHtml(game.name)}</h1>
<p class="meta">Player ${escapeHtml(session.user_id)} · ${escapeHtml(session.currency)} · RTP ${game.rtp_bp / 100} %</p>
<div class="machine" aria-live="polite" aria-label="Reels">${reels}</div>
<p class="balance-line">Balance <span id="balance">…</span></p>
<button type="button" id="spin" disabled>Spin</button>
<p id="result" class="result" role="status"></p>
<p class="fine">Demo by the built-in provider: every spin is a real round, its bet and win move by the casino's signed callbacks.</p>
</main><script type="module" src="/provider/play.js"></script></body></html>`;
    },
  );

  for (const [url, file] of Object.entries(DEMO_FILES)) {
    app.get(
      url,
      {
        schema: {
          summary: `The demo page's ${url.endsWith('.js') ? 'script' : 'styles'}`,
          tags: ['provider'],
          security: [],
        },
      },
      async (_request, reply) => {
        reply.headers({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' }).type(file.type);
        return file.body;
      },
    );
  }

  app.post(
    '/provider/spin',
    {
      schema: {
        summary: 'Spin one round of a launched session (the demo page)',
        tags: ['provider'],
        security: [],
        description:
          "One game round at the game's default stake: debit, then credit, through the casino's signed callbacks. The session token from the launch URL is the capability.",
        body: sessionBody,
        response: {
          200: {
            type: 'object',
            properties: {
              settled: { type: 'boolean' },
              betMinor: { type: 'integer' },
              winMinor: { type: 'integer' },
              balance: { type: 'integer' },
            },
          },
          400: errorReply,
          404: errorReply,
          502: errorReply,
        },
      },
    },
    async (request) => valueOrThrow(await service.spin((request.body as { sessionToken: string }).sessionToken)),
  );

  app.post(
    '/provider/balance',
    {
      schema: {
        summary: "The balance of a launched session's player (the demo page)",
        tags: ['provider'],
        security: [],
        body: sessionBody,
        response: {
          200: { type: 'object', properties: { balance: { type: 'integer' } } },
          400: errorReply,
          404: errorReply,
          502: errorReply,
        },
      },
    },
    async (request) => ({
      balance: valueOrThrow(await service.sessionBalance((request.body as { sessionToken: string }).sessionToken)),
    }),
  );
};
