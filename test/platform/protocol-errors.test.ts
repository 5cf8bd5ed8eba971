import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ERRORS } from '../../src/app/errors.ts';
import {
  HTTP_CONNECTIONS_CHECK_INTERVAL_MS,
  HTTP_HEADERS_TIMEOUT_MS,
  HTTP_KEEP_ALIVE_TIMEOUT_MS,
  HTTP_REQUEST_TIMEOUT_MS,
} from '../../src/platform/limits.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Protocol-level errors (SPEC §0): requests Node or Fastify refuse before any route runs are answered
 * as { code, message } with a registry code, like every other error.
 */
let server: TestServer;
let port: number;
before(async () => {
  server = await startTestServer();
  port = Number(new URL(server.url).port);
});
after(async () => {
  await server.close();
});

interface RawAnswer {
  status: number;
  headers: string;
  body: any;
}

/** Writes `data` on a fresh socket and reads until the server closes it. */
function rawRequest(data: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(data));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const status = Number(head.split(' ')[1]);
      let body: unknown;
      try {
        body = JSON.parse(rest.join('\r\n\r\n'));
      } catch {
        body = rest.join('\r\n\r\n');
      }
      resolve({ status, headers: head.toLowerCase(), body });
    });
    socket.setTimeout(5_000, () => socket.destroy());
  });
}

function assertRegistryError(answer: RawAnswer, status: number): void {
  assert.equal(answer.status, status, JSON.stringify(answer));
  assert.equal(typeof answer.body, 'object', `JSON body expected, got ${JSON.stringify(answer.body)}`);
  assert.deepEqual(Object.keys(answer.body).sort(), ['code', 'message']);
  assert.ok(
    Object.values(ERRORS).some((row) => row.code === answer.body.code && row.http_status === status),
    `${answer.body.code} is a registry row with status ${status}`,
  );
  assert.match(answer.headers, /content-type: application\/json/);
}

describe('refused before routing, still { code, message }', () => {
  test('bytes that are not HTTP are a 400 MALFORMED_REQUEST', async () => {
    const answer = await rawRequest('HELLO\r\n\r\n');
    assertRegistryError(answer, 400);
    assert.equal(answer.body.code, 'MALFORMED_REQUEST');
  });

  test('a method Node does not know is a 400 naming the method as the cause', async () => {
    const answer = await rawRequest('BREW /health HTTP/1.1\r\nHost: x\r\n\r\n');
    assertRegistryError(answer, 400);
    assert.equal(answer.body.message, 'The HTTP method is not recognised.');
  });

  test('a known method without a route is a 404 NOT_FOUND', async () => {
    for (const method of ['PROPFIND', 'DELETE', 'LINK', 'PURGE']) {
      const answer = await rawRequest(`${method} /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      assert.ok([400, 404, 405].includes(answer.status), `${method}: ${answer.status}`);
      assertRegistryError(answer, answer.status);
    }
  });

  test('a header block over 16 KiB is a 431 HEADERS_TOO_LARGE', async () => {
    const answer = await rawRequest(`GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`);
    assertRegistryError(answer, 431);
    assert.equal(answer.body.code, 'HEADERS_TOO_LARGE');
  });

  test('an over-long URL is a 431 HEADERS_TOO_LARGE, an over-long path parameter a 414', async () => {
    assertRegistryError(await rawRequest(`GET /health?${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`), 431);
    const param = await rawRequest(
      `GET /v1/wallets/${'a'.repeat(300)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    assertRegistryError(param, 414);
  });

  test('an invalid Content-Length or chunked framing is a 400', async () => {
    assertRegistryError(
      await rawRequest('POST /aggregator/takehome/process HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'),
      400,
    );
    assertRegistryError(
      await rawRequest(
        'POST /aggregator/takehome/process HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      ),
      400,
    );
    assertRegistryError(
      await rawRequest(
        'POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      ),
      400,
    );
  });

  test('a bad percent-encoding in the path is a 400 VALIDATION_ERROR', async () => {
    const answer = await rawRequest('GET /v1/wallets/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assertRegistryError(answer, 400);
  });

  test('HTTP/1.1 without a Host header is a 400 MALFORMED_REQUEST naming Host', async () => {
    const answer = await rawRequest('GET /health HTTP/1.1\r\nConnection: close\r\n\r\n');
    assertRegistryError(answer, 400);
    assert.match(answer.body.message, /Host/);
  });

  test('a path outside the static root and a range past the end keep their status with a registry code', async () => {
    assertRegistryError(
      await rawRequest('GET /assets/..%2f..%2fpackage.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      403,
    );
    const range = await rawRequest(
      'GET /docs/static/index.css HTTP/1.1\r\nHost: x\r\nRange: bytes=99999999-\r\nConnection: close\r\n\r\n',
    );
    assertRegistryError(range, 416);
  });
});

describe('timeouts', () => {
  test('the server drops slow headers, slow bodies and idle keep-alive connections at the named limits', () => {
    const http = server.app.server;
    assert.equal(http.headersTimeout, HTTP_HEADERS_TIMEOUT_MS);
    assert.equal(http.requestTimeout, HTTP_REQUEST_TIMEOUT_MS);
    assert.equal(http.keepAliveTimeout, HTTP_KEEP_ALIVE_TIMEOUT_MS);
    // A stalled connection lives at most its timeout plus one check interval: well under 30 s.
    assert.ok(HTTP_REQUEST_TIMEOUT_MS + HTTP_CONNECTIONS_CHECK_INTERVAL_MS < 30_000);
  });

  test('a client that trickles its headers is answered 408 and disconnected', { timeout: 30_000 }, async () => {
    const started = Date.now();
    const answer = await new Promise<RawAnswer>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /health HTTP/1.1\r\nHost: x\r\n'));
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('error', () => {});
      socket.on('close', () => {
        const [head, body] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n');
        resolve({
          status: Number(head.split(' ')[1]),
          headers: head.toLowerCase(),
          body: body ? JSON.parse(body) : undefined,
        });
      });
    });
    assert.ok(Date.now() - started < HTTP_HEADERS_TIMEOUT_MS + 3 * HTTP_CONNECTIONS_CHECK_INTERVAL_MS);
    assertRegistryError(answer, 408);
  });
});
