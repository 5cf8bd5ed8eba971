import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandHandler } from '../ledger/command.ts';
import { accountState, runHandler } from '../ledger/harness.ts';
import { playerAccount, systemAccount } from '../ledger/types.ts';
import { defineErrors } from '../platform/error-table.ts';
import type { Outcome } from '../platform/outcome.ts';
import { bonusAccount, type CommittedStake, type StakedBonus } from '../play/bonus.ts';
import { bonusPartOf, pay, refund, stake, stakedBonusOf, type ProtocolRefusals } from '../play/money.ts';
import type { PlayEvent, PlayParticipant } from '../play/events.ts';
import type { Round } from '../play/round.ts';
import { bonusHandler } from './handler.ts';
import { bonusParticipant } from './participant.ts';
import type { BonusRow, BonusRows, BonusState } from './state.ts';

/** Database-free rules of SPEC §5, decided by play and the bonus participant as a real batch would. */

const ERR = defineErrors({
  T_FUNDS: { code: 100, http_status: 400, message: 'funds' },
  T_LIMIT: { code: 140, http_status: 400, message: 'limit' },
  T_MAX_BET: { code: 101, http_status: 400, message: 'max bet' },
});
const REFUSALS: ProtocolRefusals = {
  insufficient_funds: ERR.T_FUNDS,
  balance_limit: ERR.T_LIMIT,
  account_not_found: ERR.T_FUNDS,
  bonus_max_bet: ERR.T_MAX_BET,
};

type Step =
  | { op: 'bet'; amount: bigint; round?: string; game?: string }
  /** `committed`: the round's bonus bets of earlier batches, as the protocol's rows hold them. */
  | { op: 'win'; amount: bigint; round?: string; committed?: CommittedStake[] }
  | {
      op: 'rollback';
      kind: 'bet' | 'win';
      amount: bigint;
      /** An earlier step of this batch, or a transfer of an earlier batch as its protocol row holds it. */
      of: number | { transfer_id: string; at: Date; bonus_minor: bigint; staked_bonus?: StakedBonus };
      round?: string;
    };

/** A test protocol: each input is one step; a rollback names the index of an earlier step's transfer. */
function handler(
  ids: (string | null)[],
  counted: bigint[] = [],
  staked: (StakedBonus | null)[] = [],
): CommandHandler<Step, unknown, null> {
  return {
    name: 'test.play',
    state: () => null,
    apply(batch, step) {
      const r: Round = {
        surface: 'aggregator',
        provider: 'demo',
        game: 'game' in step && step.game ? step.game : 'starburst',
        round_id: step.round ?? 'r1',
        player: 'p',
        currency: 'USD',
      };
      let outcome: Outcome<{ id: string } | null>;
      if (step.op === 'rollback') {
        const earlier =
          typeof step.of === 'number'
            ? {
                transfer_id: ids[step.of],
                at: batch.book.created_at,
                bonus_minor: counted[step.of],
                staked_bonus: staked[step.of],
              }
            : { staked_bonus: null, ...step.of };
        outcome = refund(batch, r, { kind: step.kind, amount_minor: step.amount, ...earlier }, {}, REFUSALS);
      } else if (step.op === 'bet') outcome = stake(batch, r, step.amount, {}, REFUSALS);
      else outcome = pay(batch, r, step.amount, {}, REFUSALS, step.committed);
      ids.push(outcome.ok ? (outcome.value?.id ?? null) : null);
      // What a protocol row would hold: the counted bonus part and the bet's grant and contribution.
      counted.push(outcome.ok && step.op !== 'rollback' ? bonusPartOf(batch, outcome.value?.id) : 0n);
      staked.push(outcome.ok ? stakedBonusOf(batch, outcome.value?.id) : null);
      return outcome;
    },
  };
}

const NOW = new Date('2026-01-01T12:00:00Z');

