import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ledger } from '../../src/ledger/service.ts';
import type { BatchParticipant, CommandHandler } from '../../src/ledger/command.ts';
import { LIVE_CHANNEL } from '../../src/platform/live.ts';
import { playerAccount, systemAccount } from '../../src/ledger/types.ts';
import { refuse, succeed } from '../../src/platform/outcome.ts';
import { LEDGER_ERRORS, LedgerUnavailableError } from '../../src/ledger/errors.ts';
import { JournaledList } from '../../src/ledger/journal.ts';
import { ledgerMetrics } from '../../src/platform/metrics.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { lockAccounts } from '../../src/ledger/store.ts';
import type { TransactionSql } from '../../src/db/sql.ts';

/** The group-commit writer's own contract: protocol rows commit with the money, or nothing does. */
let db: TestDatabase;
let ledger: Ledger;
const logger = createLogger('silent');
const house = systemAccount('house', 'USD');

before(async () => {
  db = await createTestDatabase();
  ledger = new Ledger(db.sql, logger);
  await db.sql`create table writer_test_rows (id text primary key, note text not null check (note <> 'bad'))`;
  assert.ok(
    (
      await ledger.execute([
        { from: systemAccount('treasury', 'USD'), to: playerAccount('w', 'USD'), amount_minor: 1_000n, kind: 'topup' },
      ])
    ).ok,
    'funded',
  );
});
after(async () => {
  await ledger.close();
  await db.drop();
});

type Input = { id: string; note: string; refuse?: boolean };

/** A bet of 10 per command; its row is journaled, so a refused command (refuse: true) leaves none. */
function betHandler(persist = true): CommandHandler<Input, string, JournaledList<Input>> {
  return {
    name: 'test.bet',
    state: (_rows, journal) => new JournaledList<Input>(journal),
    apply({ book }, input, rows) {
      const r = book.transfer({ from: playerAccount('w', 'USD'), to: house, amount_minor: 10n, kind: 'bet' });
      if (!r.ok) return refuse(LEDGER_ERRORS[r.refusal]);
      rows.push(input);
      return input.refuse ? refuse(LEDGER_ERRORS.IDEMPOTENCY_CONFLICT) : succeed(r.value.id);
    },
    persist: persist
      ? (tx, rows) => rows.toArray().map((d) => tx`insert into writer_test_rows values (${d.id}, ${d.note})`)
      : undefined,
  };
}

const needs = [
  { key: playerAccount('w', 'USD'), create: false },
  { key: house, create: true },
];
const balance = async () => (await ledger.account(playerAccount('w', 'USD')))!.balance_minor;

test('a persist returning unawaited statements commits them with the money', async () => {
  const handler = betHandler();
  const outcomes = await Promise.all(
    ['a1', 'a2', 'a3'].map((id) => ledger.submit({ handler, input: { id, note: 'ok' }, accounts: needs })),
  );
  assert.ok(
    outcomes.every((o) => o.ok),
    'all applied',
  );
  const rows = await db.sql`select id from writer_test_rows where id like 'a%' order by id`;
  assert.deepEqual(
    rows.map((r) => r.id),
    ['a1', 'a2', 'a3'],
  );
  assert.equal(await balance(), 970n);
});

test('a refused command loses its journaled rows with its money; its neighbours keep theirs', async () => {
  const handler = betHandler();
  const before_minor = await balance();
  const outcomes = await Promise.all(
    ['b1', 'b2', 'b3'].map((id) =>
      ledger.submit({ handler, input: { id, note: 'ok', refuse: id === 'b2' }, accounts: needs }),
    ),
  );
  assert.deepEqual(
    outcomes.map((o) => o.ok),
    [true, false, true],
  );
  assert.deepEqual(
    (await db.sql`select id from writer_test_rows where id like 'b%' order by id`).map((r) => r.id),
    ['b1', 'b3'],
  );
  assert.equal(await balance(), before_minor - 20n, 'the refused bet moved nothing');
});

test('a failing protocol statement rolls the money back too, and the caller gets the error', async () => {
  const handler = betHandler();
  const before_minor = await balance();
  await assert.rejects(
    ledger.submit({ handler, input: { id: 'c1', note: 'bad' }, accounts: needs }),
    /writer_test_rows_note_check/,
  );
  assert.equal(await balance(), before_minor, 'no money moved');
  assert.equal((await db.sql`select count(*)::int as n from writer_test_rows where id = 'c1'`)[0].n, 0);
  // The pool's connections are clean afterwards: the next batch commits normally.
  assert.ok(
    (await ledger.submit({ handler, input: { id: 'c2', note: 'ok' }, accounts: needs })).ok,
    'next batch applies',
  );
  assert.ok((await verifyLedger(db.sql)).passed, 'ledger verifies');
});

