import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DomainRoutes } from '../ledger/context.ts';
import { apiKeyGuard } from '../platform/auth.ts';
import { assert } from '../platform/assert.ts';
import { amountFromJson } from '../platform/money.ts';
import { valueOrThrow, type Outcome } from '../platform/outcome.ts';
import type { Contributions, GameCategory } from '../play/catalog.ts';
import { parseIdempotencyKey, sha256, type IdempotencyScope, type MoneyAnswer } from './idempotency.ts';
import {
  forfeitSchema,
  getContributionsSchema,
  grantSchema,
  listBonusesSchema,
  listGamesSchema,
  putContributionsSchema,
  putGameSchema,
} from './schemas.ts';
import { BonusService } from './service.ts';

interface GrantBody {
  asset: string;
  amount: number;
  wagering_multiplier: number;
  expires_at: string;
  max_bet?: number;
  max_conversion?: number;
}

/** HTTP surface of the game catalog and bonus wagering (SPEC §5), operator API key. */
export const bonusRoutes: DomainRoutes = async (app, ctx) => {
  const bonus = new BonusService(ctx);
  app.addHook('onRequest', apiKeyGuard(ctx.operator_auth));

  app.put<{ Params: { provider: string; game: string }; Body: { category: GameCategory; name?: string } }>(
    '/v1/games/:provider/:game',
    { schema: putGameSchema },
    async (request) =>
      bonus.putGame({
        provider: request.params.provider,
        game: request.params.game,
        category: request.body.category,
        name: request.body.name ?? null,
      }),
  );

  app.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/v1/games',
    { schema: listGamesSchema },
    async (request) => valueOrThrow(await bonus.games(request.query.limit, request.query.cursor)),
  );

  app.get('/v1/bonus/contributions', { schema: getContributionsSchema }, async () => bonus.contributions());
  app.put<{ Body: Contributions }>('/v1/bonus/contributions', { schema: putContributionsSchema }, async (request) =>
    bonus.setContributions(request.body),
  );

  app.post<{ Params: { playerId: string }; Body: GrantBody }>(
    '/v1/players/:playerId/bonuses',
    { schema: grantSchema, preValidation: requireIdempotencyKey },
    async (request, reply) => {
      const body = request.body;
      const amount_minor = amountFromJson(body.amount);
      assert(amount_minor !== undefined, 'schema admits only safe integers');
      const optional = (value: number | undefined) => (value === undefined ? null : amountFromJson(value)!);
      const result = await bonus.grant(
        {
          player: request.params.playerId,
          asset: body.asset,
          amount_minor,
          multiplier: body.wagering_multiplier,
          expires_at: new Date(body.expires_at),
          max_bet_minor: optional(body.max_bet),
          max_conversion_minor: optional(body.max_conversion),
        },
        scopeOf(request),
      );
      return sendMoney(reply, result);
    },
  );

  app.get<{ Params: { playerId: string } }>(
    '/v1/players/:playerId/bonuses',
    { schema: listBonusesSchema },
    async (request) => bonus.list(request.params.playerId),
  );

  app.post<{ Params: { playerId: string; bonusId: string } }>(
    '/v1/players/:playerId/bonuses/:bonusId/forfeit',
    { schema: forfeitSchema, preValidation: requireIdempotencyKey },
    async (request, reply) =>
      sendMoney(reply, await bonus.forfeit(request.params.playerId, request.params.bonusId, scopeOf(request))),
  );
};

async function requireIdempotencyKey(request: FastifyRequest): Promise<void> {
  parseIdempotencyKey(request.headers['idempotency-key']);
}

function scopeOf(request: FastifyRequest): IdempotencyScope {
  // The guard already accepted this Authorization header; only its hash is kept.
  const authorization = request.headers.authorization ?? '';
  return {
    api_key_hash: sha256(authorization.slice('Bearer '.length)),
    idempotency_key: parseIdempotencyKey(request.headers['idempotency-key']),
    request_hash: sha256(
      request.method.toUpperCase(),
      '\u0000',
      request.url,
      '\u0000',
      request.rawBody ?? Buffer.alloc(0),
    ),
  };
}

/** The stored bytes go out as they are: the first answer and every replay are byte-identical. */
function sendMoney(reply: FastifyReply, outcome: Outcome<MoneyAnswer>): FastifyReply {
  const result = valueOrThrow(outcome);
  reply.code(result.status).header('content-type', 'application/json; charset=utf-8');
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  return reply.send(result.body);
}
