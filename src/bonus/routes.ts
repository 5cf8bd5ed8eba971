import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DomainRoutes } from '../ledger/context.ts';
import { apiKeyGuard } from '../platform/auth.ts';
import { manualMovement, noteTransaction } from '../platform/operator.ts';
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
  reason?: string;
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
      const stamp = manualMovement(request, body.reason);
      const result = await bonus.grant(
        {
          player: request.params.playerId,
          asset: body.asset,
          amount_minor,
          multiplier: body.wagering_multiplier,
          expires_at: new Date(body.expires_at),
          max_bet_minor: optional(body.max_bet),
          max_conversion_minor: optional(body.max_conversion),
          stamp,
        },
        scopeOf(request),
      );
      return sendMoney(request, reply, result);
    },
  );

  app.get<{ Params: { playerId: string } }>(
    '/v1/players/:playerId/bonuses',
    { schema: listBonusesSchema },
    async (request) => bonus.list(request.params.playerId),
  );

  app.post<{ Params: { playerId: string; bonusId: string }; Body: { reason?: string } | undefined }>(
    '/v1/players/:playerId/bonuses/:bonusId/forfeit',
    { schema: forfeitSchema, preValidation: optionalBody },
    async (request, reply) => {
      const stamp = manualMovement(request, request.body?.reason);
      const { playerId, bonusId } = request.params;
      return sendMoney(request, reply, await bonus.forfeit(playerId, bonusId, scopeOf(request), stamp));
    },
  );
};

async function requireIdempotencyKey(request: FastifyRequest): Promise<void> {
  parseIdempotencyKey(request.headers['idempotency-key']);
}

/** The forfeit's body is optional: no body is an empty one (validated like any other; the fingerprint keeps the raw bytes). */
async function optionalBody(request: FastifyRequest): Promise<void> {
  parseIdempotencyKey(request.headers['idempotency-key']);
  request.body ??= {};
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
function sendMoney(request: FastifyRequest, reply: FastifyReply, outcome: Outcome<MoneyAnswer>): FastifyReply {
  const result = valueOrThrow(outcome);
  if (result.transaction_id !== undefined) noteTransaction(request, result.transaction_id);
  reply.code(result.status).header('content-type', 'application/json; charset=utf-8');
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  return reply.send(result.body);
}
