import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestServer, type TestServer } from '../support/server.ts';

/**
 * Security headers: `x-content-type-options: nosniff` on every response, and a Content-Security-Policy
 * with `frame-ancestors 'none'` wherever HTML or page assets are served, without breaking /docs.
 */
let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

function assertFramingRefused(headers: Headers, path: string): string {
  const csp = headers.get('content-security-policy') ?? '';
  assert.match(csp, /frame-ancestors 'none'/, `${path} has a CSP refusing framing`);
  assert.equal(headers.get('x-content-type-options'), 'nosniff', path);
  return csp;
}

test('every HTML page and asset path refuses framing and sniffing', async () => {
  for (const path of [
    '/',
    '/docs',
    '/docs/',
    '/provider/play?sessionToken=none',
    '/assets/index.js',
    '/assets/missing.css',
  ]) {
    const r = await call(server.url, 'GET', path);
    assert.ok(r.status < 500, `${path}: ${r.status}`);
    assertFramingRefused(r.headers, path);
  }
});

test('the JSON API says nosniff on successes and errors alike', async () => {
  for (const [path, headers] of [
    ['/health', {}],
    ['/v1/assets', {}],
    ['/nowhere', {}],
    ['/v1/assets', { authorization: 'Bearer dev-admin-key' }],
  ] as const) {
    const r = await call(server.url, 'GET', path, undefined, headers);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
  }
});

test('/docs still loads under its CSP: no inline script, every script and stylesheet it names is served from this origin', async () => {
  let r = await call(server.url, 'GET', '/docs/');
  assert.equal(r.status, 200);
  const csp = assertFramingRefused(r.headers, '/docs/');
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(r.text, /<script(?![^>]*\bsrc=)[^>]*>\s*\S/, 'no inline script (script-src is self only)');
  const urls = [...r.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(urls.some((u) => u.endsWith('swagger-ui-bundle.js')));
  for (const url of urls) {
    assert.ok(!/^[a-z]+:/i.test(url) || url.startsWith('data:'), `${url} is same-origin`);
    const asset = await call(server.url, 'GET', new URL(url, `${server.url}/docs/`).pathname);
    assert.equal(asset.status, 200, url);
  }
  r = await call(server.url, 'GET', '/docs/json');
  assert.equal(r.status, 200);
  assert.ok(r.json.openapi);
});
