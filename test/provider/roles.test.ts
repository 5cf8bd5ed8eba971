import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../../src/db/free-port.ts';
import { spawnNode, type Child } from '../../src/platform/child-process.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { ADMIN, balanceOf, newPlayer, provider } from '../seamless/helpers.ts';

/** Start-up of a separate process (tsx compile, pool, migrations check) on a loaded machine. */
const PROCESS_START_TIMEOUT_MS = 60_000;

let api: TestServer;
let child: Child;
let provider_url: string;

before(async () => {
  const port = await freePort();
  provider_url = `http://127.0.0.1:${port}`;
  api = await startTestServer({ PROVIDER_URL: provider_url }, new Set(['api']));
  // The provider as its own OS process, as an operator would run it: `croupier start --role provider`.
  child = await spawnNode({
    name: 'provider',
    args: ['bin/croupier.js', 'start', '--role', 'provider', '--port', String(port)],
    env: { ...process.env, DATABASE_URL: api.db.url, CASINO_URL: api.url, HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    port,
    ready_timeout_ms: PROCESS_START_TIMEOUT_MS,
  });
});

after(async () => {
  await child?.stop();
  await api.close();
});

test('each process serves only its role: no provider routes on the casino, no casino routes on the provider', async () => {
  assert.equal((await provider(api.url, '/provider/simulate', { sessionToken: 'x' })).status, 404);
  assert.equal((await call(provider_url, 'POST', '/casino/getBalance', {})).status, 404);
  assert.equal(
    (await call(provider_url, 'POST', '/casino/launchGame', { userId: '1', gameId: '1', currency: 'USD' }, ADMIN))
      .status,
    404,
  );
});

test('simulateRound on the casino drives the provider process, whose callbacks come back over HTTP', async () => {
  const p = await newPlayer(api, 20_000n, '1');
  const r = await call(
    api.url,
    'POST',
    '/casino/simulateRound',
    { userId: p.user, gameId: '1', currency: 'USD' },
    ADMIN,
  );
  assert.equal(r.status, 200, r.text);
  const [, , bet1, bet2, , payout] = r.json.steps;
  assert.equal(
    r.json.finalBalance,
    r.json.initialBalance - bet1.request.amount - bet2.request.amount + bet2.request.amount + payout.request.amount,
  );
  assert.equal(BigInt(r.json.finalBalance), await balanceOf(api, p.user));
  assert.ok(r.json.steps[0].response.launchUrl.startsWith(provider_url), "the launch URL is the provider process's");
});

test('bulk rounds with lost answers at the separate provider end verified, balances matching its record', async () => {
  const p = await newPlayer(api, 100_000n, '2');
  const r = await provider(provider_url, '/provider/simulate', {
    sessionToken: p.token,
    rounds: 150,
    concurrency: 4,
    dropRate: 0.05,
  });
  assert.equal(r.status, 200, r.text);
  const { summary, initialBalance, finalBalance } = r.json;
  assert.ok(summary.retries > 0);
  assert.equal(finalBalance - initialBalance, summary.balanceDeltaMinor);
  assert.equal(BigInt(finalBalance), await balanceOf(api, p.user));
  assert.ok((await verifyLedger(api.db.sql)).passed);
});
