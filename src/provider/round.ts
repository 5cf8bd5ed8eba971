import type { CallbackResult, CasinoClient, Faults } from './casino-client.ts';
import { moneyPayload } from './payload.ts';
import type { CallKind, CallRow, RoundRow, RoundStatus } from './store.ts';

/**
 * One game round as a resumable state machine over its three possible calls (debit, credit, rollback),
 * each with a fixed id. Every call is idempotent at the casino, so playing a round again from any
 * recorded state — after a lost answer, a crash, or by the recovery sweep — is safe.
 */
export interface RoundPlay {
  round: RoundRow;
  calls: Map<CallKind, CallRow>;
  retries: number;
  dropped: number;
  rollbacks_sent: number;
}

export function callId(round_id: string, kind: CallKind): string {
  return `${round_id}:${kind}`;
}

export function newPlay(round: RoundRow, calls: CallRow[] = []): RoundPlay {
  return { round, calls: new Map(calls.map((c) => [c.kind, c])), retries: 0, dropped: 0, rollbacks_sent: 0 };
}

function payload(round: RoundRow, kind: CallKind): Record<string, unknown> {
  const amount_minor = kind === 'credit' ? round.win_minor : round.bet_minor;
  const original = kind === 'rollback' ? callId(round.round_id, 'debit') : null;
  return moneyPayload(round, callId(round.round_id, kind), round.round_id, amount_minor, original);
}

/** The call as the provider records it: what it sent and what it learned. */
export function callRow(
  round_id: string,
  external_transaction_id: string,
  kind: CallKind,
  amount_minor: bigint,
  original: string | null,
  result: CallbackResult,
  previous_attempts = 0,
): CallRow {
  const balance = result.state === 'ok' ? result.body?.balance : undefined;
  return {
    external_transaction_id,
    round_id,
    kind,
    amount_minor,
    original_transaction_id: original,
    state: result.state,
    attempts: previous_attempts + result.attempts,
    error_code: result.state === 'ok' ? null : String(result.body?.code ?? (result.status || 'NO_ANSWER')),
    balance_minor: typeof balance === 'number' && Number.isSafeInteger(balance) ? BigInt(balance) : null,
  };
}

async function send(client: CasinoClient, play: RoundPlay, kind: CallKind, faults: Faults): Promise<CallRow> {
  const round = play.round;
  const id = callId(round.round_id, kind);
  // Faults are drawn by (round number, call), not by id, so a run with the same seed loses the same answers.
  const result = await client.send(`/casino/${kind}`, payload(round, kind), `${round.round_number}:${kind}`, faults);
  const amount = kind === 'credit' ? round.win_minor : round.bet_minor;
  const original = kind === 'rollback' ? callId(round.round_id, 'debit') : null;
  const row = callRow(round.round_id, id, kind, amount, original, result, play.calls.get(kind)?.attempts ?? 0);
  play.calls.set(kind, row);
  play.retries += result.attempts - 1;
  play.dropped += result.dropped;
  if (kind === 'rollback') play.rollbacks_sent += 1;
  return row;
}

/**
 * debit → credit. A debit without an answer, or a payout the casino refuses, is rolled back (the
 * outcome was never delivered). A credit without an answer is never rolled back — it may have been
 * applied — the round stays unresolved and the credit is sent again later with the same id.
 */
export async function advance(client: CasinoClient, play: RoundPlay, faults: Faults): Promise<RoundStatus> {
  if (!play.calls.has('rollback')) {
    const debit = play.calls.get('debit') ?? (await send(client, play, 'debit', faults));
    if (debit.state === 'refused') return finish(play, 'refused');
    if (debit.state === 'ok') {
      let credit = play.calls.get('credit');
      if (!credit || credit.state === 'unknown') credit = await send(client, play, 'credit', faults);
      if (credit.state === 'ok') return finish(play, 'settled');
      if (credit.state === 'unknown') return finish(play, 'unresolved');
    }
  }
  let rollback = play.calls.get('rollback');
  if (!rollback || rollback.state === 'unknown') rollback = await send(client, play, 'rollback', faults);
  return finish(play, rollback.state === 'ok' ? 'rolled_back' : 'unresolved');
}

function finish(play: RoundPlay, status: RoundStatus): RoundStatus {
  play.round.status = status;
  return status;
}