test('a bad command in a batch does not fail its neighbours (the batch is halved until it is alone)', async () => {
  const handler = betHandler();
  const results = await Promise.allSettled(
    ['d1', 'd2', 'd3'].map((id) =>
      ledger.submit({ handler, input: { id, note: id === 'd2' ? 'bad' : 'ok' }, accounts: needs }),
    ),
  );
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.equal((await db.sql`select count(*)::int as n from writer_test_rows where id in ('d1', 'd3')`)[0].n, 2);
});

test('one poison command among 64 costs its neighbours a few halvings, not 64 single batches', async () => {
  const handler = betHandler();
  const batches_before = await batchCount();
  const ids = Array.from({ length: 64 }, (_, i) => `p${i}`);
  const results = await Promise.allSettled(
    ids.map((id) => ledger.submit({ handler, input: { id, note: id === 'p17' ? 'bad' : 'ok' }, accounts: needs })),
  );
  assert.equal(results.filter((r) => r.status === 'rejected').length, 1);
  assert.equal((await db.sql`select count(*)::int as n from writer_test_rows where id like 'p%'`)[0].n, 63);
  // One failed batch, then at most two halves per level down to the poison: ~2·log2(64) batches.
  assert.ok((await batchCount()) - batches_before <= 16, `batches written: ${(await batchCount()) - batches_before}`);
});

async function batchCount(): Promise<number> {
  const metric = await ledgerMetrics.batch_size.get();
  return metric.values.find((v) => v.metricName === 'croupier_ledger_batch_size_count')?.value ?? 0;
}

test('a full queue refuses new commands with OVERLOADED instead of growing without bound', async () => {
  const small = new Ledger(db.sql, logger, { queue_length_max: 2 });
  try {
    const spec = [
      { from: systemAccount('treasury', 'USD'), to: playerAccount('q', 'USD'), amount_minor: 1n, kind: 'topup' },
    ];
    const submitted = Array.from({ length: 6 }, () => small.execute(spec));
    const settled = await Promise.allSettled(submitted);
    const refused = settled.filter((r) => r.status === 'rejected');
    assert.ok(refused.length > 0, 'some refused');
    assert.ok(
      refused.every(
        (r) =>
          r.status === 'rejected' && r.reason instanceof LedgerUnavailableError && r.reason.reason === 'overloaded',
      ),
      'refused as OVERLOADED',
    );
    const applied = settled.filter((r) => r.status === 'fulfilled').length;
    assert.equal((await small.account(playerAccount('q', 'USD')))!.balance_minor, BigInt(applied));
  } finally {
    await small.close();
  }
});

