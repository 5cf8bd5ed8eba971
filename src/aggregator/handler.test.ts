import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountState, runHandler } from '../ledger/harness.ts';
import { playerAccount, systemAccount } from '../ledger/types.ts';
import type { BatchParticipant } from '../ledger/command.ts';
import { rollupParticipant, type RollupEvents } from '../reports/rollups.ts';
import { gameKey } from '../play/catalog.ts';
import { BatchState } from './batch-state.ts';
import { processHandler } from './handler.ts';
import { Journal } from '../ledger/journal.ts';
import type { ActionInput, ActionRow, ProcessInput } from './types.ts';

/** The aggregator's rules, decided as in a batch but without a database (ledger/harness.ts). */
const alice = playerAccount('alice', 'USD');
const house = systemAccount('house', 'USD');
const accounts = (balance_minor: bigint) => [accountState(1n, alice, balance_minor), accountState(2n, house, 0n)];

const bet = (action_id: string, amount: number): ActionInput => ({
  action: 'bet',
  action_id,
  amount_minor: BigInt(amount),
  original_action_id: null,
});
const win = (action_id: string, amount: number): ActionInput => ({
  action: 'win',
  action_id,
  amount_minor: BigInt(amount),
  original_action_id: null,
});
const rollback = (action_id: string, original: string): ActionInput => ({
  action: 'rollback',
  action_id,
  amount_minor: null,
  original_action_id: original,
});
const request = (...actions: ActionInput[]): ProcessInput => ({
  user_id: 'alice',
  currency: 'USD',
  game: 'acme:slots',
  game_id: 'r1',
  actions,
});

function run(balance_minor: bigint, inputs: ProcessInput[], rows: ActionRow[] = []) {
  const result = runHandler(processHandler, {
    accounts: accounts(balance_minor),
    inputs,
    rows,
    participants: [{ participant: rollupParticipant as BatchParticipant<unknown> }],
  });
  const rollups = (
    result.participant_states.get(rollupParticipant as BatchParticipant<unknown>) as RollupEvents
  ).deltas();
  return { ...result, rollups };
}

test('a request is all-or-nothing: a bet beyond the balance undoes the earlier bet, its rows and its rollup', () => {
  const r = run(100n, [request(bet('b1', 60), bet('b2', 60))]);
  assert.equal(r.outcomes[0].ok, false);
  assert.equal(!r.outcomes[0].ok && r.outcomes[0].error.code, 100);
  assert.equal(r.book.balance(alice), 100n);
  assert.deepEqual(r.state.insertedRows(), []);
  assert.deepEqual(r.rollups, []);
});

test('a refused request leaves no trace for the next request of the same batch', () => {
  const r = run(100n, [request(bet('b1', 60), bet('b2', 60)), request(bet('b1', 10))]);
  assert.deepEqual(
    r.outcomes.map((o) => o.ok),
    [false, true],
    'b1 is new to the second request',
  );
  assert.equal(r.book.balance(alice), 90n);
});

test('a bet and its rollback in one request: money back, the bet marked rolled back, the rollup moved to rolled-back', () => {
  const r = run(100n, [request(bet('b1', 30), rollback('rb1', 'b1'))]);
  assert.ok(r.outcomes[0].ok);
  assert.equal(r.book.balance(alice), 100n);
  assert.deepEqual(
    r.state.insertedRows().map((row) => [row.action_id, row.rolled_back]),
    [
      ['b1', true],
      ['rb1', false],
    ],
  );
  assert.equal(r.rollups.length, 1);
  assert.deepEqual(
    [r.rollups[0].actions, r.rollups[0].bet_count, r.rollups[0].bets_minor, r.rollups[0].rolled_back_bets_minor],
    [1n, 0n, 0n, 30n],
  );
  assert.deepEqual([r.rollups[0].provider, r.rollups[0].game], ['acme', 'slots']);
});

