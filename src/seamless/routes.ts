import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiKeyGuard, hmacGuard } from '../platform/auth.ts';
import type { DomainRoutes } from '../ledger/context.ts';
import {
  BODY_ERRORS,
  errorResponses,
  KEY_WRITE_ERRORS,
  LEDGER_ERRORS_503,
  SIGNATURE_ERRORS,
  signedBy,
} from '../platform/http-schemas.ts';
import type { ErrorDefinition } from '../platform/error-table.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { SEAMLESS_ERRORS as E } from './errors.ts';
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

/** What every signed callback can answer before its own refusals. */
const CALLBACK_ERRORS = [
  ...SIGNATURE_ERRORS,
  ...BODY_ERRORS,
  PLATFORM_ERRORS.UNKNOWN_ASSET,
  E.SEAMLESS_INVALID_SESSION,
  E.SEAMLESS_PLAYER_NOT_FOUND,
];
const MONEY_CALLBACK_ERRORS = [...CALLBACK_ERRORS, E.SEAMLESS_IDEMPOTENCY_CONFLICT, ...LEDGER_ERRORS_503];
const LAUNCH_ERRORS = [
  ...BODY_ERRORS,
  PLATFORM_ERRORS.UNKNOWN_ASSET,
  ...KEY_WRITE_ERRORS,
  E.SEAMLESS_GAME_NOT_FOUND,
  E.SEAMLESS_PLAYER_NOT_FOUND,
  E.SEAMLESS_PROVIDER_UNAVAILABLE,
];

/** HTTP surface of the casino side of SPEC §3 (the seamless module, role api). */
export const seamlessRoutes: DomainRoutes = async (app, ctx) => {
  const service = new SeamlessService(ctx);
  const signed = hmacGuard({ secret: () => ctx.config.casino_secret, header: SIGNATURE_HEADER });
  const callback = (
    summary: string,
    description: string,
    body: object,
    reply200: object,
    refusals: ErrorDefinition[],
  ) => ({
    preParsing: signed,
    schema: {
      summary,
      description: `${description}\n\nSigned: header \`${SIGNATURE_HEADER}\` = hex HMAC-SHA256 of the raw body with CASINO_SECRET (403 INVALID_SIGNATURE before anything is parsed).`,
      tags: ['casino callbacks'],
      security: signedBy('casinoSignature'),
      body,
      response: { 200: reply200, ...errorResponses(...refusals) },
    },
  });

  app.post(
    '/casino/getBalance',
    callback(
      'Player balance (provider callback)',
      "Balance of the session's player in the session's currency.",
      balanceBody,
      balanceReply,
      CALLBACK_ERRORS,
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

  const money = (kind: CallKind, summary: string, description: string, body: object, refusals: ErrorDefinition[]) => {
    app.post(`/casino/${kind}`, callback(summary, description, body, moneyReply, refusals), async (request, reply) => {
      return sendStored(reply, valueOrThrow(await service.call(toRequest(kind, request.body as WireCall))));
    });
  };
  money(
    'debit',
    'Place a bet (provider callback)',
    'Moves `amount` from the player to the house. Idempotent on externalTransactionId: a duplicate gets the first answer byte for byte. A debit whose id was already rolled back is refused (409 TRANSACTION_ROLLED_BACK).',
    debitBody,
    [
      ...MONEY_CALLBACK_ERRORS,
      E.SEAMLESS_INSUFFICIENT_FUNDS,
      E.SEAMLESS_BONUS_MAX_BET,
      E.SEAMLESS_TRANSACTION_ROLLED_BACK,
    ],
  );
  money(
    'credit',
    'Pay a win (provider callback)',
    'Moves `amount` (≥ 0) from the house to the player. The round must have a debit of this player that was not rolled back (404 UNKNOWN_TRANSACTION otherwise).',
    creditBody,
    [...MONEY_CALLBACK_ERRORS, E.SEAMLESS_BALANCE_LIMIT_EXCEEDED, E.SEAMLESS_UNKNOWN_TRANSACTION],
  );
  money(
    'rollback',
    'Roll back a bet (provider callback)',
    'Refunds the debit named by originalTransactionId. Only debits can be rolled back. An unknown original is recorded as a tombstone (200, no money) and refused if it arrives later; a second rollback of the same debit is a 200 no-op.',
    rollbackBody,
    [
      ...MONEY_CALLBACK_ERRORS,
      E.SEAMLESS_BALANCE_LIMIT_EXCEEDED,
      E.SEAMLESS_ROLLBACK_NOT_ALLOWED,
      E.SEAMLESS_TRANSACTION_MISMATCH,
    ],
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
        response: { 200: launchReply, ...errorResponses(...LAUNCH_ERRORS) },
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
        response: { 200: simulateReply, ...errorResponses(...LAUNCH_ERRORS, E.SEAMLESS_ROUND_FAILED) },
      },
    },
    async (request) => {
      const body = launch(request);
      return valueOrThrow(await service.simulateRound(String(body.userId), String(body.gameId), body.currency));
    },
  );
};
