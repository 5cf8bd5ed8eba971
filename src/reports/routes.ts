import type { DomainRoutes } from '../ledger/context.ts';
import { apiKeyGuard } from '../platform/auth.ts';
import { errorResponses } from '../platform/http-schemas.ts';
import { valueOrThrow } from '../platform/outcome.ts';
import { rtpList, rtpOfUser, type RtpWindow } from './rtp.ts';
import {
  rtpListQuerySchema,
  rtpListResponseSchema,
  rtpRowSchema,
  rtpUserParamsSchema,
  rtpUserQuerySchema,
} from './schemas.ts';

const TAGS = ['aggregator'];

/** The aggregator's RTP reports (SPEC §2, §6): a view over the game rollups of the aggregator surface. */
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
        response: { 200: rtpListResponseSchema, ...errorResponses(400, 401) },
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
        response: { 200: rtpRowSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => valueOrThrow(await rtpOfUser(ctx, request.params.user_id, request.query)),
  );
};
