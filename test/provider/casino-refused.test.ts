import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type Server } from '../../src/app/runtime.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { testConfig } from '../support/db.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launch, provider } from '../seamless/helpers.ts';

/**
 * /provider/simulate says what the casino answered: a refusal of getBalance (wrong CASINO_SECRET, a
 * session the casino does not know) is 424 CASINO_REFUSED naming the casino's status and code, not a
 * 502 "unavailable".
 */
let api: TestServer;
let misconfigured: Server;

before(async () => {
  api = await startTestServer();
  // A provider process whose CASINO_SECRET differs from the casino's.
  const config = testConfig({ DATABASE_URL: api.db.url, CASINO_URL: api.url, CASINO_SECRET: 'not-the-casino-secret' });
  misconfigured = await startServer(config, createLogger(config.log_level), new Set(['provider']));
});
after(async () => {
  await misconfigured.stop();
  await api.close();
});

test("a wrong CASINO_SECRET is a 424 CASINO_REFUSED naming the casino's 403 INVALID_SIGNATURE", async () => {
  const token = await launch(api.url, '1');
  const r = await provider(misconfigured.url, '/provider/simulate', { sessionToken: token, rounds: 1 });
  assert.equal(r.status, 424, r.text);
  assert.equal(r.json.code, 'CASINO_REFUSED');
  assert.match(r.json.message, /^The casino refused getBalance: 403 INVALID_SIGNATURE \(/);
});

test('a session the casino does not know is a 424 naming its 401 INVALID_SESSION', async () => {
  const token = `provider-only-${Date.now()}`;
  const launched = await provider(api.url, '/provider/launch', {
    sessionToken: token,
    userId: '1',
    gameId: '1',
    currency: 'USD',
  });
  assert.equal(launched.status, 200, launched.text);
  const r = await provider(api.url, '/provider/simulate', { sessionToken: token, rounds: 1 });
  assert.equal(r.status, 424, r.text);
  assert.match(r.json.message, /401 INVALID_SESSION/);
});
