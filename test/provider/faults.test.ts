import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { ProviderService } from '../../src/provider/service.ts';
import { CALLBACK_ATTEMPTS_MAX } from '../../src/provider/limits.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { balanceOf, casino, newPlayer, provider } from '../seamless/helpers.ts';
import { startProxy, type Proxy } from './proxy.ts';

/** The provider reaches the casino only through the proxy, which loses what each test tells it to. */
let proxy: Proxy;
let s: TestServer;
before(async () => {
  proxy = await startProxy();
  s = await startTestServer({ CASINO_URL: proxy.url });
  proxy.target = s.url;
});
after(async () => {
  await s.close();
  await proxy.close();
});
beforeEach(() => {
  proxy.policy = () => 'forward';
});

const lose = (kind: string, verdict: 'drop' | 'swallow') => (path: string) =>
  path === `/casino/${kind}` ? verdict : 'forward';

/** The player's balance change implied by the provider's own record of what the casino confirmed. */
async function providerRecord(token: string): Promise<bigint> {
  const [row] = await s.db.sql`
    select coalesce(sum(case when c.kind = 'credit' then c.amount_minor when c.kind = 'debit' then -c.amount_minor else 0 end), 0)::bigint as net,
           coalesce(sum(case when c.kind = 'rollback' and d.state = 'ok' then c.amount_minor else 0 end), 0)::bigint as refunds
    from provider_calls c join provider_rounds r using (round_id)
    left join provider_calls d on d.external_transaction_id = c.original_transaction_id
    where r.session_token = ${token} and c.state = 'ok'`;
  return row.net + row.refunds;
}