test('a pre-rollback cancels the original that arrives later: recorded, no money, counted as rolled back', () => {
  const r = run(100n, [request(rollback('rb1', 'w1')), request(win('w1', 40))]);
  assert.ok(r.outcomes.every((o) => o.ok));
  assert.equal(r.book.balance(alice), 100n);
  assert.equal(r.book.transfers.length, 0);
  assert.deepEqual([r.rollups[0].actions, r.rollups[0].wins_minor, r.rollups[0].rolled_back_wins_minor], [1n, 0n, 40n]);
});

test('a committed action replays its tx_id; the same id with other content is a 409 with code 110', () => {
  const committed: ActionRow = {
    action_id: 'b1',
    user_id: 'alice',
    currency: 'USD',
    action: 'bet',
    amount_minor: 5n,
    original_action_id: null,
    tx_id: '00000000-0000-7000-8000-000000000001',
    rolled_back: false,
    game: 'acme:slots',
    game_id: 'r1',
    bonus_minor: 0n,
    bonus_id: null,
    contribution_minor: null,
    created_at: new Date(0),
  };
  const r = run(100n, [request(bet('b1', 5)), request(bet('b1', 6))], [committed]);
  assert.ok(
    r.outcomes[0].ok &&
      (r.outcomes[0].value as { transactions: { tx_id: string }[] }).transactions[0].tx_id === committed.tx_id,
  );
  assert.equal(!r.outcomes[1].ok && r.outcomes[1].error.code, 110);
  assert.equal(r.book.balance(alice), 100n, 'a replay moves nothing');
});

test('a rollback of a rollback is refused (400, code 130)', () => {
  const r = run(100n, [request(bet('b1', 5), rollback('rb1', 'b1'), rollback('rb2', 'rb1'))]);
  assert.equal(!r.outcomes[0].ok && r.outcomes[0].error.code, 130);
});

test('references: the transfer of each committed action a rollback names, the game of each request with a bet', () => {
  const committed: ActionRow = {
    action_id: 'old-bet',
    user_id: 'alice',
    currency: 'USD',
    action: 'bet',
    amount_minor: 5n,
    original_action_id: null,
    tx_id: '00000000-0000-7000-8000-0000000000aa',
    rolled_back: false,
    game: 'acme:slots',
    game_id: 'r0',
    bonus_minor: 0n,
    bonus_id: null,
    contribution_minor: null,
    created_at: new Date(0),
  };
  const no_round: ProcessInput = { ...request(bet('n1', 1), win('n2', 1)), game_id: null };
  const r = run(
    100n,
    [request(bet('b1', 5)), request(win('w1', 5), rollback('rb1', 'old-bet'), rollback('rb2', 'never-seen')), no_round],
    [committed],
  );
  assert.deepEqual(r.references, {
    transfer_ids: [committed.tx_id],
    games: [gameKey('acme', 'slots'), gameKey('acme', 'slots')],
  });
});

test("a round's committed bonus bets are its player's and currency's, standing, counted once", () => {
  const bet = (action_id: string, user_id: string, fields: Partial<ActionRow> = {}): ActionRow => ({
    action_id,
    user_id,
    currency: 'USD',
    action: 'bet',
    amount_minor: 50n,
    original_action_id: null,
    tx_id: '00000000-0000-7000-8000-0000000000c1',
    rolled_back: false,
    game: 'acme:slots',
    game_id: 'r1',
    bonus_minor: 20n,
    bonus_id: '00000000-0000-7000-8000-0000000000a1',
    contribution_minor: 50n,
    created_at: new Date(0),
    ...fields,
  });
  const own = bet('b1', 'alice');
  const state = new BatchState(
    [
      own,
      own, // named by id and found again as a bet of a win's round
      bet('b2', 'bob'), // the same round id, another player
      bet('b3', 'alice', { currency: 'EUR' }),
      bet('b4', 'alice', { rolled_back: true }),
      bet('b5', 'alice', { bonus_id: null, contribution_minor: null, bonus_minor: 0n }), // no bonus active
    ],
    new Journal(),
  );
  assert.deepEqual(state.committedStakes('alice', 'USD', 'r1'), [
    { bonus_id: own.bonus_id, cash_minor: 30n, bonus_minor: 20n, at: own.created_at },
  ]);
  assert.deepEqual(state.committedStakes('alice', 'USD', null), []);
});
