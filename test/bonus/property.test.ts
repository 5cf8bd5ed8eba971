import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { call, type TestServer } from '../support/server.ts';
import { processCall } from '../aggregator/helpers.ts';
import { ADMIN, bonuses, verifiedServer, wallet } from './helpers.ts';

/**
 * SPEC §5 at random: grants (some pending, some expiring), aggregator bets, wins and rollbacks across
 * rounds, forfeits and top-ups, checked request by request against an in-memory model of the rules in
 * docs/bonus.md, then wallets, grants and `croupier verify` at the end. Amounts are small and the
 * wagering multipliers low, so grants convert, max bets refuse, funds run out and rollbacks find
 * converted or ended grants.
 */
let s: TestServer;
verifiedServer((server) => (s = server));

const PLAYERS = 2;
const ROUNDS = 3;
/** A short grant expires this long after it is made; the op after it waits that out. */
const SHORT_EXPIRY_MS = 1_200;

type Op =
  | { type: 'topup'; player: number; amount: number }
  | {
      type: 'grant';
      player: number;
      amount: number;
      multiplier: number;
      max_bet: number | null;
      max_conversion: number | null;
      short: boolean;
    }
  | { type: 'bet'; player: number; round: number; amount: number; table: boolean }
  | { type: 'win'; player: number; round: number; amount: number }
  | { type: 'rollback'; player: number; pick: number }
  | { type: 'forfeit'; player: number; pick: number };

const player = fc.integer({ min: 0, max: PLAYERS - 1 });
const round = fc.integer({ min: 0, max: ROUNDS - 1 });
const pick = fc.nat({ max: 50 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({ type: fc.constant('topup' as const), player, amount: fc.integer({ min: 1, max: 200 }) }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('grant' as const),
      player,
      amount: fc.integer({ min: 20, max: 300 }),
      multiplier: fc.integer({ min: 1, max: 3 }),
      max_bet: fc.option(fc.integer({ min: 1, max: 150 }), { freq: 3 }),
      max_conversion: fc.option(fc.integer({ min: 1, max: 200 }), { freq: 3 }),
      short: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('bet' as const),
      player,
      round,
      amount: fc.integer({ min: 1, max: 80 }),
      table: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('win' as const),
      player,
      round,
      amount: fc.integer({ min: 1, max: 250 }),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ type: fc.constant('rollback' as const), player, pick }), weight: 3 },
  { arbitrary: fc.record({ type: fc.constant('forfeit' as const), player, pick }), weight: 1 },
);

type Status = 'pending' | 'active' | 'converted' | 'expired' | 'forfeited';
interface Grant {
  id: string;
  amount: bigint;
  required: bigint;
  wagered: bigint;
  status: Status;
  max_bet: bigint | null;
  max_conversion: bigint | null;
  /** Made to expire SHORT_EXPIRY_MS after its grant. */
  short: boolean;
  /** A short grant whose expiry has been waited out: it ends with the player's next command. */
  due: boolean;
}
interface Split {
  cash: bigint;
  bonus: bigint;
  grant: Grant;
  /** Where a win's bonus part went. */
  to: 'bonus' | 'cash' | 'pool';
  contribution: bigint;
}
interface Action {
  id: string;
  kind: 'bet' | 'win';
  round: string;
  amount: bigint;
  split: Split | null;
  rolled_back: boolean;
}
interface Player {
  id: string;
  cash: bigint;
  bonus: bigint;
  grants: Grant[];
  rounds: Map<string, { cash: bigint; bonus: bigint; grant: Grant }>;
  actions: Action[];
}

type Expected = {
  status: number;
  code?: number | string;
  balance?: bigint;
  grant_status?: Status;
  bonus_balance?: bigint;
};

/** The rules of docs/bonus.md, on plain numbers. */
class Model {
  readonly players: Player[];
  constructor(run: string) {
    this.players = Array.from({ length: PLAYERS }, (_, i) => ({
      id: `bprop-${run}-p${i}`,
      cash: 0n,
      bonus: 0n,
      grants: [],
      rounds: new Map(),
      actions: [],
    }));
  }