function bonusRow(fields: Partial<BonusRow> = {}): BonusRow {
  return {
    id: fields.id ?? '00000000-0000-7000-8000-000000000001',
    player: 'p',
    asset: 'USD',
    amount_minor: 100n,
    multiplier: 10,
    required_minor: 1000n,
    wagered_minor: 0n,
    status: 'active',
    expires_at: new Date(NOW.getTime() + 3_600_000),
    max_bet_minor: null,
    max_conversion_minor: null,
    created_at: NOW,
    ended_at: null,
    ...fields,
  };
}

/** Records the play events of a batch, as the report rollups hear them. */
function recorder(): PlayParticipant<PlayEvent[]> {
  return {
    name: 'test.events',
    state: () => [],
    persist: () => [],
    onPlay: (events, event) => void events.push(event),
  };
}

function run(
  steps: Step[],
  options: {
    cash: bigint;
    bonus: bigint;
    bonuses: BonusRow[];
    now?: Date;
    staked?: (StakedBonus | null)[];
    listened?: boolean;
  },
) {
  const rows: BonusRows = {
    bonuses: options.bonuses,
    plays: [],
    catalog_read: false,
    listened: options.listened ?? true,
    games: [
      { provider: 'demo', game: 'starburst', category: 'slots' },
      { provider: 'demo', game: 'blackjack', category: 'table' },
    ],
    contributions: [
      { category: 'slots', percent: 100 },
      { category: 'table', percent: 10 },
      { category: 'live', percent: 0 },
      { category: 'other', percent: 0 },
    ],
  };
  const accounts = [
    accountState(1n, playerAccount('p', 'USD'), options.cash),
    accountState(2n, bonusAccount('p', 'USD'), options.bonus),
    // The house issued the cash and the pool the bonus: every asset sums to zero, as in the ledger.
    accountState(3n, systemAccount('house', 'USD'), -options.cash),
    accountState(4n, systemAccount('bonus_pool', 'USD'), -options.bonus),
  ];
  const events = recorder();
  const result = runHandler(handler([], [], options.staked), {
    accounts,
    inputs: steps,
    now: options.now ?? NOW,
    participants: [{ participant: bonusParticipant as never, rows }, { participant: events as never }],
  });
  const state = result.participant_states.get(bonusParticipant as never) as BonusState;
  return {
    outcomes: result.outcomes,
    cash: result.book.balance(playerAccount('p', 'USD')),
    bonus: result.book.balance(bonusAccount('p', 'USD')),
    pool: result.book.balance(systemAccount('bonus_pool', 'USD')),
    bonus_of: (id = bonusRow().id) => state.bonuses.get(id)!,
    kinds: result.book.transfers.map((t) => `${t.kind}:${t.amount_minor}`),
    live: () => bonusParticipant.live!(state, result.book),
    state,
    events: (result.participant_states.get(events as never) as PlayEvent[]).map(
      (e) => `${e.type}:${e.amount_minor}/${e.bonus_minor ?? 0n}`,
    ),
  };
}

describe('stakes', () => {
  test('a stake takes cash first, then bonus money, and counts the whole stake', () => {
    const r = run([{ op: 'bet', amount: 50n }], { cash: 30n, bonus: 100n, bonuses: [bonusRow()] });
    assert.deepEqual([r.cash, r.bonus], [0n, 80n]);
    assert.deepEqual(r.kinds, ['bet:30', 'bonus_bet:20']);
    assert.equal(r.bonus_of().wagered_minor, 50n);
  });

  test('a stake above max_bet or above cash + bonus is refused and leaves money and wagering untouched', () => {
    const r = run(
      [
        { op: 'bet', amount: 41n },
        { op: 'bet', amount: 40n },
        { op: 'bet', amount: 40n },
      ],
      { cash: 10n, bonus: 60n, bonuses: [bonusRow({ max_bet_minor: 40n })] },
    );
    assert.deepEqual(
      r.outcomes.map((o) => (o.ok ? 'ok' : o.error.key)),
      ['T_MAX_BET', 'ok', 'T_FUNDS'],
    );
    assert.deepEqual([r.cash, r.bonus, r.bonus_of().wagered_minor], [0n, 30n, 40n]);
  });

  test("contribution is floor(stake × percent / 100) of the game's category; unregistered games are other (0 %)", () => {
    const r = run(
      [
        { op: 'bet', amount: 59n, game: 'blackjack' },
        { op: 'bet', amount: 50n, game: 'unknown' },
      ],
      { cash: 0n, bonus: 200n, bonuses: [bonusRow()] },
    );
    assert.equal(r.bonus_of().wagered_minor, 5n);
  });

  test('a player without an active bonus plays cash only and the participant records nothing', () => {
    const r = run(
      [
        { op: 'bet', amount: 10n },
        { op: 'win', amount: 7n },
      ],
      { cash: 10n, bonus: 0n, bonuses: [] },
    );
    assert.deepEqual(r.kinds, ['bet:10', 'win:7']);
    assert.deepEqual(
      [r.state.new_plays.length, r.state.inserted.length, r.state.changed.size, r.state.marked_plays.size],
      [0, 0, 0, 0],
    );
  });
});

