import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestServer, type TestServer } from '../support/server.ts';

/** The page a launch URL opens: a playable demo under a strict policy (the browser test plays it). */
let s: TestServer;
const ADMIN = { authorization: 'Bearer dev-admin-key' };

before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

test('the page carries no inline script or style and a CSP that forbids them; its script and styles are files', async () => {
  const launched = await call(
    s.url,
    'POST',
    '/casino/launchGame',
    { userId: 'user_001', gameId: '1', currency: 'USD' },
    ADMIN,
  );
  assert.equal(launched.status, 200, launched.text);
  const page = await fetch(launched.json.launchUrl);
  const html = await page.text();
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'every script has a src');
  assert.doesNotMatch(html, /<style|\sstyle=/);
  assert.match(html, /<script type="module" src="\/provider\/play\.js"><\/script>/);
  assert.match(html, /data-scale="2"/);
  const script = await fetch(`${s.url}/provider/play.js`);
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.match(await script.text(), /\/provider\/spin/);
  assert.equal((await fetch(`${s.url}/provider/play.css`)).headers.get('content-type'), 'text/css; charset=utf-8');
});

test('a spin is one real round: the balance moves by win − bet and matches the wallet', async () => {
  const { json } = await call(
    s.url,
    'POST',
    '/casino/launchGame',
    { userId: 'user_002', gameId: '2', currency: 'USD' },
    ADMIN,
  );
  const before_balance = await call(s.url, 'POST', '/provider/balance', { sessionToken: json.sessionToken });
  assert.equal(before_balance.json.balance, 5000);
  const spun = await call(s.url, 'POST', '/provider/spin', { sessionToken: json.sessionToken });
  assert.equal(spun.status, 200, spun.text);
  assert.equal(spun.json.settled, true);
  assert.equal(spun.json.betMinor, 100);
  assert.equal(spun.json.balance, 5000 - 100 + spun.json.winMinor);
  const wallet = await call(s.url, 'GET', '/v1/wallets/user_002', undefined, ADMIN);
  assert.equal(wallet.json.balances.USD, spun.json.balance);
});

test('an unknown session is 404 on the page, the balance and the spin; a missing token is 400', async () => {
  assert.equal((await fetch(`${s.url}/provider/play?sessionToken=never-launched`)).status, 404);
  assert.equal((await call(s.url, 'POST', '/provider/balance', { sessionToken: 'never-launched' })).status, 404);
  assert.equal((await call(s.url, 'POST', '/provider/spin', { sessionToken: 'never-launched' })).status, 404);
  assert.equal((await call(s.url, 'POST', '/provider/spin', {})).status, 400);
});
