import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { freePort } from '../../src/db/free-port.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startTestServer } from '../support/server.ts';

const CLI_TIMEOUT_MS = 240_000;

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.drop();
});

function simulate(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/croupier.js', 'simulate', ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

const ARGS = [
  '--players',
  '4',
  '--rounds',
  '300',
  '--drop-rate',
  '0.05',
  '--seed',
  '7',
  '--concurrency',
  '8',
  '--chunk',
  '50',
  '--json',
];

test("croupier simulate with 5 % lost answers ends verified, with retries, every balance matching the provider's record", async () => {
  const run = await simulate(ARGS, { DATABASE_URL: db.url });
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  const report = JSON.parse(run.stdout);
  assert.equal(report.rounds, 300);
  assert.ok(report.retries > 0 && report.dropped > 0, `retries ${report.retries}`);
  assert.equal(report.unresolved, 0);
  assert.equal(report.balances_matched, 4);
  assert.equal(report.verify.passed, true);
  assert.deepEqual(
    report.games.map((g: { game_id: string }) => g.game_id),
    ['1', '2'],
  );
  for (const g of report.games) assert.ok(g.ci95_low < g.measured_rtp && g.measured_rtp < g.ci95_high);
  assert.match(run.stderr, /simulate: 100% 300\/300 rounds/, 'plain progress lines when stderr is not a terminal');

  // Independently of the CLI's own check: each player's ledger balance = funding + what the provider says it moved.
  const players = await db.sql`
    select a.owner, a.balance_minor - 1000000 as delta,
      (select coalesce(sum(case c.kind when 'credit' then c.amount_minor when 'debit' then -c.amount_minor
                                 else case when d.state = 'ok' then c.amount_minor else 0 end end), 0)
       from provider_calls c join provider_rounds r using (round_id) left join provider_calls d on d.external_transaction_id = c.original_transaction_id
       where r.user_id = a.owner and c.state = 'ok')::bigint as recorded
    from accounts a where a.kind = 'player' and a.owner like 'sim-%'`;
  assert.equal(players.length, 4);
  for (const p of players) assert.equal(p.delta, p.recorded, p.owner);
  assert.ok((await verifyLedger(db.sql)).passed);

  // Same seed, same outcomes and the same lost answers: the run replays.
  const again = JSON.parse((await simulate(ARGS, { DATABASE_URL: db.url })).stdout);
  const totals = (r: typeof report) =>
    r.games.map((g: { bet_minor: number; win_minor: number }) => [g.bet_minor, g.win_minor]);
  assert.deepEqual(totals(again), totals(report));
  assert.equal(again.retries, report.retries);
});

test('--url drives a running server, funding players through the wallet API', async () => {
  const server = await startTestServer();
  try {
    const run = await simulate(['--url', server.url, '--players', '2', '--rounds', '40', '--json'], {
      DATABASE_URL: server.db.url,
    });
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const report = JSON.parse(run.stdout);
    assert.equal(report.rounds, 40);
    assert.equal(report.balances_matched, 2);
    assert.equal(report.verify.passed, true);
  } finally {
    await server.close();
  }
});

test('bad options exit 2 with a message naming the option', async () => {
  const run = await simulate(['--drop-rate', '0.9'], { DATABASE_URL: db.url });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--drop-rate/);
});

test('a server that does not answer: exit 1 with one line naming the address, no stack trace', async () => {
  const port = await freePort();
  const run = await simulate(['--url', `http://127.0.0.1:${port}`, '--players', '1', '--rounds', '1'], {
    DATABASE_URL: db.url,
  });
  assert.equal(run.code, 1, run.stderr);
  assert.match(
    run.stderr,
    new RegExp(`croupier simulate: cannot connect \\(ECONNREFUSED at 127\\.0\\.0\\.1:${port}\\)`),
  );
  assert.doesNotMatch(run.stderr, /\n\s+at /);
});