async function roundStatuses(token: string): Promise<Record<string, number>> {
  const rows = await s.db
    .sql`select status, count(*)::int as n from provider_rounds where session_token = ${token} group by status`;
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

describe('fault injection and recovery', () => {
  test('with 5 % of answers lost, rounds are retried with the same ids: verified ledger, no double charge, balances match the provider', async () => {
    const p = await newPlayer(s, 1_000_000n, '1');
    const r = await provider(s.url, '/provider/simulate', {
      sessionToken: p.token,
      rounds: 400,
      concurrency: 8,
      dropRate: 0.05,
      seed: 5,
      firstRound: 0,
    });
    assert.equal(r.status, 200, r.text);
    const { summary, initialBalance, finalBalance } = r.json;
    assert.ok(summary.retries > 0 && summary.dropped > 0, `retries ${summary.retries}`);
    assert.equal(summary.unresolved, 0);
    assert.equal(finalBalance - initialBalance, summary.balanceDeltaMinor);
    assert.equal((await balanceOf(s, p.user)) - 1_000_000n, await providerRecord(p.token));
    const [dupes] = await s.db
      .sql`select count(*)::int as n from (select external_id from transfers where scope = 'seamless' group by external_id having count(*) > 1) x`;
    assert.equal(dupes.n, 0);
    const [casino_debits] = await s.db
      .sql`select count(*)::int as n from seamless_transactions where session_token = ${p.token} and kind = 'debit'`;
    assert.equal(
      casino_debits.n,
      summary.settled + summary.rolledBack,
      'one debit per round the casino saw, however many times it was sent',
    );
    assert.ok((await verifyLedger(s.db.sql)).passed);
  });

  test('a bet whose answer never comes back is rolled back: the player keeps the money', async () => {
    const p = await newPlayer(s, 10_000n, '2');
    proxy.policy = lose('debit', 'drop');
    const r = await provider(s.url, '/provider/simulate', { sessionToken: p.token, rounds: 3 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.summary.rolledBack, 3);
    assert.equal(r.json.summary.rollbacks, 3);
    assert.equal(r.json.summary.retries, 3 * (CALLBACK_ATTEMPTS_MAX - 1));
    assert.deepEqual(await roundStatuses(p.token), { rolled_back: 3 });
    assert.equal(await balanceOf(s, p.user), 10_000n);
    const rows = await s.db
      .sql`select kind, transfer_id is not null as moved from seamless_transactions where session_token = ${p.token} order by created_at`;
    assert.deepEqual(rows.filter((x) => x.kind === 'debit').length, 3, 'the casino applied each debit once');
    assert.ok(
      rows.filter((x) => x.kind === 'rollback').every((x) => x.moved),
      'and refunded each',
    );
  });

  test('a bet that never reached the casino leaves a tombstone; when it finally arrives it is refused', async () => {
    const p = await newPlayer(s, 10_000n, '1');
    proxy.policy = lose('debit', 'swallow');
    const r = await provider(s.url, '/provider/simulate', { sessionToken: p.token, rounds: 1 });
    assert.equal(r.json.summary.rolledBack, 1);
    const [call] = await s.db
      .sql`select c.external_transaction_id, c.amount_minor, r.round_id from provider_calls c join provider_rounds r using (round_id) where r.session_token = ${p.token} and c.kind = 'debit'`;
    const [tombstone] = await s.db
      .sql`select kind from seamless_transactions where external_transaction_id = ${call.external_transaction_id}`;
    assert.equal(tombstone.kind, 'tombstone');
    const late = await casino(s.url, '/casino/debit', {
      ...p.base,
      externalTransactionId: call.external_transaction_id,
      roundId: call.round_id,
      amount: Number(call.amount_minor),
    });
    assert.equal(late.status, 409);
    assert.equal(late.json.code, 'TRANSACTION_ROLLED_BACK');
    assert.equal(await balanceOf(s, p.user), 10_000n);
  });

  test('a payout whose answer is lost is never rolled back; recovery re-sends it with the same id and it is applied once', async () => {
    const p = await newPlayer(s, 10_000n, '2');
    proxy.policy = lose('credit', 'drop');
    const r = await provider(s.url, '/provider/simulate', {
      sessionToken: p.token,
      rounds: 6,
      seed: 11,
      firstRound: 0,
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.summary.unresolved, 6);
    assert.equal(r.json.summary.rollbacks, 0);
    const [{ wins }] = await s.db
      .sql`select coalesce(sum(win_minor), 0)::bigint as wins from provider_rounds where session_token = ${p.token}`;
    assert.equal(
      await balanceOf(s, p.user),
      10_000n - 600n + wins,
      'the casino applied every credit although the provider never heard back',
    );
    proxy.policy = () => 'forward';
    await s.db.sql`update provider_rounds set updated_at = now() - interval '1 hour' where session_token = ${p.token}`;
    const recovery = new ProviderService(s.ctx);
    try {
      assert.deepEqual(await recovery.recover(), { resumed: 6, settled: 6 });
    } finally {
      await recovery.close();
    }
    assert.deepEqual(await roundStatuses(p.token), { settled: 6 });
    assert.equal(await balanceOf(s, p.user), 10_000n - 600n + wins, 'replayed credits moved nothing more');
    assert.equal((await balanceOf(s, p.user)) - 10_000n, await providerRecord(p.token));
  });

  test('a round left pending by a crash is resumed from scratch with the same ids', async () => {
    const p = await newPlayer(s, 10_000n, '1');
    // What a crash after the write-ahead leaves: a pending round, its debit already applied, nothing recorded.
    proxy.policy = () => 'swallow';
    const crashed = await provider(s.url, '/provider/simulate', { sessionToken: p.token, rounds: 1 });
    assert.equal(crashed.status, 502, 'the casino is unreachable: not even the opening balance');
    proxy.policy = () => 'forward';
    const round_id = 'jq-crashed-round';
    await s.db
      .sql`insert into provider_rounds (round_id, session_token, user_id, game_id, currency, rng_seed, round_number, bet_minor, win_minor, status, updated_at)
      values (${round_id}, ${p.token}, ${p.user}, '1', 'USD', 1, 0, 100, 150, 'pending', now() - interval '1 hour')`;
    assert.equal(
      (
        await casino(s.url, '/casino/debit', {
          ...p.base,
          externalTransactionId: `${round_id}:debit`,
          roundId: round_id,
          amount: 100,
        })
      ).status,
      200,
    );
    const recovery = new ProviderService(s.ctx);
    try {
      await recovery.recover();
    } finally {
      await recovery.close();
    }
    assert.deepEqual(await roundStatuses(p.token), { settled: 1 });
    assert.equal(await balanceOf(s, p.user), 10_050n, 'the debit was not taken twice and the win was paid');
  });
});
