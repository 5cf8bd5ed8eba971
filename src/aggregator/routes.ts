import { apiKeyGuard, hmacGuard } from '../platform/auth.ts';
import type { RoutePlugin } from '../platform/http.ts';
import { amountToJson } from '../platform/money.ts';
import { rtpList, rtpOfUser, type RtpWindow } from './rtp.ts';
import {
  errorSchema, processBodySchema, processResponseSchema, rtpListQuerySchema, rtpListResponseSchema,
  rtpRowSchema, rtpUserParamsSchema, rtpUserQuerySchema,
} from './schemas.ts';
import { processRequest, type ProcessBody } from './service.ts';

const TAGS = ['aggregator'];
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, errorSchema]));

/** HTTP surface of the aggregator module (SPEC §2), registered by platform/plugins.ts. */
export const aggregatorRoutes: RoutePlugin = async (app, ctx) => {
  app.post<{ Body: ProcessBody }>('/aggregator/takehome/process', {
    schema: {
      summary: 'Balance lookup, or a batch of bet / win / rollback actions applied atomically and in order',
      description: 'Signed: header `Authorization: HMAC-SHA256 <hex>`, the HMAC-SHA256 of the raw body bytes with AGGREGATOR_SECRET. '
        + 'Missing or wrong signature → 403 before anything is parsed or written. Idempotent per action_id.',
      tags: TAGS,
      security: [],
      body: processBodySchema,
      response: { 200: processResponseSchema, ...errors(400, 403, 409, 413, 415, 503) },
    },
    preParsing: hmacGuard({ secret: () => ctx.config.aggregator_secret, header: 'authorization', prefix: 'HMAC-SHA256 ' }),
  }, async (request) => {
    const answer = await processRequest(ctx, request.body);
    if (!('transactions' in answer)) return { balance: amountToJson(answer.balance_minor) };
    return { game_id: answer.game_id, transactions: answer.transactions, balance: amountToJson(answer.balance_minor) };
  });

  app.register(async (operator) => {
    operator.addHook('onRequest', apiKeyGuard(() => ctx.config.admin_api_key));
    const security = [{ apiKey: [] }];

    operator.get<{ Querystring: RtpWindow & { page: number; limit: number } }>('/aggregator/takehome/rtp', {
      schema: {
        summary: 'RTP per player and currency over a processing-time window, with global totals, paged',
        tags: TAGS, security, querystring: rtpListQuerySchema,
        response: { 200: rtpListResponseSchema, ...errors(400, 401) },
      },
    }, async (request) => {
      const { page, limit, ...window } = request.query;
      return rtpList(ctx, window, page, limit);
    });

    operator.get<{ Querystring: RtpWindow; Params: { user_id: string } }>('/aggregator/takehome/rtp/:user_id', {
      schema: {
        summary: 'RTP of one player over a processing-time window',
        tags: TAGS, security, params: rtpUserParamsSchema, querystring: rtpUserQuerySchema,
        response: { 200: rtpRowSchema, ...errors(400, 401, 404) },
      },
    }, async (request) => rtpOfUser(ctx, request.params.user_id, request.query));
  });
};