  active(p: Player): Grant | undefined {
    return p.grants.find((g) => g.status === 'active');
  }

  /** The next pending grant activates (a due one expires without moving money, and the next is tried). */
  activateNext(p: Player): void {
    for (const g of p.grants) {
      if (g.status !== 'pending') continue;
      if (g.due) {
        g.status = 'expired';
        continue;
      }
      g.status = 'active';
      p.bonus += g.amount;
      return;
    }
  }

  end(p: Player, g: Grant, status: 'converted' | 'expired' | 'forfeited'): void {
    if (status === 'converted') {
      const to_cash = g.max_conversion === null || g.max_conversion > p.bonus ? p.bonus : g.max_conversion;
      p.cash += to_cash;
    }
    p.bonus = 0n;
    g.status = status;
    this.activateNext(p);
  }

  /** What a batch does first for its players (settleDue): grants whose time came end. */
  settleDue(p: Player): void {
    for (;;) {
      const a = this.active(p);
      if (!a || !a.due) break;
      this.end(p, a, 'expired');
    }
    for (const g of p.grants) if (g.status === 'pending' && g.due) g.status = 'expired';
  }

  destination(g: Grant): 'bonus' | 'cash' | 'pool' {
    return g.status === 'active' ? 'bonus' : g.status === 'converted' ? 'cash' : 'pool';
  }

  credit(p: Player, to: 'bonus' | 'cash' | 'pool', amount: bigint): void {
    if (to === 'bonus') p.bonus += amount;
    else if (to === 'cash') p.cash += amount;
  }

  balance(p: Player): bigint {
    return p.cash + p.bonus;
  }

  bet(p: Player, round: string, amount: bigint, table: boolean, id: string): Expected {
    const a = this.active(p);
    if (!a) {
      if (amount > p.cash) return { status: 400, code: 100 };
      p.cash -= amount;
      p.actions.push({ id, kind: 'bet', round, amount, split: null, rolled_back: false });
      return { status: 200, balance: this.balance(p) };
    }
    if (a.max_bet !== null && amount > a.max_bet) return { status: 400, code: 101 };
    const cash = p.cash < amount ? p.cash : amount;
    const bonus = amount - cash;
    if (bonus > p.bonus) return { status: 400, code: 100 };
    p.cash -= cash;
    p.bonus -= bonus;
    const contribution = (amount * (table ? 10n : 100n)) / 100n;
    const stakes = p.rounds.get(round);
    p.rounds.set(round, { cash: (stakes?.cash ?? 0n) + cash, bonus: (stakes?.bonus ?? 0n) + bonus, grant: a });
    p.actions.push({
      id,
      kind: 'bet',
      round,
      amount,
      split: { cash, bonus, grant: a, to: 'bonus', contribution },
      rolled_back: false,
    });
    a.wagered += contribution;
    if (a.wagered >= a.required) this.end(p, a, 'converted');
    return { status: 200, balance: this.balance(p) };
  }

  win(p: Player, round: string, amount: bigint, id: string): Expected {
    const stakes = p.rounds.get(round);
    if (!stakes || stakes.bonus === 0n) {
      p.cash += amount;
      p.actions.push({ id, kind: 'win', round, amount, split: null, rolled_back: false });
      return { status: 200, balance: this.balance(p) };
    }
    const bonus = (amount * stakes.bonus) / (stakes.cash + stakes.bonus);
    const to = this.destination(stakes.grant);
    p.cash += amount - bonus;
    this.credit(p, to, bonus);
    const split = { cash: amount - bonus, bonus, grant: stakes.grant, to, contribution: 0n };
    p.actions.push({ id, kind: 'win', round, amount, split, rolled_back: false });
    return { status: 200, balance: this.balance(p) };
  }

