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
import { loose } from './schemas.ts';
import {
  BODY_ERRORS,
  errorResponses,
  SIGNATURE_ERRORS,
  signedBy,
  textResponse,
  withExample,
} from '../platform/http-schemas.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { PROVIDER_ERRORS as E } from './errors.ts';

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
const EXAMPLE_TOKEN = 'szqlouCxyEuInVmXKiHhh54uKpwxz4D4c2pYKQfCzaI';
const sessionBody = withExample(
  {
    type: 'object',
    additionalProperties: false,
    required: ['sessionToken'],
    properties: { sessionToken: text('A session launched at this provider (from the launch URL).') },
  } as const,
  { sessionToken: EXAMPLE_TOKEN },
);
const EXAMPLE_ROUND = 'jq-01a22f76-4bad-799f-bd61-9684e595bd79';
const exampleCall = (call: string, extra: object, balance: number, transactionId?: string) => ({
  call,
  status: 200,
  request: { sessionToken: EXAMPLE_TOKEN, userId: 'user_002', currency: 'USD', gameId: '1', ...extra },
  response: { balance, currency: 'USD', ...(transactionId ? { transactionId } : {}) },
});
/** Without `rounds`: the scripted round, step by step. */
const SCRIPTED_EXAMPLE = {
  sessionToken: EXAMPLE_TOKEN,
  roundId: EXAMPLE_ROUND,
  steps: [
    exampleCall('getBalance', {}, 4950),
    exampleCall(
      'debit',
      { externalTransactionId: `${EXAMPLE_ROUND}:debit:1`, roundId: EXAMPLE_ROUND, amount: 100 },
      4850,
      '01a22f76-4bbb-7504-aeab-609ce8af8f02',
    ),
    exampleCall(
      'debit',
      { externalTransactionId: `${EXAMPLE_ROUND}:debit:2`, roundId: EXAMPLE_ROUND, amount: 50 },
      4800,
      '01a22f76-4bc1-7c56-9f28-3fbadd66d7ce',
    ),
    exampleCall(
      'rollback',
      {
        externalTransactionId: `${EXAMPLE_ROUND}:rollback:2`,
        roundId: EXAMPLE_ROUND,
        amount: 50,
        originalTransactionId: `${EXAMPLE_ROUND}:debit:2`,
      },
      4850,
      '01a22f76-4bd4-7620-a09a-02c026bed5f0',
    ),
    exampleCall(
      'credit',
      { externalTransactionId: `${EXAMPLE_ROUND}:credit`, roundId: EXAMPLE_ROUND, amount: 0 },
      4850,
      '01a22f76-4bdf-7b28-b9e6-f4f8be2c2b5a',
    ),
    exampleCall('getBalance', {}, 4850),
  ],
  completed: true,
  initialBalance: 4950,
  finalBalance: 4850,
};
/** With `rounds`: a summary of the rounds played. */
const BULK_EXAMPLE = {
  sessionToken: EXAMPLE_TOKEN,
  initialBalance: 4900,
  finalBalance: 4950,
  summary: {
    gameId: '1',
    configuredRtpBp: 9600,
    rounds: 3,
    settled: 3,
    refused: 0,
    rolledBack: 0,
    unresolved: 0,
    betMinor: 300,
    winMinor: 350,
    sumBetSquared: 30000,
    sumWinSquared: 42500,
    sumBetWin: 35000,
    retries: 0,
    dropped: 0,
    rollbacks: 0,
    balanceDeltaMinor: 50,
    refusals: {},
  },
};
/** The casino's getBalance behind a page's session: refused (424) or unreachable (502). */
const CASINO_ERRORS = [E.PROVIDER_CASINO_REFUSED, E.PROVIDER_CASINO_UNAVAILABLE];
const SESSION_ERRORS = [...BODY_ERRORS, E.PROVIDER_SESSION_NOT_FOUND];

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
        security: signedBy('providerSignature'),
        description: `Records the casino's session (user, game, currency) and answers the URL the player opens.${signature_note}`,
        body: launchBody,
        response: {
          200: withExample(
            { type: 'object', properties: { launchUrl: { type: 'string' } } },
            { launchUrl: `https://games.example.com/provider/play?sessionToken=${EXAMPLE_TOKEN}` },
          ),
          ...errorResponses(
            ...SIGNATURE_ERRORS,
            ...BODY_ERRORS,
            E.PROVIDER_GAME_NOT_FOUND,
            E.PROVIDER_SESSION_CONFLICT,
          ),
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
        security: signedBy('providerSignature'),
        description: `Without \`rounds\`: the scripted demo round (getBalance → 2 debits → rollback of the second → credit → getBalance), answered with every step. With \`rounds\`: that many game rounds, answered with a summary. Every money call goes to the casino callbacks over HTTP, retried with the same externalTransactionId when an answer is lost; a bet whose answer never came is rolled back.${signature_note}`,
        body: simulateBody,
        response: {
          200: withExample(loose, SCRIPTED_EXAMPLE, BULK_EXAMPLE),
          ...errorResponses(...SIGNATURE_ERRORS, ...SESSION_ERRORS, ...CASINO_ERRORS),
        },
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
        response: {
          200: textResponse(
            'text/html',
            'The page: reels, balance, a Spin button.',
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Jaqpot Games — Jaqpot Fruits</title>…',
          ),
          ...errorResponses(PLATFORM_ERRORS.VALIDATION_ERROR, E.PROVIDER_SESSION_NOT_FOUND),
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
          response: {
            200: textResponse(
              file.type.split(';')[0],
              url.endsWith('.js') ? 'JavaScript module.' : 'Style sheet.',
              `${file.body.slice(0, file.body.indexOf('\n', 200))}\n…`,
            ),
          },
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
          200: withExample(
            {
              type: 'object',
              properties: {
                settled: { type: 'boolean' },
                betMinor: { type: 'integer' },
                winMinor: { type: 'integer' },
                balance: { type: 'integer' },
              },
            },
            { settled: true, betMinor: 100, winMinor: 250, balance: 4900 },
          ),
          ...errorResponses(...SESSION_ERRORS, ...CASINO_ERRORS),
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
          200: withExample({ type: 'object', properties: { balance: { type: 'integer' } } }, { balance: 4750 }),
          ...errorResponses(...SESSION_ERRORS, ...CASINO_ERRORS),
        },
      },
    },
    async (request) => ({
      balance: valueOrThrow(await service.sessionBalance((request.body as { sessionToken: string }).sessionToken)),
    }),
  );
};