describe('wins', () => {
  test("a win is split in the round's cash : bonus proportion, the bonus part rounded down", () => {
    const r = run(
      [
        { op: 'bet', amount: 30n },
        { op: 'win', amount: 101n },
      ],
      { cash: 10n, bonus: 100n, bonuses: [bonusRow()] },
    );
    // stake 10 cash + 20 bonus: bonus part floor(101 × 20 / 30) = 67, cash 34
    assert.deepEqual(r.kinds, ['bet:10', 'bonus_bet:20', 'win:34', 'bonus_win:67']);
    assert.deepEqual([r.cash, r.bonus], [34n, 147n]);
  });

  test('a round staked with cash only is paid to cash, even with a bonus active', () => {
    const r = run(
      [
        { op: 'bet', amount: 10n },
        { op: 'win', amount: 50n },
      ],
      { cash: 10n, bonus: 100n, bonuses: [bonusRow()] },
    );
    assert.deepEqual([r.cash, r.bonus], [50n, 100n]);
  });

  test('a win after the bonus converted pays its bonus part to cash', () => {
    const bonus = bonusRow({ required_minor: 100n, multiplier: 1 });
    const r = run(
      [
        { op: 'bet', amount: 100n },
        { op: 'win', amount: 40n },
      ],
      { cash: 0n, bonus: 100n, bonuses: [bonus] },
    );
    assert.equal(r.bonus_of().status, 'converted');
    assert.deepEqual([r.cash, r.bonus], [40n, 0n]);
  });
});