  rollback(p: Player, original: Action): Expected {
    if (original.rolled_back) return { status: 200, balance: this.balance(p) };
    const split = original.split;
    if (original.kind === 'bet') {
      if (!split) p.cash += original.amount;
      else {
        p.cash += split.cash;
        this.credit(p, this.destination(split.grant), split.bonus);
        if (split.grant.status === 'active') {
          const w = split.grant.wagered - split.contribution;
          split.grant.wagered = w < 0n ? 0n : w;
        }
        const stakes = p.rounds.get(original.round)!;
        // As the participant keeps a round's stakes: the grant of the bet added or taken last.
        p.rounds.set(original.round, {
          cash: stakes.cash - split.cash,
          bonus: stakes.bonus - split.bonus,
          grant: split.grant,
        });
      }
    } else {
      const cash = split ? split.cash : original.amount;
      const bonus = split ? split.bonus : 0n;
      const from = split ? split.to : 'cash';
      const cash_needed = cash + (from === 'cash' ? bonus : 0n);
      if (p.cash < cash_needed || (from === 'bonus' && p.bonus < bonus)) return { status: 400, code: 100 };
      p.cash -= cash;
      if (from === 'cash') p.cash -= bonus;
      else if (from === 'bonus') p.bonus -= bonus;
    }
    original.rolled_back = true;
    return { status: 200, balance: this.balance(p) };
  }
}

function roundId(run: string, player: number, round: number): string {
  return `bprop-${run}-p${player}-r${round}`;
}

async function aggregator(p: Player, round: string, game: string, actions: unknown[]) {
  return processCall(s.url, { user_id: p.id, currency: 'USD', game, game_id: round, actions });
}

/** Runs one op on the server and the model; fails on the first disagreement, naming the op. */
async function step(model: Model, run: string, o: Op, shorts: { until_ms: number }): Promise<void> {
  const p = model.players[o.player];
  const where = `${run} ${JSON.stringify(o)}`;
  // The op after a short grant waits its expiry out, so no request races it: from then on it is due.
  if (shorts.until_ms > 0) {
    await new Promise((r) => setTimeout(r, Math.max(0, shorts.until_ms - Date.now())));
    shorts.until_ms = 0;
    for (const q of model.players) for (const g of q.grants) if (g.short) g.due = true;
  }
  model.settleDue(p);
  switch (o.type) {
    case 'topup': {
      const r = await call(
        s.url,
        'POST',
        `/v1/wallets/${p.id}/topup`,
        { asset: 'USD', amount: o.amount },
        { ...ADMIN, 'idempotency-key': randomUUID() },
      );
      assert.equal(r.status, 201, `${where}: ${r.text}`);
      p.cash += BigInt(o.amount);
      assert.equal(BigInt(r.json.balance), p.cash, `${where}: cash balance`);
      return;
    }
    case 'grant': {
      const expires_at = new Date(Date.now() + (o.short ? SHORT_EXPIRY_MS : 3_600_000)).toISOString();
      const body: Record<string, unknown> = {
        asset: 'USD',
        amount: o.amount,
        wagering_multiplier: o.multiplier,
        expires_at,
      };
      if (o.max_bet !== null) body.max_bet = o.max_bet;
      if (o.max_conversion !== null) body.max_conversion = o.max_conversion;
      const r = await call(s.url, 'POST', `/v1/players/${p.id}/bonuses`, body, {
        ...ADMIN,
        'idempotency-key': randomUUID(),
      });
      assert.equal(r.status, 201, `${where}: ${r.text}`);
      const g: Grant = {
        id: r.json.bonusId,
        amount: BigInt(o.amount),
        required: BigInt(o.amount) * BigInt(o.multiplier),
        wagered: 0n,
        status: 'pending',
        max_bet: o.max_bet === null ? null : BigInt(o.max_bet),
        max_conversion: o.max_conversion === null ? null : BigInt(o.max_conversion),
        short: o.short,
        due: false,
      };
      p.grants.push(g);
      if (!model.active(p)) model.activateNext(p);
      assert.equal(r.json.status, g.status, `${where}: grant status`);
      assert.equal(BigInt(r.json.bonus_balance), g.status === 'active' ? p.bonus : 0n, `${where}: bonus_balance`);
      if (o.short) shorts.until_ms = Date.now() + SHORT_EXPIRY_MS + 50;
      return;
    }
    case 'bet':
    case 'win': {
      const id = `${run}-${randomUUID()}`;
      const round = roundId(run, o.player, o.round);
      const game = o.type === 'bet' && o.table ? 'demo:blackjack' : 'demo:starburst';
      const expected =
        o.type === 'bet'
          ? model.bet(p, round, BigInt(o.amount), o.table, id)
          : model.win(p, round, BigInt(o.amount), id);
      const r = await aggregator(p, round, game, [{ action: o.type, action_id: id, amount: o.amount }]);
      check(where, r, expected);
      return;
    }
    case 'rollback': {
      const done = p.actions;
      if (done.length === 0) return;
      const original = done[o.pick % done.length];
      const expected = model.rollback(p, original);
      const r = await aggregator(p, original.round, 'demo:starburst', [
        { action: 'rollback', action_id: `${run}-${randomUUID()}`, original_action_id: original.id },
      ]);
      check(where, r, expected);
      return;
    }
    case 'forfeit': {
      if (p.grants.length === 0) return;
      const g = p.grants[o.pick % p.grants.length];
      const live = g.status === 'active' || g.status === 'pending';
      if (g.status === 'active') model.end(p, g, 'forfeited');
      else if (g.status === 'pending') g.status = 'forfeited';
      const r = await call(s.url, 'POST', `/v1/players/${p.id}/bonuses/${g.id}/forfeit`, undefined, {
        ...ADMIN,
        'idempotency-key': randomUUID(),
      });
      assert.equal(r.status, live ? 200 : 409, `${where}: ${r.text}`);
      if (live) assert.equal(r.json.status, 'forfeited', where);
      else assert.equal(r.json.code, 'BONUS_NOT_ACTIVE', where);
      return;
    }
  }
}

