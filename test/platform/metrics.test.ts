import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestServer, type TestServer } from '../support/server.ts';

/** /metrics counts requests per route pattern and status, and times them. */
let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

function sample(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').pop()) : 0;
}

test('requests are counted by method, route pattern and status, and their durations observed', async () => {
  const before_text = (await call(server.url, 'GET', '/metrics')).text;
  for (let i = 0; i < 3; i++) assert.equal((await call(server.url, 'GET', '/health')).status, 200);
  for (let i = 0; i < 2; i++) assert.equal((await call(server.url, 'GET', `/v1/wallets/p${i}`)).status, 401);
  assert.equal((await call(server.url, 'GET', '/no/such/route')).status, 404);
  const text = (await call(server.url, 'GET', '/metrics')).text;
  const delta = (name: string, labels: string) => sample(text, name, labels) - sample(before_text, name, labels);
  assert.equal(delta('croupier_http_requests_total', 'method="GET",route="/health",status="200"'), 3);
  assert.equal(
    delta('croupier_http_requests_total', 'method="GET",route="/v1/wallets/:playerId",status="401"'),
    2,
    'one series for the route pattern, not per id',
  );
  assert.equal(delta('croupier_http_requests_total', 'route="unmatched",status="404"'), 1);
  assert.equal(delta('croupier_http_request_duration_seconds_count', 'method="GET",route="/health"'), 3);
});
