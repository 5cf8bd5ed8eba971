import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountState, runHandler } from '../ledger/harness.ts';
import type { BatchParticipant } from '../ledger/command.ts';
import { playerAccount, systemAccount } from '../ledger/types.ts';
import { rollupParticipant, type RollupEvents } from '../reports/rollups.ts';
import { callHandler } from './handler.ts';
import type { CallInput, CallKind, Session, TransactionRow } from './types.ts';
import { gameKey } from '../play/catalog.ts';

/** The casino callbacks' rules, decided as in a batch but without a database (ledger/harness.ts). */
const now = new Date('2026-01-01T12:00:00Z');
const session: Session = {
  token: 'tok-0123456789abcdef',
  user_id: '1',
  game_id: '1',
  currency: 'USD',
  expires_at: new Date(now.getTime() + 60_000),
};
const player = playerAccount('1', 'USD');
const house = systemAccount('house', 'USD');

function call(
  kind: CallKind,
  id: string,
  fields: { amount_minor?: bigint; original_transaction_id?: string } = {},
): CallInput {
  const common = {
    external_transaction_id: id,
    session_token: session.token,
    session,
    user_id: '1',
    currency: 'USD',
    game_id: null,
    received_at: now,
  };
  if (kind === 'rollback')
    return {
      ...common,
      kind,
      round_id: null,
      amount_minor: null,
      original_transaction_id: fields.original_transaction_id ?? 'none',
    };
  return {
    ...common,
    kind,
    round_id: 'round-1',
    amount_minor: fields.amount_minor ?? 10n,
    original_transaction_id: null,
  };
}

function run(balance_minor: bigint, inputs: CallInput[]) {
  const result = runHandler(callHandler, {
    accounts: [accountState(1n, player, balance_minor), accountState(2n, house, 0n)],
    inputs,
    now,
    participants: [{ participant: rollupParticipant as BatchParticipant<unknown> }],
  });
  const rollups = (
    result.participant_states.get(rollupParticipant as BatchParticipant<unknown>) as RollupEvents
  ).deltas();
  return { ...result, rollups };
}

const codeOf = (o: { ok: boolean; error?: { code: string | number } }) => (o.ok ? 'ok' : o.error!.code);

test('debit, credit and a rollback of another debit in one batch: balances and the stored answers follow each call', () => {
  const r = run(100n, [
    call('debit', 'd1'),
    call('debit', 'd2', { amount_minor: 5n }),
    call('rollback', 'r2', { original_transaction_id: 'd2' }),
    call('credit', 'c1', { amount_minor: 25n }),
  ]);
  assert.deepEqual(r.outcomes.map(codeOf), ['ok', 'ok', 'ok', 'ok']);
  assert.equal(r.book.balance(player), 115n);
  const last = r.outcomes[3].ok
    ? JSON.parse((r.outcomes[3].value as { response: { body: string } }).response.body)
    : undefined;
  assert.equal(last.balance, 115);
  assert.equal(r.book.transfers.map((t) => t.kind).join(','), 'bet,bet,rollback,win');
  assert.deepEqual(
    [r.rollups[0].bet_count, r.rollups[0].bets_minor, r.rollups[0].rolled_back_bets_minor, r.rollups[0].wins_minor],
    [1n, 10n, 5n, 25n],
  );
  assert.deepEqual([r.rollups[0].surface, r.rollups[0].provider, r.rollups[0].game], ['casino', 'jaqpot', '1']);
});

test('a credit for a round without a standing debit is UNKNOWN_TRANSACTION, nothing moved', () => {
  const r = run(100n, [call('credit', 'c1')]);
  assert.deepEqual(r.outcomes.map(codeOf), ['UNKNOWN_TRANSACTION']);
  assert.equal(r.book.transfers.length, 0);
});

test('a rollback of an unknown id leaves a tombstone: the debit arriving later with that id is refused', () => {
  const r = run(100n, [call('rollback', 'r1', { original_transaction_id: 'd-late' }), call('debit', 'd-late')]);
  assert.deepEqual(r.outcomes.map(codeOf), ['ok', 'TRANSACTION_ROLLED_BACK']);
  assert.equal(r.book.balance(player), 100n);
});

test('a debit beyond the balance is INSUFFICIENT_FUNDS and leaves no row, no rollup, no money', () => {
  const r = run(5n, [call('debit', 'd1')]);
  assert.deepEqual(r.outcomes.map(codeOf), ['INSUFFICIENT_FUNDS']);
  assert.equal(r.state.new_rows.length, 0);
  assert.deepEqual(r.rollups, []);
});

test('a second rollback of the same debit is a no-op that still answers 200', () => {
  const r = run(100n, [
    call('debit', 'd1'),
    call('rollback', 'r1', { original_transaction_id: 'd1' }),
    call('rollback', 'r1b', { original_transaction_id: 'd1' }),
  ]);
  assert.deepEqual(r.outcomes.map(codeOf), ['ok', 'ok', 'ok']);
  assert.equal(r.book.balance(player), 100n);
  assert.equal(r.book.transfers.length, 2);
});

test('references: the transfer of each committed debit a rollback names, the game of each debit', () => {
  const committed = { external_transaction_id: 'd-old', transfer_id: '00000000-0000-7000-8000-0000000000bb' };
  const inputs = [
    call('debit', 'd1'),
    call('credit', 'c1'),
    call('rollback', 'r1', { original_transaction_id: 'd-old' }),
    call('rollback', 'r2', { original_transaction_id: 'never-seen' }),
  ];
  const refs = {
    ...callHandler.references!(inputs),
    transfer_ids: callHandler.reversals!([committed as TransactionRow], inputs),
  };
  assert.deepEqual(refs, {
    transfer_ids: [committed.transfer_id],
    games: [gameKey('jaqpot', '1')],
  });
});