test("a participant's live messages are published with one NOTIFY after the batch is durable, none for a refused command, none while no process listens", async () => {
  const heard: string[] = [];
  const listening = await db.sql.listen(LIVE_CHANNEL, (payload) => heard.push(payload));
  const noisy: BatchParticipant<JournaledList<string>> = {
    name: 'test.noisy',
    state: (_rows, journal) => new JournaledList<string>(journal),
    persist: () => [],
    live: (ids) => ids.toArray().map((id) => ({ type: 'test', playerId: 'w', id })),
  };
  const live_ledger = new Ledger(db.sql, logger, { participants: [noisy as BatchParticipant<unknown>] });
  const handler: CommandHandler<Input, string, undefined> = {
    name: 'test.live',
    state: () => undefined,
    apply(batch, input) {
      batch.stateOf(noisy).push(input.id);
      return input.refuse ? refuse(LEDGER_ERRORS.IDEMPOTENCY_CONFLICT) : succeed(input.id);
    },
  };
  const idsHeard = () => heard.flatMap((payload) => (JSON.parse(payload) as { id: string }[]).map((m) => m.id)).sort();
  try {
    // Nobody registered as a listener (live_listeners), or only a process whose row expired: nothing is sent.
    await db.sql`insert into live_listeners values (gen_random_uuid(), now() - interval '1 second')`;
    await live_ledger.submit({ handler, input: { id: 'l0', note: 'ok' }, accounts: [] });
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(idsHeard(), [], 'no listener: not published');
    await db.sql`insert into live_listeners values (gen_random_uuid(), now() + interval '1 minute')`;
    await Promise.all(
      ['l1', 'l2', 'l3'].map((id) =>
        live_ledger.submit({ handler, input: { id, note: 'ok', refuse: id === 'l2' }, accounts: [] }),
      ),
    );
    const deadline = Date.now() + 2_000;
    while (idsHeard().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(idsHeard(), ['l1', 'l3']);
    assert.ok(heard.length <= 2, `${heard.length} notifications for at most two batches`);
  } finally {
    await db.sql`delete from live_listeners`;
    await listening.unlisten();
    await live_ledger.close();
  }
});

/** Players with 100 in cash and 7 in a second (bonus) account, for the tests of late and expected locks. */
async function fundWithSecondAccount(players: string[]): Promise<void> {
  for (const p of players) {
    const funded = await ledger.execute([
      { from: systemAccount('treasury', 'USD'), to: playerAccount(p, 'USD'), amount_minor: 100n, kind: 'topup' },
      { from: systemAccount('treasury', 'USD'), to: playerAccount(p, 'USD', 'bonus'), amount_minor: 7n, kind: 'topup' },
    ]);
    assert.ok(funded.ok);
  }
}

/** A handler that notes, per player, whether its batch holds the player's second account (with its 7). */
function secondAccountProbe(name: string) {
  const seen = new Map<string, boolean>();
  const handler: CommandHandler<{ player: string }, null, undefined> = {
    name,
    state: () => undefined,
    apply({ book }, { player }) {
      const bonus = playerAccount(player, 'USD', 'bonus');
      seen.set(player, book.exists(bonus) && book.balance(bonus) === 7n);
      return succeed(null);
    },
  };
  return { handler, seen };
}

test("late accounts: a participant's read decides what else is locked; commands' late needs join them, each once", async () => {
  // The participant asks for the second account of every player whose read found a marker row; a
  // batch of other players locks nothing more (what the bonus participant does for bonus accounts).
  await db.sql`create table late_test_markers (player text primary key)`;
  await db.sql`insert into late_test_markers values ('late-a')`;
  await fundWithSecondAccount(['late-a', 'late-b']);
  const marked: BatchParticipant<undefined, string[]> = {
    name: 'test.late',
    read: async (tx, commands) => {
      const players = commands.flatMap((c) =>
        c.accounts.filter((n) => n.key.kind === 'player').map((n) => n.key.owner),
      );
      const rows = await tx<{ player: string }[]>`select player from late_test_markers where player = any(${players})`;
      return rows.map((r) => r.player);
    },
    accounts: (players) =>
      (players ?? []).map((p) => ({ key: playerAccount(p, 'USD', 'bonus'), create: false, late: true })),
    state: () => undefined,
    persist: () => [],
  };
  const late_ledger = new Ledger(db.sql, logger, { participants: [marked as BatchParticipant<unknown>] });
  const { handler, seen } = secondAccountProbe('test.late-probe');
  const command = (player: string, extra: { late?: boolean }[] = []) => ({
    handler,
    input: { player },
    accounts: [
      { key: playerAccount(player, 'USD'), create: false },
      ...extra.map((e) => ({ key: playerAccount(player, 'USD', 'bonus'), create: false, ...e })),
    ],
  });
  try {
    // late-a: found by the read → locked late. late-b: not found → its second account is never locked.
    await Promise.all([late_ledger.submit(command('late-a')), late_ledger.submit(command('late-b'))]);
    assert.deepEqual(Object.fromEntries(seen), { 'late-a': true, 'late-b': false });
    // A command naming it late itself gets it; named by the command and asked for by the read: locked once.
    seen.clear();
    await Promise.all([
      late_ledger.submit(command('late-b', [{ late: true }])),
      late_ledger.submit(command('late-a', [{ late: true }])),
    ]);
    assert.deepEqual(Object.fromEntries(seen), { 'late-a': true, 'late-b': true });
  } finally {
    await late_ledger.close();
  }
});

test("late reads: a participant reads what its first read found and the handlers' references, and decides on that", async () => {
  await db.sql`create table late_read_notes (ref text primary key, note text not null)`;
  await db.sql`insert into late_read_notes values ('k1', 'one'), ('t1', 'uno'), ('k2', 'two')`;
  let references_asked = 0;
  const handler: CommandHandler<{ ref: string; transfer?: string }, string[], string[], string[]> = {
    name: 'test.late-read',
    read: async (_tx, inputs) => inputs.flatMap((i) => (i.transfer ? [i.transfer] : [])),
    state: (_rows, _journal) => [],
    apply: (batch) => succeed(batch.stateOf(noted)),
    references(inputs) {
      references_asked++;
      return { games: inputs.map((i) => i.ref) };
    },
    reversals(rows) {
      references_asked++;
      return rows ?? [];
    },
  };
  // Reads late only for batches whose first read said so (here: a command whose ref starts with k).
  const noted: BatchParticipant<string[], string[]> = {
    name: 'test.noted',
    read: async (_tx, commands) => commands.map((c) => (c.input as { ref: string }).ref),
    readLate: (tx, refs, references) =>
      refs?.some((r) => r.startsWith('k'))
        ? tx<{ note: string }[]>`
            select note from late_read_notes
            where ref = any(${references().games}) or ref = any(${references().transfer_ids}) order by note`.then(
            (rows) => rows.map((r) => r.note),
          )
        : undefined,
    state: (rows) => rows ?? [],
    persist: () => [],
  };
  const late_ledger = new Ledger(db.sql, logger, { participants: [noted as BatchParticipant<unknown>] });
  const command = (ref: string, transfer?: string) => ({
    handler: handler as CommandHandler<unknown, unknown, unknown>,
    input: { ref, transfer },
    accounts: [{ key: playerAccount('late-reader', 'USD'), create: true }],
  });
  try {
    const [a, b] = await Promise.all([late_ledger.submit(command('k1', 't1')), late_ledger.submit(command('k2'))]);
    assert.ok(a.ok && b.ok);
    // One batch or two: each command saw the notes its batch's references name.
    const notes = new Set([a, b].flatMap((o) => (o.ok ? (o.value as string[]) : [])));
    assert.deepEqual([...notes].sort(), ['one', 'two', 'uno']);
    assert.ok(references_asked >= 1);
    // No late read wanted: the first read's rows reach the state, and references are never computed.
    references_asked = 0;
    const c = await late_ledger.submit(command('x9'));
    assert.deepEqual(c.ok && c.value, ['x9']);
    assert.equal(references_asked, 0);
  } finally {
    await late_ledger.close();
  }
});

test("expected accounts: a participant's hint is locked in the first stage, each account once; a missed hint falls back to the second", async () => {
  await fundWithSecondAccount(['hint-a', 'hint-b', 'hint-c']);
  const second = (p: string) => ({ key: playerAccount(p, 'USD', 'bonus'), create: false, late: true });
  const players = (commands: readonly { input: unknown }[]) =>
    commands.map((c) => (c.input as { player: string }).player);
  // The hint names hint-a (and hint-c, whose account is locked for nothing); the read asks for hint-a and hint-b.
  let expected = ['hint-a', 'hint-c'];
  const hinted: BatchParticipant<undefined, string[]> = {
    name: 'test.hinted',
    expects: (commands) =>
      players(commands)
        .filter((p) => expected.includes(p))
        .map(second),
    read: async (_tx, commands) => players(commands).filter((p) => p !== 'hint-c'),
    accounts: (found) => (found ?? []).map(second),
    state: () => undefined,
    persist: () => [],
  };
  const hint_ledger = new Ledger(db.sql, logger, { participants: [hinted as BatchParticipant<unknown>] });
  const { handler, seen } = secondAccountProbe('test.hint-probe');
  const command = (player: string, late_too = false) => ({
    handler,
    input: { player },
    accounts: [{ key: playerAccount(player, 'USD'), create: false }, ...(late_too ? [second(player)] : [])],
  });
  try {
    // The directory learns the ids on a first batch (a hint names only accounts it already knows).
    await Promise.all(['hint-a', 'hint-b', 'hint-c'].map((p) => hint_ledger.submit(command(p, true))));
    seen.clear();
    const outcomes = await Promise.all([
      hint_ledger.submit(command('hint-a', true)),
      hint_ledger.submit(command('hint-b')),
      hint_ledger.submit(command('hint-c')),
    ]);
    assert.ok(outcomes.every((o) => o.ok));
    // hint-a: expected, asked for by the read and named late by its command — locked once (the book asserts it);
    // hint-b: missed by the hint, locked in the second stage; hint-c: expected only, locked all the same.
    assert.deepEqual(Object.fromEntries(seen), { 'hint-a': true, 'hint-b': true, 'hint-c': true });
    // A hint naming an early account is a bug in the participant, refused before anything is locked.
    expected = [];
    const early_hint: BatchParticipant<undefined> = {
      name: 'test.early-hint',
      expects: () => [{ key: playerAccount('hint-a', 'USD'), create: false }],
      state: () => undefined,
      persist: () => [],
    };
    const wrong = new Ledger(db.sql, logger, { participants: [early_hint as BatchParticipant<unknown>] });
    try {
      await assert.rejects(wrong.submit(command('hint-a')), /an expected account is a late one/);
    } finally {
      await wrong.close();
    }
  } finally {
    await hint_ledger.close();
  }
  assert.ok((await verifyLedger(db.sql)).passed);
});

test('one lock statement takes the early accounts by id, then the late ones by id (the global lock order)', async () => {
  await fundWithSecondAccount(['order-a', 'order-b']);
  const ids = await db.sql<{ id: bigint; purpose: string; owner: string }[]>`
    select id, purpose, owner from accounts where owner in ('order-a', 'order-b') order by id`;
  const early = ids.filter((r) => r.purpose === 'cash').map((r) => r.id);
  const late = ids.filter((r) => r.purpose === 'bonus').map((r) => r.id);
  // Interleaved ids (a cash, a bonus, b cash, b bonus): an order by id alone would mix the stages.
  assert.ok(late[0] < early[1], 'the fixture interleaves the stages');
  const locked = await db.sql.begin((tx) =>
    lockAccounts(tx as unknown as TransactionSql, [...early].reverse(), [...late].reverse()),
  );
  // Rows come back in the order they were locked: the sort runs before the lock.
  assert.deepEqual(
    locked.map((a) => a.id),
    [...early, ...late],
  );
});

test('a batch plans every statement as key look-ups: no sequential scan, no hash or merge join, an UPDATE … FROM unnest() a nested loop', async () => {
  await db.sql`create table plan_probe (id int primary key, n int not null)`;
  await db.sql`insert into plan_probe select g, 0 from generate_series(1, 2000) g`;
  await db.sql`analyze plan_probe`;
  const seen: { settings: string[]; plan: string } = { settings: [], plan: '' };
  const handler: CommandHandler<null, null, null> = {
    name: 'test.plan-probe',
    read: async (tx) => {
      const [row] = await tx<{ s: string; h: string; m: string }[]>`
        select current_setting('enable_seqscan') as s, current_setting('enable_hashjoin') as h,
               current_setting('enable_mergejoin') as m`;
      seen.settings = [row.s, row.h, row.m];
      // The shape of every batch write (balances, grants): an UPDATE joined with unnest() of the batch's keys.
      const ids = Array.from({ length: 40 }, (_, i) => String(i * 37 + 1));
      const plan = await tx.unsafe(
        `explain update plan_probe p set n = v.n from unnest($1::int[], $2::int[]) as v(id, n) where p.id = v.id`,
        [ids, ids],
      );
      seen.plan = plan.map((r) => String(r['QUERY PLAN'])).join('\n');
      return null;
    },
    state: () => null,
    apply: () => succeed(null),
  };
  const outcome = await ledger.submit({
    handler: handler as CommandHandler<unknown, unknown, unknown>,
    input: null,
    accounts: needs,
  });
  assert.ok(outcome.ok);
  assert.deepEqual(seen.settings, ['off', 'off', 'off']);
  assert.match(seen.plan, /Nested Loop/);
  assert.doesNotMatch(seen.plan, /Hash Join|Merge Join|Seq Scan on plan_probe/);
});

test('every committed batch reports its four phases once (read, late, decide, write)', async () => {
  const counts = async () => {
    const metric = await ledgerMetrics.batch_phase_seconds.get();
    const count = (phase: string) =>
      metric.values.find(
        (v) => v.metricName === 'croupier_ledger_batch_phase_seconds_count' && v.labels.phase === phase,
      )?.value ?? 0;
    return { read: count('read'), late: count('late'), decide: count('decide'), write: count('write') };
  };
  const batches_before = await batchCount();
  const before = await counts();
  const handler = betHandler();
  const outcomes = await Promise.all(
    ['ph1', 'ph2', 'ph3'].map((id) => ledger.submit({ handler, input: { id, note: 'ok' }, accounts: needs })),
  );
  assert.ok(outcomes.every((o) => o.ok));
  const batches = (await batchCount()) - batches_before;
  const after = await counts();
  assert.ok(batches >= 1);
  for (const phase of ['read', 'late', 'decide', 'write'] as const)
    assert.equal(after[phase] - before[phase], batches, `${phase} observed once per batch`);
});
