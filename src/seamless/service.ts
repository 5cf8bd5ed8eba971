import { SEAMLESS_ERRORS } from './errors.ts';
import { bonusAccount } from '../play/bonus.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { randomBytes } from 'node:crypto';
import { BoundedCache } from '../platform/bounded-cache.ts';
import { playerAccount, systemAccount } from '../ledger/types.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import type { AppContext } from '../ledger/context.ts';
import { amountToJson } from '../platform/money.ts';
import { callHandler } from './handler.ts';
import {
  CALLS_IN_FLIGHT_MAX,
  PROVIDER_LAUNCH_TIMEOUT_MS,
  PROVIDER_SIMULATE_TIMEOUT_MS,
  SESSION_CACHE_ENTRIES_MAX,
  SESSION_TOKEN_BYTES,
  SESSION_TTL_MS,
} from './limits.ts';
import { callProvider, describeReply } from './provider-client.ts';
import { deleteSession, insertSession, readGame, readSession } from './store.ts';
import type { CallInput, CallRequest, CallResult, Session } from './types.ts';
import { sessionRefusal } from './session.ts';

export interface BalanceRequest {
  session_token: string;
  user_id: string;
  currency: string;
  game_id: string | null;
}

export interface LaunchResult {
  sessionToken: string;
  launchUrl: string;
  expiresAt: string;
}

export interface SimulatedRound {
  sessionToken: string;
  roundId: string;
  steps: { call: string; status: number; request: unknown; response: unknown }[];
  initialBalance: number;
  finalBalance: number;
}

function fingerprint(request: CallRequest): string {
  return JSON.stringify([
    request.kind,
    request.user_id,
    request.currency,
    request.round_id,
    String(request.amount_minor),
    request.original_transaction_id,
    request.session_token,
    request.game_id,
  ]);
}

/**
 * The casino side of SPEC §3: provider callbacks (through the ledger, exactly once per
 * externalTransactionId), sessions, and the operator's launch and simulated round.
 */
export class SeamlessService {
  /** Calls being decided in this process, by id: a duplicate joins the first instead of racing it. */
  private readonly in_flight = new Map<string, { fingerprint: string; promise: Promise<Outcome<CallResult>> }>();
  private readonly sessions = new BoundedCache<string, Session>(SESSION_CACHE_ENTRIES_MAX);

  constructor(private readonly ctx: AppContext) {}

  private providerUrl(): string {
    return this.ctx.config.provider_url ?? this.ctx.self_url();
  }

  async call(request: CallRequest): Promise<Outcome<CallResult>> {
    if (!(await this.ctx.ledger.assetExists(request.currency)))
      return refuse(PLATFORM_ERRORS.UNKNOWN_ASSET, `currency ${request.currency} is not a known currency.`);
    if (request.original_transaction_id === request.external_transaction_id) {
      return refuse(PLATFORM_ERRORS.VALIDATION_ERROR, 'originalTransactionId must differ from externalTransactionId.');
    }
    const id = request.external_transaction_id;
    const running = this.in_flight.get(id);
    if (running) {
      if (running.fingerprint === fingerprint(request)) return running.promise;
      await running.promise.catch(() => undefined);
      return this.call(request);
    }
    if (this.in_flight.size >= CALLS_IN_FLIGHT_MAX) return refuse(PLATFORM_ERRORS.OVERLOADED);
    const promise = this.decide(request);
    this.in_flight.set(id, { fingerprint: fingerprint(request), promise });
    try {
      return await promise;
    } finally {
      if (this.in_flight.get(id)?.promise === promise) this.in_flight.delete(id);
    }
  }

  private async decide(request: CallRequest): Promise<Outcome<CallResult>> {
    const session = (await this.session(request.session_token)) ?? null;
    const input = { ...request, session, received_at: new Date() } as CallInput;
    return this.ctx.ledger.submit({
      handler: callHandler,
      input,
      accounts: [
        { key: playerAccount(request.user_id, request.currency), create: false },
        { key: systemAccount('house', request.currency), create: true },
      ],
    });
  }

  /** Sessions never change once created, so a hit in the per-process cache is as good as a read. */
  private async session(token: string): Promise<Session | undefined> {
    const cached = this.sessions.peek(token);
    if (cached) return cached;
    const row = await readSession(this.ctx.sql, token);
    if (row) this.sessions.set(token, row);
    return row;
  }