describe('conversion and the life of a grant', () => {
  test('at the requirement min(balance, max_conversion) becomes cash, the rest returns to the pool, the next pending activates', () => {
    const pending = bonusRow({ id: '00000000-0000-7000-8000-000000000002', status: 'pending', amount_minor: 70n });
    const r = run(
      [
        { op: 'bet', amount: 50n },
        { op: 'win', amount: 90n },
        { op: 'bet', amount: 50n },
      ],
      {
        cash: 0n,
        bonus: 100n,
        bonuses: [bonusRow({ required_minor: 100n, multiplier: 1, max_conversion_minor: 30n }), pending],
      },
    );
    assert.equal(r.bonus_of().status, 'converted');
    assert.deepEqual(r.kinds.slice(-3), ['bonus_convert:30', 'bonus_convert_excess:60', 'bonus_grant:70']);
    assert.equal(r.bonus_of(pending.id).status, 'active');
    assert.deepEqual([r.cash, r.bonus], [30n, 70n]);
  });

  test('expiry at the boundary instant: a bonus whose expires_at is now is not used; 1 ms later it still is', () => {
    const at = bonusRow({ expires_at: NOW });
    const expired = run([{ op: 'bet', amount: 20n }], { cash: 0n, bonus: 100n, bonuses: [at] });
    assert.deepEqual(
      expired.outcomes.map((o) => o.ok),
      [false],
    );
    const expiring = run(
      [
        { op: 'bet', amount: 20n },
        { op: 'bet', amount: 20n },
      ],
      { cash: 20n, bonus: 100n, bonuses: [at] },
    );
    assert.deepEqual(expiring.kinds, ['bonus_expire:100', 'bet:20']);
    assert.equal(expiring.bonus_of().status, 'expired');
    const live = run([{ op: 'bet', amount: 20n }], {
      cash: 0n,
      bonus: 100n,
      bonuses: [bonusRow({ expires_at: new Date(NOW.getTime() + 1) })],
    });
    assert.deepEqual(live.kinds, ['bonus_bet:20']);
  });

  test('a grant past its expires_at ends with the batch, even when the bet that found it is refused', () => {
    // No cash: without the bonus the bet is refused; the expiry is not the bet's to undo.
    const r = run([{ op: 'bet', amount: 20n }], { cash: 0n, bonus: 100n, bonuses: [bonusRow({ expires_at: NOW })] });
    assert.deepEqual(
      r.outcomes.map((o) => (o.ok ? 'ok' : o.error.key)),
      ['T_FUNDS'],
    );
    assert.equal(r.bonus_of().status, 'expired');
    assert.deepEqual([r.kinds, r.bonus, r.pool], [['bonus_expire:100'], 0n, 0n]);
  });

  test('a rollback while active returns each part and takes back the contribution', () => {
    const r = run(
      [
        { op: 'bet', amount: 50n },
        { op: 'rollback', kind: 'bet', amount: 50n, of: 0 },
      ],
      { cash: 30n, bonus: 100n, bonuses: [bonusRow()] },
    );
    assert.deepEqual(r.kinds, ['bet:30', 'bonus_bet:20', 'rollback:30', 'bonus_rollback:20']);
    assert.deepEqual([r.cash, r.bonus, r.bonus_of().wagered_minor], [30n, 100n, 0n]);
  });

  test('a rollback after conversion returns the bonus part to cash and the bonus stays converted', () => {
    const r = run(
      [
        { op: 'bet', amount: 100n },
        { op: 'rollback', kind: 'bet', amount: 100n, of: 0 },
      ],
      { cash: 0n, bonus: 100n, bonuses: [bonusRow({ required_minor: 100n, multiplier: 1 })] },
    );
    assert.deepEqual(r.kinds, ['bonus_bet:100', 'bonus_rollback:100']);
    assert.deepEqual([r.cash, r.bonus, r.bonus_of().status, r.bonus_of().wagered_minor], [100n, 0n, 'converted', 100n]);
  });

  test('a rollback of a win takes each part back from where it went', () => {
    const r = run(
      [
        { op: 'bet', amount: 20n },
        { op: 'win', amount: 40n },
        { op: 'rollback', kind: 'win', amount: 40n, of: 1 },
      ],
      { cash: 10n, bonus: 100n, bonuses: [bonusRow()] },
    );
    assert.deepEqual([r.cash, r.bonus], [0n, 90n]);
  });
});