function check(where: string, r: { status: number; json: any; text: string }, expected: Expected): void {
  assert.equal(r.status, expected.status, `${where}: ${r.text}`);
  if (expected.code !== undefined) assert.equal(r.json.code, expected.code, `${where}: ${r.text}`);
  if (expected.balance !== undefined) assert.equal(BigInt(r.json.balance), expected.balance, `${where}: balance`);
}

/** Wallets and grants as the model has them; each player is touched first, so a due grant has ended. */
async function compareAll(model: Model, run: string): Promise<void> {
  for (const p of model.players) {
    await step(model, run, { type: 'topup', player: model.players.indexOf(p), amount: 1 }, { until_ms: 0 });
    const w = await wallet(s, p.id);
    assert.equal(BigInt(w.balances.USD ?? 0), p.cash, `${run} ${p.id}: cash`);
    assert.equal(BigInt(w.bonus_balances.USD ?? 0), p.bonus, `${run} ${p.id}: bonus`);
    const listed = new Map((await bonuses(s, p.id)).map((g: any) => [g.bonusId, g]));
    for (const g of p.grants) {
      const l = listed.get(g.id);
      assert.ok(l, `${run}: grant ${g.id} listed`);
      assert.equal(l.status, g.status, `${run} ${g.id}: status`);
      assert.equal(BigInt(l.wagered), g.wagered, `${run} ${g.id}: wagered`);
      assert.equal(BigInt(l.bonus_balance), g.status === 'active' ? p.bonus : 0n, `${run} ${g.id}: bonus_balance`);
    }
  }
}

let runs = 0;
test('random grants, bets, wins, rollbacks, expiries and forfeits agree with an in-memory model of SPEC §5', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 20, maxLength: 40 }), async (ops) => {
      const run = `${process.pid}-${runs++}`;
      const model = new Model(run);
      const shorts = { until_ms: 0 };
      try {
        for (const o of ops) await step(model, run, o, shorts);
        await compareAll(model, run);
      } catch (error) {
        // fast-check reports the sequence; this says which request disagreed and how.
        console.error(String(error));
        throw error;
      }
    }),
    { numRuns: 10, seed: Number(process.env.BONUS_PROPERTY_SEED ?? 20261201), endOnFailure: true },
  );
});
