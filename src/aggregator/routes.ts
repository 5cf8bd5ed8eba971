import type { DomainRoutes } from '../ledger/context.ts';
import { hmacGuard } from '../platform/auth.ts';
import {
  BODY_ERRORS,
  errorResponses,
  LEDGER_ERRORS_503,
  SIGNATURE_ERRORS,
  signedBy,
} from '../platform/http-schemas.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { AGGREGATOR_ERRORS } from './errors.ts';
import { amountToJson } from '../platform/money.ts';
import { valueOrThrow } from '../platform/outcome.ts';
import { processBodySchema, processResponseSchema } from './schemas.ts';
import { processRequest, type ProcessBody } from './service.ts';

/** HTTP surface of the aggregator module (SPEC §2). Its RTP reports are served by the reports module. */
export const aggregatorRoutes: DomainRoutes = async (app, ctx) => {
  app.post<{ Body: ProcessBody }>(
    '/aggregator/takehome/process',
    {
      schema: {
        summary: 'Balance lookup, or a batch of bet / win / rollback actions applied atomically and in order',
        description:
          'Signed: header `Authorization: HMAC-SHA256 <hex>`, the HMAC-SHA256 of the raw body bytes with AGGREGATOR_SECRET. ' +
          'Missing or wrong signature → 403 before anything is parsed or written. Idempotent per action_id.',
        tags: ['aggregator'],
        security: signedBy('aggregatorSignature'),
        body: processBodySchema,
        response: {
          200: processResponseSchema,
          ...errorResponses(
            ...SIGNATURE_ERRORS,
            ...BODY_ERRORS,
            PLATFORM_ERRORS.UNKNOWN_ASSET,
            ...Object.values(AGGREGATOR_ERRORS),
            ...LEDGER_ERRORS_503,
          ),
        },
      },
      preParsing: hmacGuard({
        secret: () => ctx.config.aggregator_secret,
        header: 'authorization',
        prefix: 'HMAC-SHA256 ',
      }),
    },
    async (request) => {
      const answer = valueOrThrow(await processRequest(ctx, request.body));
      if (!('transactions' in answer)) return { balance: amountToJson(answer.balance_minor) };
      return {
        game_id: answer.game_id,
        transactions: answer.transactions,
        balance: amountToJson(answer.balance_minor),
      };
    },
  );
};
