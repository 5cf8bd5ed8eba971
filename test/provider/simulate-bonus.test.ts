import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

/** `croupier simulate --bonus` (SPEC §5, §9): players start with a bonus instead of cash. */
const CLI_TIMEOUT_MS = 240_000;

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.drop();
});

function simulate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/croupier.js', 'simulate', ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: db.url },
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

/** Sum of the transfers of one kind that belong to this run's players' grants, straight from the ledger. */
async function ledgerSum(kind: string, users: string[]): Promise<number> {
  const [row] = await db.sql`
    select coalesce(sum(t.amount_minor), 0)::bigint as total from transfers t join bonuses b on b.id::text = t.metadata->>'bonus_id'
    where t.kind = ${kind} and b.player = any(${users}::text[])`;
  return Number(row.total);
}

test('slot players wager their bonus to conversion: the capped part goes back to the pool, balances match, the ledger verifies', async () => {
  // 4 players × 100 rounds of 1.00 on the slot (100 % contribution): 100.00 wagered each = 100.00 × 1.
  const run = await simulate([
    '--bonus',
    '--max-conversion',
    '5000',
    '--players',
    '4',
    '--rounds',
    '400',
    '--game',
    '1',
    '--seed',
    '11',
    '--concurrency',
    '8',
    '--json',
  ]);
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  const report = JSON.parse(run.stdout);
  assert.equal(report.verify.passed, true);
  assert.equal(report.rounds, 400);
  const bonus = report.bonus;
  assert.equal(bonus.granted, 4);
  assert.equal(bonus.amount_minor, 10_000);
  assert.equal(bonus.wagering_multiplier, 1);
  assert.equal(bonus.converted.count, 4, JSON.stringify(bonus));
  assert.equal(bonus.wagered_minor, 4 * 10_000, 'every stake counted once, until the requirement was met');
  assert.equal(bonus.converted.to_cash_minor, 4 * 5_000, 'each conversion capped at 50.00');
  assert.equal(report.balances_matched, 4, 'playable balance = bonus + record − what the cap returned to the pool');

  // The report agrees with the ledger, and no player held any cash before the bonus.
  const users: string[] = (await db.sql`select distinct player from bonuses`).map((r) => r.player);
  assert.equal(users.length, 4);
  assert.equal(await ledgerSum('bonus_grant', users), 4 * 10_000);
  assert.equal(await ledgerSum('bonus_convert', users), bonus.converted.to_cash_minor);
  assert.equal(await ledgerSum('bonus_convert_excess', users), bonus.converted.excess_minor);
  assert.ok(bonus.converted.excess_minor > 0);
  const [{ topups }] = await db.sql`
    select count(*)::int as topups from transfers t join accounts a on a.id = t.to_account_id
    where a.owner = any(${users}::text[]) and t.kind not in ('bonus_grant', 'bonus_convert', 'win', 'bonus_win', 'rollback', 'bonus_rollback')`;
  assert.equal(topups, 0, 'players start with a bonus instead of cash');
  assert.ok((await verifyLedger(db.sql)).passed);
});

test('grants that expire mid-run are reported as expired with what returned to the pool; the ledger verifies', async () => {
  // Coin flip counts 10 %: 2 × 1,500 rounds never meet ×100; the grants expire 1 s in, while rounds still run.
  const run = await simulate([
    '--bonus',
    '--bonus-amount',
    '500000',
    '--wagering',
    '100',
    '--bonus-expires-s',
    '1',
    '--players',
    '2',
    '--rounds',
    '3000',
    '--game',
    '2',
    '--concurrency',
    '2',
    '--chunk',
    '50',
    '--json',
  ]);
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  const report = JSON.parse(run.stdout);
  const bonus = report.bonus;
  assert.equal(bonus.expired.count, 2, JSON.stringify(bonus));
  assert.equal(bonus.converted.count + bonus.active.count, 0);
  const users: string[] = (await db.sql`select player from bonuses where status = 'expired'`).map((r) => r.player);
  assert.equal(await ledgerSum('bonus_expire', users), bonus.expired.returned_minor);
  assert.ok(bonus.expired.returned_minor > 0);
  assert.ok(report.games[0].refused > 0, 'without cash, the rounds after the expiry are refused');
  assert.equal(report.verify.passed, true);
});

test('a bonus option without --bonus is a usage error naming it', async () => {
  const run = await simulate(['--wagering', '5']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--wagering needs --bonus/);
});