describe('which splits are stored', () => {
  test('neither a bet nor a win paid to the bonus account is stored: their protocol rows hold their splits', () => {
    const staked: (StakedBonus | null)[] = [];
    const r = run(
      [
        { op: 'bet', amount: 20n },
        { op: 'win', amount: 40n },
      ],
      { cash: 10n, bonus: 100n, bonuses: [bonusRow()], staked },
    );
    assert.deepEqual(r.state.new_plays.toArray(), []);
    assert.equal(r.state.plays.size, 2, 'both are still known to their own batch');
    assert.deepEqual(
      staked,
      [{ bonus_id: bonusRow().id, contribution_minor: 20n }, null],
      "the bet's row names its grant",
    );
  });

  test('a bet staked with cash alone while a bonus is active still names the grant (its round is a bonus round)', () => {
    const staked: (StakedBonus | null)[] = [];
    run([{ op: 'bet', amount: 20n }], { cash: 30n, bonus: 100n, bonuses: [bonusRow()], staked });
    assert.deepEqual(staked, [{ bonus_id: bonusRow().id, contribution_minor: 20n }]);
    const none: (StakedBonus | null)[] = [];
    run([{ op: 'bet', amount: 20n }], { cash: 30n, bonus: 0n, bonuses: [], staked: none });
    assert.deepEqual(none, [null], 'no grant: nothing to name');
  });

  test('a win paid to cash after the conversion is stored: its row counts no bonus part', () => {
    const r = run(
      [
        { op: 'bet', amount: 100n },
        { op: 'win', amount: 50n },
      ],
      { cash: 0n, bonus: 100n, bonuses: [bonusRow({ required_minor: 100n })] },
    );
    assert.equal(r.bonus_of().status, 'converted');
    const stored = r.state.new_plays.toArray().map((id) => r.state.plays.get(id)!);
    assert.deepEqual(
      stored.map((p) => `${p.kind}:${p.bonus_to}`),
      ['win:cash'],
    );
  });

  const EARLIER_WIN = '00000000-0000-7000-8000-0000000000e1';
  test("an earlier batch's win paid to the bonus account is rolled back part by part from its row's counted part", () => {
    const r = run(
      [
        {
          op: 'rollback',
          kind: 'win',
          amount: 40n,
          of: { transfer_id: EARLIER_WIN, at: new Date(NOW.getTime() - 60_000), bonus_minor: 30n },
        },
      ],
      { cash: 10n, bonus: 100n, bonuses: [bonusRow()] },
    );
    assert.equal(r.outcomes[0].ok, true);
    assert.deepEqual([r.cash, r.bonus], [0n, 70n]);
    assert.deepEqual(r.kinds, ['rollback:10', 'bonus_rollback:30']);
    assert.deepEqual(r.events, ['rollback:40/30']);
    assert.equal(r.state.marked_plays.size, 0, 'nothing stored to mark');
  });

  test('beyond the window of stored splits, or for a player without a grant read, it is cash only', () => {
    const old = new Date(NOW.getTime() - 8 * 24 * 3_600_000);
    const beyond = run(
      [{ op: 'rollback', kind: 'win', amount: 40n, of: { transfer_id: EARLIER_WIN, at: old, bonus_minor: 30n } }],
      { cash: 50n, bonus: 100n, bonuses: [bonusRow()] },
    );
    assert.deepEqual([beyond.cash, beyond.bonus, beyond.kinds], [10n, 100n, ['rollback:40']]);
    const no_grant = run(
      [
        {
          op: 'rollback',
          kind: 'win',
          amount: 40n,
          of: { transfer_id: EARLIER_WIN, at: new Date(NOW.getTime() - 60_000), bonus_minor: 30n },
        },
      ],
      { cash: 50n, bonus: 0n, bonuses: [] },
    );
    assert.deepEqual([no_grant.cash, no_grant.kinds], [10n, ['rollback:40']]);
  });
});

