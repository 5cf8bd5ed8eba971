import { PROVIDER_ERRORS } from './errors.ts';
import { randomInt } from 'node:crypto';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import type { AppContext } from '../ledger/context.ts';
import { mapLimited } from '../platform/map-limited.ts';
import { uuidv7 } from '../platform/uuid.ts';
import { CasinoClient, NO_FAULTS, type CallbackResult, type Faults } from './casino-client.ts';
import { answeredBalance, sessionPayload } from './payload.ts';
import { drawMultiplierPct, findGame, payoutMinor, type Game } from './games.ts';
import { RECOVERY_BATCH_MAX, RECOVERY_CONCURRENCY, STRING_LENGTH_MAX } from './limits.ts';
import { advance, newPlay, type RoundPlay } from './round.ts';
import { playScript, type ScriptedRound } from './script.ts';
import { summarize, type BulkSummary } from './summary.ts';
import {
  claimStaleRounds,
  insertRounds,
  nextRoundNumber,
  readSession,
  saveOutcomes,
  upsertSession,
  type CallRow,
  type ProviderSession,
  type RoundRow,
} from './store.ts';

/** "401 INVALID_SIGNATURE (Missing or wrong request signature.)": what the casino said, as it said it. */
function casinoAnswer(result: CallbackResult): string {
  const code =
    typeof result.body?.code === 'string' || typeof result.body?.code === 'number' ? ` ${result.body.code}` : '';
  const message =
    typeof result.body?.message === 'string' ? ` (${result.body.message.slice(0, STRING_LENGTH_MAX)})` : '';
  return `${result.status}${code}${message}`;
}

/** Seeds drawn at launch stay below 2^48 (safe integers, and plenty of sessions). */
const SESSION_SEED_BOUND = 2 ** 48 - 1;

export interface LaunchRequest {
  session_token: string;
  user_id: string;
  game_id: string;
  currency: string;
  expires_at: Date | null;
}

export interface BulkRequest {
  rounds: number;
  seed?: number;
  first_round?: number;
  concurrency: number;
  bet_minor?: bigint;
  drop_rate: number;
}

export interface BulkResult {
  sessionToken: string;
  initialBalance: number;
  finalBalance: number;
  summary: BulkSummary;
}

/** One spin of the demo page: the stake, the payout (0 on a loss) and the balance after, in minor units. */
export interface SpinResult {
  settled: boolean;
  betMinor: number;
  winMinor: number;
  balance: number;
}

/** "Jaqpot Games": sessions launched by the casino, and rounds whose money moves by casino callbacks. */
export class ProviderService {
  readonly client: CasinoClient;

  constructor(private readonly ctx: AppContext) {
    this.client = new CasinoClient(
      () => ctx.config.casino_url ?? ctx.self_url(),
      () => ctx.config.casino_secret,
    );
  }

  private publicUrl(): string {
    return this.ctx.config.provider_url ?? this.ctx.self_url();
  }

  async launch(request: LaunchRequest): Promise<Outcome<{ launchUrl: string }>> {
    if (!findGame(request.game_id))
      return refuse(PROVIDER_ERRORS.PROVIDER_GAME_NOT_FOUND, `gameId ${request.game_id} is not a Jaqpot Games game.`);
    const wanted: ProviderSession = { ...request, rng_seed: BigInt(randomInt(SESSION_SEED_BOUND)) };
    const stored = await upsertSession(this.ctx.sql, wanted, request.expires_at);
    if (
      stored.user_id !== request.user_id ||
      stored.game_id !== request.game_id ||
      stored.currency !== request.currency
    ) {
      return refuse(PROVIDER_ERRORS.PROVIDER_SESSION_CONFLICT);
    }
    const url = new URL('/provider/play', this.publicUrl());
    url.searchParams.set('sessionToken', request.session_token);
    return succeed({ launchUrl: url.toString() });
  }

  async session(token: string): Promise<Outcome<{ session: ProviderSession; game: Game }>> {
    const session = await readSession(this.ctx.sql, token);
    if (!session)
      return refuse(PROVIDER_ERRORS.PROVIDER_SESSION_NOT_FOUND, `sessionToken was never launched at Jaqpot Games.`);
    return succeed({ session, game: findGame(session.game_id)! });
  }

  /** The scripted demo round behind the casino's simulateRound. */
  async scripted(token: string): Promise<Outcome<ScriptedRound>> {
    const found = await this.session(token);
    if (!found.ok) return found;
    const round_number = await nextRoundNumber(this.ctx.sql, token);
    return succeed(await playScript(this.ctx.sql, this.client, found.value.session, found.value.game, round_number));
  }

