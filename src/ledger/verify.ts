import type { Sql } from '../db/sql.ts';

/**
 * `croupier verify`: recompute everything the ledger claims from the transfers alone (SPEC §1).
 * Each check returns the first offending rows (bounded) and a count.
 */
export interface VerifyCheck {
  name: string;
  passed: boolean;
  detail: string;
  examples: Record<string, unknown>[];
}

export interface VerifyReport {
  passed: boolean;
  accounts: number;
  transfers: number;
  checks: VerifyCheck[];
}

const EXAMPLES_MAX = 10;

async function check(
  name: string,
  sql: Sql,
  query: () => Promise<Record<string, unknown>[]>,
  describe: (n: number) => string,
): Promise<VerifyCheck> {
  const rows = await query();
  return { name, passed: rows.length === 0, detail: describe(rows.length), examples: rows.slice(0, EXAMPLES_MAX) };
}

export async function verifyLedger(sql: Sql, onProgress?: (step: string) => void): Promise<VerifyReport> {
  const [{ accounts, transfers }] = await sql`
    select (select count(*) from accounts) as accounts, (select count(*) from transfers) as transfers`;
  const step = (s: string) => onProgress?.(s);
  const checks: VerifyCheck[] = [];

  step('recomputing every balance from the transfers');
  checks.push(
    await check(
      'balances recomputed from transfers',
      sql,
      () => sql`
    with moved as (
      select from_account_id as id, -sum(amount_minor) as delta, count(*) as n from transfers group by 1
      union all
      select to_account_id, sum(amount_minor), count(*) from transfers group by 1
    ), totals as (select id, sum(delta) as recomputed, sum(n) as postings from moved group by id)
    select a.id, a.kind, a.owner, a.asset, a.balance_minor::text as stored,
           coalesce(t.recomputed, 0)::text as recomputed, a.version::text as version, coalesce(t.postings, 0)::text as postings
    from accounts a left join totals t on t.id = a.id
    where a.balance_minor <> coalesce(t.recomputed, 0) or a.version <> coalesce(t.postings, 0)
    order by a.id limit ${EXAMPLES_MAX + 1}`,
      (n) =>
        n === 0
          ? 'every stored balance and posting count equals its recomputation'
          : `${n > EXAMPLES_MAX ? `more than ${EXAMPLES_MAX}` : n} account(s) disagree with their transfers`,
    ),
  );

  step('checking the zero sum per asset');
  checks.push(
    await check(
      'zero sum per asset',
      sql,
      () => sql`
    select asset, sum(balance_minor)::text as total from accounts group by asset having sum(balance_minor) <> 0`,
      (n) => (n === 0 ? 'every asset sums to exactly 0 across all accounts' : `${n} asset(s) do not sum to 0`),
    ),
  );

  step('walking every balance-after chain');
  checks.push(
    await check(
      'balance-after chains',
      sql,
      () => sql`
    with postings as (
      select from_account_id as account_id, from_version as version, -amount_minor as delta, from_balance_after_minor as after, id from transfers
      union all
      select to_account_id, to_version, amount_minor, to_balance_after_minor, id from transfers
    ), chained as (
      select account_id, version, delta, after, id,
             lag(after, 1, 0::bigint) over w as previous_after, row_number() over w as position
      from postings window w as (partition by account_id order by version)
    )
    select account_id, version::text, id as transfer_id, previous_after::text, delta::text, after::text
    from chained where after <> previous_after + delta or version <> position
    order by account_id, version limit ${EXAMPLES_MAX + 1}`,
      (n) =>
        n === 0
          ? "every posting continues its account's previous balance, versions contiguous"
          : `${n > EXAMPLES_MAX ? `more than ${EXAMPLES_MAX}` : n} broken link(s)`,
    ),
  );

  step('checking limits and assets');
  checks.push(
    await check(
      'no account below its floor',
      sql,
      () => sql`
    select id, kind, owner, asset, balance_minor::text from accounts
    where (overdraft_limit_minor is not null and balance_minor < -overdraft_limit_minor)
       or (kind = 'player' and overdraft_limit_minor is null) limit ${EXAMPLES_MAX + 1}`,
      (n) => (n === 0 ? 'no player below zero (or below an explicit overdraft)' : `${n} account(s) below their floor`),
    ),
  );
  checks.push(
    await check(
      'transfers reference existing accounts and transfers',
      sql,
      () => sql`
    select t.id from transfers t
    left join accounts f on f.id = t.from_account_id
    left join accounts c on c.id = t.to_account_id
    left join transfers o on o.id = t.reverses_id
    where f.id is null or c.id is null or (t.reverses_id is not null and o.id is null)
    limit ${EXAMPLES_MAX + 1}`,
      (n) =>
        n === 0
          ? 'every transfer names two existing accounts (and an existing reversed transfer)'
          : `${n} transfer(s) with dangling references`,
    ),
  );
  checks.push(
    await check(
      'transfers stay within one asset',
      sql,
      () => sql`
    select t.id from transfers t join accounts f on f.id = t.from_account_id join accounts c on c.id = t.to_account_id
    where f.asset <> t.asset or c.asset <> t.asset limit ${EXAMPLES_MAX + 1}`,
      (n) => (n === 0 ? "both sides of every transfer hold the transfer's asset" : `${n} transfer(s) cross assets`),
    ),
  );
  checks.push(
    await check(
      'reversals point backwards',
      sql,
      () => sql`
    select t.id, t.reverses_id from transfers t join transfers o on o.id = t.reverses_id
    where o.created_at > t.created_at or o.asset <> t.asset limit ${EXAMPLES_MAX + 1}`,
      (n) =>
        n === 0
          ? 'every correction references an earlier transfer of its asset'
          : `${n} reversal(s) reference a later or foreign transfer`,
    ),
  );

  return { passed: checks.every((c) => c.passed), accounts: Number(accounts), transfers: Number(transfers), checks };
}

/** JSON with bigints as strings (ids and amounts in the report). */
export function reportJson(value: unknown, space?: number): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), space);
}

export function formatReport(report: VerifyReport): string {
  const lines = [`Ledger verification: ${report.accounts} accounts, ${report.transfers} transfers`];
  for (const c of report.checks) {
    lines.push(`  ${c.passed ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`);
    for (const example of c.examples) lines.push(`          ${reportJson(example)}`);
  }
  lines.push(report.passed ? 'Result: PASS — the ledger is consistent.' : 'Result: FAIL — discrepancies listed above.');
  return lines.join('\n');
}