describe("earlier batches' bets, as their protocol rows hold them", () => {
  const EARLIER_BET = '00000000-0000-7000-8000-0000000000b1';
  const minute_ago = new Date(NOW.getTime() - 60_000);
  // An earlier batch's bet as its protocol row holds it: its instant, counted bonus part and contribution.
  const earlierBet = (at: Date, bonus_minor: bigint, contribution_minor: bigint) => ({
    transfer_id: EARLIER_BET,
    at,
    bonus_minor,
    staked_bonus: { bonus_id: bonusRow().id, contribution_minor },
  });
  const committed = (cash_minor: bigint, bonus_minor: bigint, at = minute_ago): CommittedStake => ({
    bonus_id: bonusRow().id,
    cash_minor,
    bonus_minor,
    at,
  });

  test("a win is paid in the proportion of its round's committed bonus bets", () => {
    const r = run([{ op: 'win', amount: 101n, committed: [committed(30n, 20n)] }], {
      cash: 0n,
      bonus: 80n,
      bonuses: [bonusRow()],
    });
    assert.deepEqual(r.kinds, ['win:61', 'bonus_win:40']);
    assert.deepEqual(r.events, ['win:101/40']);
  });

  test("a win counts its round's committed bets and this batch's together", () => {
    const r = run(
      [
        { op: 'bet', amount: 50n },
        { op: 'win', amount: 100n, committed: [committed(50n, 0n)] },
      ],
      { cash: 0n, bonus: 100n, bonuses: [bonusRow()] },
    );
    // stakes: 50 cash (committed) + 50 bonus (this batch) → half of the win is bonus money
    assert.deepEqual(r.kinds, ['bonus_bet:50', 'win:50', 'bonus_win:50']);
  });

  test("a committed bet rolled back in this batch leaves its round's stakes before a win in it", () => {
    const r = run(
      [
        {
          op: 'rollback',
          kind: 'bet',
          amount: 50n,
          of: earlierBet(minute_ago, 50n, 50n),
        },
        // Read before the rollback: the rolled-back bet is still among the round's committed bets.
        { op: 'win', amount: 100n, committed: [committed(30n, 20n), committed(0n, 50n)] },
      ],
      { cash: 0n, bonus: 50n, bonuses: [bonusRow({ wagered_minor: 100n })] },
    );
    assert.deepEqual(r.kinds, ['bonus_rollback:50', 'win:60', 'bonus_win:40']);
    assert.equal(r.bonus_of().wagered_minor, 50n, 'the contribution came back');
  });

  test('a committed bet is rolled back part by part from its row and gives its contribution back while active', () => {
    const r = run(
      [
        {
          op: 'rollback',
          kind: 'bet',
          amount: 50n,
          of: earlierBet(minute_ago, 20n, 50n),
        },
      ],
      { cash: 0n, bonus: 80n, bonuses: [bonusRow({ wagered_minor: 70n })] },
    );
    assert.deepEqual(r.kinds, ['rollback:30', 'bonus_rollback:20']);
    assert.deepEqual([r.cash, r.bonus, r.bonus_of().wagered_minor], [30n, 100n, 20n]);
    assert.deepEqual(r.events, ['rollback:50/20']);
  });

  test('a committed bet of a converted grant returns its bonus part to cash; its contribution stays', () => {
    const r = run(
      [
        {
          op: 'rollback',
          kind: 'bet',
          amount: 50n,
          of: earlierBet(minute_ago, 50n, 50n),
        },
      ],
      {
        cash: 0n,
        bonus: 0n,
        bonuses: [bonusRow({ status: 'converted', wagered_minor: 1000n, ended_at: minute_ago })],
      },
    );
    assert.deepEqual([r.cash, r.bonus, r.kinds], [50n, 0n, ['bonus_rollback:50']]);
    assert.equal(r.bonus_of().wagered_minor, 1000n);
  });

  test('beyond the window, or without a grant read, committed bets are cash: their wins and their refunds', () => {
    const old = new Date(NOW.getTime() - 8 * 24 * 3_600_000);
    const win = run([{ op: 'win', amount: 100n, committed: [committed(0n, 50n, old)] }], {
      cash: 0n,
      bonus: 50n,
      bonuses: [bonusRow()],
    });
    assert.deepEqual(win.kinds, ['win:100']);
    const no_grant = run([{ op: 'win', amount: 100n, committed: [committed(0n, 50n)] }], {
      cash: 0n,
      bonus: 0n,
      bonuses: [],
    });
    assert.deepEqual(no_grant.kinds, ['win:100']);
    const refund_old = run(
      [
        {
          op: 'rollback',
          kind: 'bet',
          amount: 50n,
          of: earlierBet(old, 50n, 50n),
        },
      ],
      { cash: 0n, bonus: 50n, bonuses: [bonusRow({ wagered_minor: 50n })] },
    );
    assert.deepEqual([refund_old.kinds, refund_old.bonus_of().wagered_minor], [['rollback:50'], 50n]);
  });
});

describe('live progress', () => {
  test('a batch makes a live message for each grant it moved, and none when nobody listened as it read', () => {
    const heard = run([{ op: 'bet', amount: 50n }], { cash: 0n, bonus: 100n, bonuses: [bonusRow()] });
    assert.deepEqual(
      heard.live().map((m) => [m.type, m.bonusId, m.wagered, m.bonus_balance]),
      [['bonus', bonusRow().id, 50, 50]],
    );
    const unheard = run([{ op: 'bet', amount: 50n }], {
      cash: 0n,
      bonus: 100n,
      bonuses: [bonusRow()],
      listened: false,
    });
    assert.equal(unheard.bonus_of().wagered_minor, 50n, 'the wagering is the same');
    assert.deepEqual(unheard.live(), []);
  });
});