  async balance(request: BalanceRequest): Promise<Outcome<{ balance: number; currency: string }>> {
    if (!(await this.ctx.ledger.assetExists(request.currency)))
      return refuse(PLATFORM_ERRORS.UNKNOWN_ASSET, `currency ${request.currency} is not a known currency.`);
    const invalid = sessionRefusal(await this.session(request.session_token), request, Date.now(), false);
    if (invalid) return invalid;
    const account = await this.ctx.ledger.account(playerAccount(request.user_id, request.currency));
    if (!account)
      return refuse(
        SEAMLESS_ERRORS.SEAMLESS_PLAYER_NOT_FOUND,
        `userId ${request.user_id} has no ${request.currency} wallet.`,
      );
    // SPEC §5: the playable total, cash + bonus.
    const bonus = await this.ctx.ledger.account(bonusAccount(request.user_id, request.currency));
    await this.ctx.ledger.durable();
    return succeed({
      balance: amountToJson(account.balance_minor + (bonus?.balance_minor ?? 0n)),
      currency: request.currency,
    });
  }

  /** A session bound to (user, game, currency), announced to the provider, which answers the launch URL. */
  async launchGame(user_id: string, game_id: string, currency: string): Promise<Outcome<LaunchResult>> {
    if (!(await this.ctx.ledger.assetExists(currency)))
      return refuse(PLATFORM_ERRORS.UNKNOWN_ASSET, `currency ${currency} is not a known currency.`);
    const game = await readGame(this.ctx.sql, game_id);
    if (!game || !game.enabled)
      return refuse(
        SEAMLESS_ERRORS.SEAMLESS_GAME_NOT_FOUND,
        `gameId ${game_id} is not an enabled game of this casino.`,
      );
    if (!(await this.ctx.ledger.account(playerAccount(user_id, currency)))) {
      return refuse(SEAMLESS_ERRORS.SEAMLESS_PLAYER_NOT_FOUND, `userId ${user_id} has no ${currency} wallet.`);
    }
    const session: Session = {
      token: randomBytes(SESSION_TOKEN_BYTES).toString('base64url'),
      user_id,
      game_id,
      currency,
      expires_at: new Date(Date.now() + SESSION_TTL_MS),
    };
    // Stored before the provider hears of it: the provider may call back before its launch answer arrives.
    await insertSession(this.ctx.sql, session);
    const reply = await callProvider(
      this.providerUrl(),
      this.ctx.config.provider_secret,
      '/provider/launch',
      {
        sessionToken: session.token,
        userId: user_id,
        gameId: game_id,
        currency,
        expiresAt: session.expires_at.toISOString(),
      },
      PROVIDER_LAUNCH_TIMEOUT_MS,
    );
    const launch_url = (reply.body as { launchUrl?: unknown } | undefined)?.launchUrl;
    if (!reply.ok || typeof launch_url !== 'string') {
      await deleteSession(this.ctx.sql, session.token);
      return refuse(SEAMLESS_ERRORS.SEAMLESS_PROVIDER_UNAVAILABLE, `Launch failed: ${describeReply(reply)}.`);
    }
    return succeed({ sessionToken: session.token, launchUrl: launch_url, expiresAt: session.expires_at.toISOString() });
  }

  /** Launch, then the provider's scripted round (its callbacks come back to this casino over HTTP). */
  async simulateRound(user_id: string, game_id: string, currency: string): Promise<Outcome<SimulatedRound>> {
    const launched = await this.launchGame(user_id, game_id, currency);
    if (!launched.ok) return launched;
    const launch_step = {
      call: 'launchGame',
      status: 200,
      request: { userId: user_id, gameId: game_id, currency },
      response: launched.value,
    };
    const reply = await callProvider(
      this.providerUrl(),
      this.ctx.config.provider_secret,
      '/provider/simulate',
      {
        sessionToken: launched.value.sessionToken,
      },
      PROVIDER_SIMULATE_TIMEOUT_MS,
    );
    if (!reply.ok)
      return refuse(
        SEAMLESS_ERRORS.SEAMLESS_PROVIDER_UNAVAILABLE,
        `The scripted round failed: ${describeReply(reply)}.`,
      );
    const round = reply.body as Omit<SimulatedRound, 'sessionToken'> & { completed: boolean; failure?: string };
    if (!round.completed)
      return refuse(
        SEAMLESS_ERRORS.SEAMLESS_ROUND_FAILED,
        `Round ${round.roundId} could not complete: ${round.failure ?? 'a step was refused'}.`,
      );
    return succeed({
      sessionToken: launched.value.sessionToken,
      roundId: round.roundId,
      steps: [launch_step, ...round.steps],
      initialBalance: round.initialBalance,
      finalBalance: round.finalBalance,
    });
  }
}
