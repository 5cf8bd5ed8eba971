import type { Sql } from '../db/sql.ts';
import { uuidv7 } from '../platform/uuid.ts';
import type { CallbackResult, CasinoClient } from './casino-client.ts';
import { answeredBalance, moneyPayload, sessionPayload } from './payload.ts';
import { drawMultiplierPct, payoutMinor, type Game } from './games.ts';
import { callRow } from './round.ts';
import {
  insertRounds,
  saveOutcomes,
  type CallKind,
  type CallRow,
  type ProviderSession,
  type RoundRow,
  type RoundStatus,
} from './store.ts';

export interface ScriptStep {
  call: string;
  status: number;
  request: Record<string, unknown>;
  response: Record<string, unknown> | null;
}

export interface ScriptedRound {
  roundId: string;
  completed: boolean;
  failure?: string;
  steps: ScriptStep[];
  initialBalance?: number;
  finalBalance?: number;
}

/** The demo round: balance → bet 1 → bet 2 → rollback of bet 2 → payout of bet 1 → balance, every step recorded. */
class Script {
  readonly steps: ScriptStep[] = [];
  readonly calls: CallRow[] = [];

  constructor(
    private readonly client: CasinoClient,
    private readonly session: ProviderSession,
    readonly round: RoundRow,
  ) {}

  private async send(call: string, request: Record<string, unknown>, key: string): Promise<CallbackResult> {
    const result = await this.client.send(`/casino/${call}`, request, key);
    this.steps.push({ call, status: result.status, request, response: result.body ?? null });
    return result;
  }

  async balance(label: string): Promise<number | undefined> {
    return answeredBalance(
      await this.send('getBalance', sessionPayload(this.session), `${this.round.round_id}:balance:${label}`),
    );
  }

  async money(kind: CallKind, suffix: string, amount_minor: bigint, original?: CallRow): Promise<CallRow> {
    const id = `${this.round.round_id}:${suffix}`;
    const request = moneyPayload(
      this.session,
      id,
      this.round.round_id,
      amount_minor,
      original?.external_transaction_id ?? null,
    );
    const row = callRow(
      this.round.round_id,
      id,
      kind,
      amount_minor,
      original?.external_transaction_id ?? null,
      await this.send(kind, request, id),
    );
    this.calls.push(row);
    return row;
  }

  /** A step failed: every bet that may have been taken is rolled back, so the round leaves no money behind. */
  async abort(step: string, failed: CallRow, debits: CallRow[]): Promise<{ status: RoundStatus; failure: string }> {
    let all_undone = true;
    for (const [index, debit] of debits.entries()) {
      if (debit.state === 'refused') continue;
      const undo = await this.money('rollback', `rollback:void:${index + 1}`, debit.amount_minor, debit);
      all_undone &&= undo.state === 'ok';
    }
    const why = failed.state === 'unknown' ? 'got no answer' : `was refused with ${failed.error_code}`;
    return { status: all_undone ? 'rolled_back' : 'unresolved', failure: `${step} ${why}` };
  }
}

export async function playScript(
  sql: Sql,
  client: CasinoClient,
  session: ProviderSession,
  game: Game,
  round_number: bigint,
): Promise<ScriptedRound> {
  const bet1 = game.bet_minor_default;
  const bet2 = bet1 / 2n > 0n ? bet1 / 2n : 1n;
  const win = payoutMinor(bet1, drawMultiplierPct(game, Number(session.rng_seed), Number(round_number)));
  const round: RoundRow = {
    round_id: `jq-${uuidv7()}`,
    session_token: session.session_token,
    user_id: session.user_id,
    game_id: game.game_id,
    currency: session.currency,
    rng_seed: session.rng_seed,
    round_number,
    bet_minor: bet1 + bet2,
    win_minor: win,
    status: 'pending',
    scripted: true,
  };
  await insertRounds(sql, [round]);
  const script = new Script(client, session, round);
  const outcome = await runScript(script, bet1, bet2, win);
  await saveOutcomes(sql, [{ round_id: round.round_id, status: outcome.status }], script.calls);
  return { roundId: round.round_id, steps: script.steps, ...outcome.reply };
}

async function runScript(
  script: Script,
  bet1: bigint,
  bet2: bigint,
  win: bigint,
): Promise<{ status: RoundStatus; reply: Omit<ScriptedRound, 'roundId' | 'steps'> }> {
  const failed = (status: RoundStatus, failure: string) => ({ status, reply: { completed: false, failure } });
  const initialBalance = await script.balance('before');
  if (initialBalance === undefined) return failed('refused', 'getBalance before the round failed');
  const d1 = await script.money('debit', 'debit:1', bet1);
  if (d1.state !== 'ok') return abort(script, 'debit 1', d1, [d1]);
  const d2 = await script.money('debit', 'debit:2', bet2);
  if (d2.state !== 'ok') return abort(script, 'debit 2', d2, [d1, d2]);
  const r2 = await script.money('rollback', 'rollback:2', bet2, d2);
  if (r2.state !== 'ok') return abort(script, 'rollback of debit 2', r2, [d1, d2]);
  const credit = await script.money('credit', 'credit', win);
  if (credit.state === 'unknown')
    return failed('unresolved', 'credit got no answer; it will be sent again, never rolled back');
  if (credit.state === 'refused') return abort(script, 'credit', credit, [d1]);
  const finalBalance = await script.balance('after');
  if (finalBalance === undefined)
    return {
      status: 'settled',
      reply: { completed: false, failure: 'getBalance after the round failed', initialBalance },
    };
  return { status: 'settled', reply: { completed: true, initialBalance, finalBalance } };
}

async function abort(script: Script, step: string, failed: CallRow, debits: CallRow[]) {
  const { status, failure } = await script.abort(step, failed, debits);
  return { status, reply: { completed: false, failure } };
}