describe('the worked example of docs/bonus.md', () => {
  test('grant 100 at 1× capped at 30 with 30 cash: bet, win, table bet, converting bet, rollback after conversion', () => {
    const steps: Step[] = [
      { op: 'bet', amount: 50n, round: 'r1' },
      { op: 'win', amount: 101n, round: 'r1' },
      { op: 'bet', amount: 50n, round: 'r2', game: 'blackjack' },
      { op: 'bet', amount: 45n, round: 'r3' },
      { op: 'rollback', kind: 'bet', amount: 45n, of: 3, round: 'r3' },
    ];
    const r = run(steps, {
      cash: 30n,
      bonus: 100n,
      bonuses: [bonusRow({ required_minor: 100n, multiplier: 1, max_conversion_minor: 30n })],
    });
    assert.deepEqual(r.kinds, [
      'bet:30',
      'bonus_bet:20',
      'win:61',
      'bonus_win:40',
      'bet:50',
      'bet:11',
      'bonus_bet:34',
      'bonus_convert:30',
      'bonus_convert_excess:56',
      'rollback:11',
      'bonus_rollback:34',
    ]);
    assert.deepEqual(
      [r.cash, r.bonus, r.pool, r.bonus_of().status, r.bonus_of().wagered_minor],
      [75n, 0n, -44n, 'converted', 100n],
    );
  });
});

describe('play events for the reports', () => {
  test('bets, wins and rollbacks carry their bonus parts; a win paid to cash after conversion carries none', () => {
    const active = run(
      [
        { op: 'bet', amount: 30n },
        { op: 'win', amount: 101n },
        { op: 'rollback', kind: 'bet', amount: 30n, of: 0 },
      ],
      { cash: 10n, bonus: 100n, bonuses: [bonusRow()] },
    );
    assert.deepEqual(active.events, ['bet:30/20', 'win:101/67', 'rollback:30/20']);
    const converted = run(
      [
        { op: 'bet', amount: 100n },
        { op: 'win', amount: 40n },
      ],
      { cash: 0n, bonus: 100n, bonuses: [bonusRow({ required_minor: 100n, multiplier: 1 })] },
    );
    assert.deepEqual(converted.events, ['bet:100/100', 'win:40/0']);
  });
});

describe('the expiry sweep', () => {
  test('ends the active grant past its time and the pending ones whose time came while they waited; a later pending activates', () => {
    const active = bonusRow({ expires_at: NOW });
    const stale = bonusRow({
      id: '00000000-0000-7000-8000-000000000002',
      status: 'pending',
      expires_at: new Date(NOW.getTime() - 1),
    });
    const next = bonusRow({ id: '00000000-0000-7000-8000-000000000003', status: 'pending', amount_minor: 40n });
    const rows: BonusRows = {
      bonuses: [active, stale, next],
      plays: [],
      games: [],
      contributions: [],
      catalog_read: false,
      listened: true,
    };
    const accounts = [
      accountState(1n, playerAccount('p', 'USD'), 0n),
      accountState(2n, bonusAccount('p', 'USD'), 100n),
      accountState(4n, systemAccount('bonus_pool', 'USD'), -100n),
    ];
    const result = runHandler(bonusHandler, {
      accounts,
      inputs: [{ kind: 'expire', player: 'p', asset: 'USD' }],
      now: NOW,
      participants: [{ participant: bonusParticipant as never, rows }],
    });
    const state = result.participant_states.get(bonusParticipant as never) as BonusState;
    assert.deepEqual(
      [active, stale, next].map((b) => state.bonuses.get(b.id)!.status),
      ['expired', 'expired', 'active'],
    );
    assert.deepEqual(
      result.book.transfers.map((t) => `${t.kind}:${t.amount_minor}`),
      ['bonus_expire:100', 'bonus_grant:40'],
    );
  });
});
