import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DomainRoutes } from '../ledger/context.ts';
import { apiKeyGuard } from '../platform/auth.ts';
import { manualMovement, noteTransaction } from '../platform/operator.ts';
import { amountFromJson } from '../platform/money.ts';
import { assert } from '../platform/assert.ts';
import { valueOrThrow, type Outcome } from '../platform/outcome.ts';
import {
  parseIdempotencyKey,
  requestFingerprint,
  sha256,
  type IdempotencyScope,
  type MoneyResponse,
} from './idempotency.ts';
import {
  assetsSchema,
  historySchema,
  moveSchema,
  playersSchema,
  roundsSchema,
  transferSchema,
  walletSchema,
} from './schemas.ts';
import { WalletService, type ClientMetadata, type HistoryQuery, type MoveKind, type Party } from './service.ts';

interface MoveBody {
  asset: string;
  amount: number;
  description?: string;
  metadata?: ClientMetadata;
  reason?: string;
}

interface TransferBody extends MoveBody {
  from: Party;
  to: Party;
}

type PlayerParams = { playerId: string };

const MOVE_ROUTES: { kind: MoveKind; summary: string }[] = [
  { kind: 'topup', summary: 'Top up: treasury → player (opens the wallet on first use)' },
  { kind: 'bonus', summary: 'Bonus: treasury → player (opens the wallet on first use)' },
  { kind: 'spend', summary: 'Spend: player → revenue' },
  { kind: 'withdraw', summary: 'Withdraw: player → treasury' },
];

/** HTTP surface of the wallet module (SPEC §4). */
export const walletRoutes: DomainRoutes = async (app, ctx) => {
  const wallet = new WalletService(ctx.ledger, ctx.sql);
  app.addHook('onRequest', apiKeyGuard(ctx.operator_auth));

  for (const { kind, summary } of MOVE_ROUTES) {
    app.post<{ Params: PlayerParams; Body: MoveBody }>(
      `/v1/wallets/:playerId/${kind}`,
      { schema: moveSchema(kind, summary), preValidation: requireIdempotencyKey },
      async (request, reply) => {
        const { asset, amount, description, metadata, reason } = request.body;
        const amount_minor = amountFromJson(amount);
        assert(amount_minor !== undefined, 'schema admits only safe integers');
        const stamp = manualMovement(request, reason);
        const result = await wallet.move(
          { player_id: request.params.playerId, kind, asset, amount_minor, description, metadata, stamp },
          idempotencyScope(request),
        );
        return sendMoney(request, reply, result);
      },
    );
  }

  app.post<{ Body: TransferBody }>(
    '/v1/transfers',
    { schema: transferSchema, preValidation: requireIdempotencyKey },
    async (request, reply) => {
      const { from, to, asset, amount, description, metadata, reason } = request.body;
      const amount_minor = amountFromJson(amount);
      assert(amount_minor !== undefined, 'schema admits only safe integers');
      const stamp = manualMovement(request, reason);
      return sendMoney(
        request,
        reply,
        await wallet.transfer(
          { from, to, asset, amount_minor, description, metadata, stamp },
          idempotencyScope(request),
        ),
      );
    },
  );

  app.get<{ Params: PlayerParams }>('/v1/wallets/:playerId', { schema: walletSchema }, async (request) =>
    valueOrThrow(await wallet.wallet(request.params.playerId)),
  );

  app.get<{ Params: PlayerParams; Querystring: HistoryQuery }>(
    '/v1/wallets/:playerId/transactions',
    { schema: historySchema },
    async (request) => valueOrThrow(await wallet.history(request.params.playerId, request.query)),
  );

  app.get<{ Querystring: { limit: number; cursor?: string; prefix?: string } }>(
    '/v1/players',
    { schema: playersSchema },
    async (request) => valueOrThrow(await wallet.players(request.query)),
  );
  app.get<{ Params: PlayerParams; Querystring: { limit: number; cursor?: string; round?: string } }>(
    '/v1/players/:playerId/rounds',
    { schema: roundsSchema },
    async (request) => valueOrThrow(await wallet.rounds(request.params.playerId, request.query)),
  );
  app.get('/v1/assets', { schema: assetsSchema }, async () => wallet.assets());
};

/** Before the body is validated: a missing or malformed key is the first thing the client hears about. */
async function requireIdempotencyKey(request: FastifyRequest): Promise<void> {
  parseIdempotencyKey(request.headers['idempotency-key']);
}

function idempotencyScope(request: FastifyRequest): IdempotencyScope {
  // The guard already accepted this Authorization header; only its hash is kept.
  const authorization = request.headers.authorization ?? '';
  return {
    api_key_hash: sha256(authorization.slice('Bearer '.length)),
    idempotency_key: parseIdempotencyKey(request.headers['idempotency-key']),
    request_hash: requestFingerprint(request.method, request.url, request.rawBody),
  };
}

/** The stored bytes go out as they are: the first answer and every replay are byte-identical. */
function sendMoney(request: FastifyRequest, reply: FastifyReply, outcome: Outcome<MoneyResponse>): FastifyReply {
  const result = valueOrThrow(outcome);
  noteTransaction(request, result.transaction_id);
  reply.code(result.status).header('content-type', 'application/json; charset=utf-8');
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  return reply.send(result.body);
}
