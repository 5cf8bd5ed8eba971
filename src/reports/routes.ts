import type { DomainRoutes } from '../ledger/context.ts';
import { apiKeyGuard } from '../platform/auth.ts';
import { errorResponses, KEY_ERRORS, withExample } from '../platform/http-schemas.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { REPORTS_ERRORS } from './errors.ts';
import { valueOrThrow } from '../platform/outcome.ts';
import { rtpList, rtpOfUser, type RtpWindow } from './rtp.ts';
import { gamesReport, ngrReport, type GamesParams } from './games.ts';
import {
  gamesExample,
  gamesQuerySchema,
  ngrExample,
  rtpListExample,
  rtpRowExample,
  gamesResponseSchema,
  ngrQuerySchema,
  ngrResponseSchema,
  rtpListQuerySchema,
  rtpListResponseSchema,
  rtpRowSchema,
  rtpUserParamsSchema,
  rtpUserQuerySchema,
} from './schemas.ts';

const TAGS = ['aggregator'];
/** Every report: a window and filters to check, the operator key. */
const REPORT_ERRORS = [PLATFORM_ERRORS.VALIDATION_ERROR, PLATFORM_ERRORS.UNKNOWN_ASSET, ...KEY_ERRORS];

/**
 * The aggregator's RTP reports (SPEC §2) and the game reports of every surface (SPEC §6): views over
 * the game rollups.
 */
export const reportsRoutes: DomainRoutes = async (app, ctx) => {
  app.addHook('onRequest', apiKeyGuard(ctx.operator_auth));
  const security = [{ apiKey: [] }];

  app.get<{ Querystring: RtpWindow & { page: number; limit: number } }>(
    '/aggregator/takehome/rtp',
    {
      schema: {
        summary: 'RTP per player and currency over a processing-time window, with global totals, paged',
        tags: TAGS,
        security,
        querystring: rtpListQuerySchema,
        response: { 200: withExample(rtpListResponseSchema, rtpListExample), ...errorResponses(...REPORT_ERRORS) },
      },
    },
    async (request) => {
      const { page, limit, ...window } = request.query;
      return valueOrThrow(await rtpList(ctx, window, page, limit));
    },
  );

  app.get<{ Querystring: RtpWindow; Params: { user_id: string } }>(
    '/aggregator/takehome/rtp/:user_id',
    {
      schema: {
        summary: 'RTP of one player over a processing-time window',
        tags: TAGS,
        security,
        params: rtpUserParamsSchema,
        querystring: rtpUserQuerySchema,
        response: {
          200: withExample(rtpRowSchema, rtpRowExample),
          ...errorResponses(...REPORT_ERRORS, REPORTS_ERRORS.AGGREGATOR_USER_NOT_FOUND),
        },
      },
    },
    async (request) => valueOrThrow(await rtpOfUser(ctx, request.params.user_id, request.query)),
  );

  app.get<{ Querystring: GamesParams }>(
    '/v1/reports/games',
    {
      schema: {
        summary:
          'Bets, wins, GGR and RTP of every surface per currency, grouped by any of day, provider, game, player, paged',
        tags: ['reports'],
        security,
        querystring: gamesQuerySchema,
        response: { 200: withExample(gamesResponseSchema, gamesExample), ...errorResponses(...REPORT_ERRORS) },
      },
    },
    async (request) => valueOrThrow(await gamesReport(ctx, request.query)),
  );

  app.get<{ Querystring: GamesParams }>(
    '/v1/reports/ngr',
    {
      schema: {
        summary: 'GGR minus bonus money that became cash (NGR) per currency, grouped by day and/or player, paged',
        tags: ['reports'],
        security,
        querystring: ngrQuerySchema,
        response: { 200: withExample(ngrResponseSchema, ngrExample), ...errorResponses(...REPORT_ERRORS) },
      },
    },
    async (request) => valueOrThrow(await ngrReport(ctx, request.query)),
  );
};
