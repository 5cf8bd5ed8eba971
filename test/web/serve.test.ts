import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { backOfficeRoutes, WEB_DIST_DIR } from '../../src/web/serve.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { ensureWebBuilt } from './build.ts';

let server: TestServer;

before(async () => {
  await ensureWebBuilt();
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

describe('serving the back office', () => {
  test('without a build, / answers a short HTML page saying to run npm run build:web (not a 500)', async () => {
    const app = Fastify();
    await app.register(async (scope) => backOfficeRoutes(scope, path.join(WEB_DIST_DIR, 'no-such-build')));
    const r = await app.inject({ method: 'GET', url: '/' });
    await app.close();
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /^text\/html/);
    assert.match(r.body, /npm run build:web/);
  });

  test('/ serves the built page without an API key, with a strict content security policy', async () => {
    const r = await call(server.url, 'GET', '/');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(r.text, /<div id="root">/);
    assert.match(r.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(r.headers.get('cache-control'), 'no-cache');
  });

  test('the hashed bundles are served under /assets/ with a long cache; unknown files are a JSON 404', async () => {
    const files = fs.readdirSync(path.join(WEB_DIST_DIR, 'assets'));
    const script = files.find((f) => f.endsWith('.js'));
    assert.ok(script, 'a built script exists');
    const r = await call(server.url, 'GET', `/assets/${script}`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /javascript/);
    assert.match(r.headers.get('cache-control') ?? '', /immutable/);
    const missing = await call(server.url, 'GET', '/assets/nope.js');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.code, 'NOT_FOUND');
  });
});
