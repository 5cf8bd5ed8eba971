import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiKeyGuard, hmacGuard } from '../platform/auth.ts';
import type { DomainRoutes } from '../ledger/context.ts';
import { errorResponses } from '../platform/http-schemas.ts';
import { valueOrThrow } from '../platform/outcome.ts';
import {
  balanceBody,
  balanceReply,
  creditBody,
  debitBody,
  launchBody,
  launchReply,
  moneyReply,
  rollbackBody,
  simulateReply,
} from './schemas.ts';
import { SeamlessService } from './service.ts';
import type { CallKind, CallRequest, CallResult } from './types.ts';
import { amountFromJson } from '../platform/money.ts';
import { assert } from '../platform/assert.ts';

interface WireCall {
  sessionToken: string;
  userId: string | number;
  currency: string;
  gameId?: string | number;
  externalTransactionId: string;
  roundId?: string;
  amount?: number;
  originalTransactionId?: string;
}

const SIGNATURE_HEADER = 'x-casino-signature';

/** The wire call as a request; the schemas guarantee the fields each kind requires (and safe-integer amounts). */
function toRequest(kind: CallKind, body: WireCall): CallRequest {
  const common = {
    external_transaction_id: body.externalTransactionId,
    session_token: body.sessionToken,
    user_id: String(body.userId),
    currency: body.currency,
    game_id: body.gameId === undefined ? null : String(body.gameId),
  };
  const amount_minor = body.amount === undefined ? null : (amountFromJson(body.amount) ?? null);
  if (kind === 'rollback') {
    assert(body.originalTransactionId !== undefined, 'the rollback schema requires originalTransactionId');
    return {
      ...common,
      kind,
      round_id: body.roundId ?? null,
      amount_minor,
      original_transaction_id: body.originalTransactionId,
    };
  }
  assert(body.roundId !== undefined && amount_minor !== null, `the ${kind} schema requires roundId and amount`);
  return { ...common, kind, round_id: body.roundId, amount_minor, original_transaction_id: null };
}

/** The value, or the refusal as the registry row it names. */
/** The stored bytes, so a duplicate gets exactly what the first call got. */
function sendStored(reply: FastifyReply, result: CallResult): FastifyReply {
  return reply.code(result.response.status).type('application/json; charset=utf-8').send(result.response.body);
}

const errors = errorResponses;

/** HTTP surface of the casino side of SPEC §3 (the seamless module, role api). */
export const seamlessRoutes: DomainRoutes = async (app, ctx) => {
  const service = new SeamlessService(ctx);
  const signed = hmacGuard({ secret: () => ctx.config.casino_secret, header: SIGNATURE_HEADER });
  const callback = (summary: string, description: string, body: object, reply200: object, statuses: number[]) => ({
    preParsing: signed,
    schema: {
      summary,
      description: `${description}\n\nSigned: header \`${SIGNATURE_HEADER}\` = hex HMAC-SHA256 of the raw body with CASINO_SECRET (403 INVALID_SIGNATURE before anything is parsed).`,
      tags: ['casino callbacks'],
      security: [],
      body,
      response: { 200: reply200, ...errors(...statuses) },
    },
  });

  app.post(
    '/casino/getBalance',
    callback(
      'Player balance (provider callback)',
      "Balance of the session's player in the session's currency.",
      balanceBody,
      balanceReply,
      [400, 401, 403, 404],
    ),
    async (request) => {
      const body = request.body as WireCall;
      const game_id = body.gameId === undefined ? null : String(body.gameId);
      return valueOrThrow(
        await service.balance({
          session_token: body.sessionToken,
          user_id: String(body.userId),
          currency: body.currency,
          game_id,
        }),
      );
    },
  );

  const money = (kind: CallKind, summary: string, description: string, body: object, statuses: number[]) => {
    app.post(`/casino/${kind}`, callback(summary, description, body, moneyReply, statuses), async (request, reply) => {
      return sendStored(reply, valueOrThrow(await service.call(toRequest(kind, request.body as WireCall))));
    });
  };
  money(
    'debit',
    'Place a bet (provider callback)',
    'Moves `amount` from the player to the house. Idempotent on externalTransactionId: a duplicate gets the first answer byte for byte. A debit whose id was already rolled back is refused (409 TRANSACTION_ROLLED_BACK).',
    debitBody,
    [400, 401, 403, 409],
  );
  money(
    'credit',
    'Pay a win (provider callback)',
    'Moves `amount` (≥ 0) from the house to the player. The round must have a debit of this player that was not rolled back (404 UNKNOWN_TRANSACTION otherwise).',
    creditBody,
    [400, 401, 403, 404, 409],
  );
  money(
    'rollback',
    'Roll back a bet (provider callback)',
    'Refunds the debit named by originalTransactionId. Only debits can be rolled back. An unknown original is recorded as a tombstone (200, no money) and refused if it arrives later; a second rollback of the same debit is a 200 no-op.',
    rollbackBody,
    [400, 401, 403, 409],
  );

  const operator = apiKeyGuard(ctx.operator_auth);
  const launch = (request: FastifyRequest) =>
    request.body as { userId: string | number; gameId: string | number; currency: string };
  app.post(
    '/casino/launchGame',
    {
      onRequest: operator,
      schema: {
        summary: 'Launch a game session',
        tags: ['casino'],
        security: [{ apiKey: [] }],
        description:
          'Creates a session bound to (userId, gameId, currency), announces it to the game provider and answers its launch URL.',
        body: launchBody,
        response: { 200: launchReply, ...errors(400, 401, 404, 502) },
      },
    },
    async (request) => {
      const body = launch(request);
      return valueOrThrow(await service.launchGame(String(body.userId), String(body.gameId), body.currency));
    },
  );

  app.post(
    '/casino/simulateRound',
    {
      onRequest: operator,
      schema: {
        summary: 'Play one scripted round end to end',
        tags: ['casino'],
        security: [{ apiKey: [] }],
        description:
          'launch → getBalance → 2 debits → rollback of the second → credit → getBalance; every money call goes from the provider to these callbacks over HTTP. finalBalance = initialBalance − both bets + the rolled-back bet + the payout.',
        body: launchBody,
        response: { 200: simulateReply, ...errors(400, 401, 404, 409, 502) },
      },
    },
    async (request) => {
      const body = launch(request);
      return valueOrThrow(await service.simulateRound(String(body.userId), String(body.gameId), body.currency));
    },
  );
};