  async balance(session: ProviderSession, key: string, faults: Faults): Promise<Outcome<number>> {
    const result = await this.client.send('/casino/getBalance', sessionPayload(session), key, faults);
    const balance = answeredBalance(result);
    if (balance !== undefined) return succeed(balance);
    if (result.state === 'refused')
      return refuse(PROVIDER_ERRORS.PROVIDER_CASINO_REFUSED, `The casino refused getBalance: ${casinoAnswer(result)}.`);
    const answered = result.status ? `its last answer was ${casinoAnswer(result)}` : 'no answer came';
    return refuse(
      PROVIDER_ERRORS.PROVIDER_CASINO_UNAVAILABLE,
      `The casino's getBalance failed after ${result.attempts} attempts: ${answered}.`,
    );
  }

  /** Plays `rounds` game rounds of one session; the casino's balance before and after frames them. */
  async bulk(token: string, request: BulkRequest): Promise<Outcome<BulkResult>> {
    const found = await this.session(token);
    if (!found.ok) return found;
    const { session, game } = found.value;
    const seed = request.seed ?? Number(session.rng_seed);
    const first = request.first_round ?? Number(await nextRoundNumber(this.ctx.sql, token));
    const faults: Faults = { drop_rate: request.drop_rate, seed };
    const initial = await this.balance(session, `balance:${first}:before`, faults);
    if (!initial.ok) return initial;
    const plays = this.plan(session, game, seed, first, request).map((round) => newPlay(round));
    await insertRounds(
      this.ctx.sql,
      plays.map((p) => p.round),
    );
    await mapLimited(plays, request.concurrency, (play) => advance(this.client, play, faults));
    await this.save(plays);
    const final = await this.balance(session, `balance:${first}:after`, faults);
    if (!final.ok) return final;
    return succeed({
      sessionToken: token,
      initialBalance: initial.value,
      finalBalance: final.value,
      summary: summarize(game, plays),
    });
  }

  /**
   * The demo page's spin: one game round of the session through the same callbacks as any round
   * (debit, then credit), answered with what the player sees. The session token is the player's
   * capability, as in a real game client's launch URL.
   */
  async spin(token: string, bet_minor?: bigint): Promise<Outcome<SpinResult>> {
    const played = await this.bulk(token, { rounds: 1, concurrency: 1, drop_rate: 0, bet_minor });
    if (!played.ok) return played;
    const { summary, finalBalance } = played.value;
    return succeed({
      settled: summary.settled === 1,
      betMinor: summary.betMinor,
      winMinor: summary.winMinor,
      balance: finalBalance,
    });
  }

  /** The session player's balance, as the casino answers it (the demo page's first paint). */
  async sessionBalance(token: string): Promise<Outcome<number>> {
    const found = await this.session(token);
    if (!found.ok) return found;
    return this.balance(found.value.session, `balance:page:${uuidv7()}`, NO_FAULTS);
  }

  private plan(session: ProviderSession, game: Game, seed: number, first: number, request: BulkRequest): RoundRow[] {
    const bet_minor = request.bet_minor ?? game.bet_minor_default;
    return Array.from({ length: request.rounds }, (_, i) => {
      const round_number = first + i;
      return {
        round_id: `jq-${uuidv7()}`,
        session_token: session.session_token,
        user_id: session.user_id,
        game_id: game.game_id,
        currency: session.currency,
        rng_seed: BigInt(seed),
        round_number: BigInt(round_number),
        bet_minor,
        win_minor: payoutMinor(bet_minor, drawMultiplierPct(game, seed, round_number)),
        status: 'pending',
        scripted: false,
      };
    });
  }

  private async save(plays: RoundPlay[]): Promise<void> {
    const calls: CallRow[] = plays.flatMap((p) => [...p.calls.values()]);
    await saveOutcomes(
      this.ctx.sql,
      plays.map((p) => ({ round_id: p.round.round_id, status: p.round.status })),
      calls,
    );
  }

  /** Resumes rounds nobody finished; each resumes from its recorded calls with the same ids. */
  async recover(limit: number = RECOVERY_BATCH_MAX): Promise<{ resumed: number; settled: number }> {
    const stale = await claimStaleRounds(this.ctx.sql, limit);
    const plays = stale.map(({ round, calls }) => newPlay(round, calls));
    await mapLimited(plays, RECOVERY_CONCURRENCY, (play) => advance(this.client, play, NO_FAULTS));
    await this.save(plays);
    return { resumed: plays.length, settled: plays.filter((p) => p.round.status !== 'unresolved').length };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** One service per process context: its casino client pool is shared by the routes and the recovery job. */
const services = new WeakMap<AppContext, ProviderService>();

export function providerService(ctx: AppContext): ProviderService {
  let service = services.get(ctx);
  if (!service) services.set(ctx, (service = new ProviderService(ctx)));
  return service;
}
