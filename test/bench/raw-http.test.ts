import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { errorKey } from '../../bench/load.ts';
import { RawHttpConnection, ResponseParser } from '../../bench/raw-http.ts';

type Outcome = { status: number; body: string | null } | { error: Error & { code?: string } };

/** A RawHttpConnection with a promise per request. */
function client(url: string, options: { timeout_ms?: number; ok_bodies?: boolean } = {}) {
  let waiting: ((outcome: Outcome) => void) | null = null;
  const settle = (outcome: Outcome) => {
    const resolve = waiting;
    waiting = null;
    assert.ok(resolve, 'an outcome without a request in flight');
    resolve(outcome);
  };
  const connection = new RawHttpConnection({
    url,
    path: '/aggregator/takehome/process',
    timeout_ms: options.timeout_ms ?? 5000,
    ok_bodies: options.ok_bodies ?? true,
    handler: {
      onResponse: (status, body) => settle({ status, body: body === null ? null : body.toString('utf8') }),
      onError: (error) => settle({ error }),
    },
  });
  return {
    send(authorization: string, body: string): Promise<Outcome> {
      return new Promise((resolve) => {
        waiting = resolve;
        connection.send(authorization, body);
      });
    },
    close: () => connection.close(),
  };
}

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers) await close();
});

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: net.Socket;
}

/** A node:http server answering with `answer`; records every request and counts connections. */
async function httpServer(answer: (request: Received, response: http.ServerResponse, n: number) => void) {
  const received: Received[] = [];
  const state = { connections: 0 };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const r = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        socket: request.socket,
      };
      received.push(r);
      answer(r, response, received.length);
    });
  });
  server.on('connection', () => (state.connections += 1));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, state };
}

/** A node:net server that reads one request head and then runs `respond` on the raw socket. */
async function rawServer(respond: (socket: net.Socket) => void) {
  const server = net.createServer((socket) => {
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      const head_end = seen.indexOf('\r\n\r\n');
      if (head_end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(seen)?.[1] ?? 0);
      if (seen.length < head_end + 4 + length) return;
      seen = seen.slice(head_end + 4 + length);
      respond(socket);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `text` to the socket in pieces of `size` bytes, `gap_ms` apart (so they arrive in separate reads). */
async function dribble(socket: net.Socket, text: string, size: number, gap_ms: number) {
  socket.setNoDelay(true);
  for (let i = 0; i < text.length; i += size) {
    socket.write(text.slice(i, i + size));
    await sleep(gap_ms);
  }
}

describe('raw HTTP/1.1 client', () => {
  test('sends one well-formed request and reads a Content-Length body; several requests share one keep-alive socket', async () => {
    const server = await httpServer((request, response, n) => {
      response.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(`{"n":${n},"é":1}`),
      });
      response.end(`{"n":${n},"é":1}`);
    });
    const c = client(server.url);
    try {
      for (let n = 1; n <= 5; n += 1) {
        const body = `{"user_id":"ü-${n}","amount":${n}}`;
        assert.deepEqual(await c.send(`HMAC-SHA256 sig${n}`, body), { status: 200, body: `{"n":${n},"é":1}` });
        const r = server.received[n - 1];
        assert.equal(r.method, 'POST');
        assert.equal(r.url, '/aggregator/takehome/process');
        assert.equal(r.headers.host, server.url.slice('http://'.length));
        assert.equal(r.headers['content-type'], 'application/json');
        assert.equal(r.headers['content-length'], String(Buffer.byteLength(body)));
        assert.equal(r.headers.authorization, `HMAC-SHA256 sig${n}`);
        assert.equal(r.body, body);
      }
      assert.equal(server.state.connections, 1, 'one keep-alive connection for all requests');
    } finally {
      c.close();
    }
  });

  test('skips a 200 body unless asked, and returns the body of any other status', async () => {
    const server = await httpServer((request, response) => {
      const status = request.body === 'ok' ? 200 : 503;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(status === 200 ? '{"balance":1}' : '{"code":"BUSY","message":"try again"}');
    });
    const c = client(server.url, { ok_bodies: false });
    try {
      assert.deepEqual(await c.send('a', 'ok'), { status: 200, body: null });
      assert.deepEqual(await c.send('a', 'busy'), { status: 503, body: '{"code":"BUSY","message":"try again"}' });
      assert.deepEqual(await c.send('a', 'ok'), { status: 200, body: null });
      assert.equal(server.state.connections, 1);
    } finally {
      c.close();
    }
  });

  test('reads chunked bodies whose chunks arrive in separate reads, on the same socket', async () => {
    const server = await httpServer((request, response) => {
      response.writeHead(request.body === 'fail' ? 400 : 200, { 'content-type': 'application/json' });
      // No Content-Length and several writes: node:http sends Transfer-Encoding: chunked.
      response.write('{"code":');
      setTimeout(() => response.write('100,"message":'), 10);
      setTimeout(() => response.end('"no funds"}'), 20);
    });
    const c = client(server.url, { ok_bodies: false });
    try {
      assert.deepEqual(await c.send('a', 'ok'), { status: 200, body: null });
      assert.deepEqual(await c.send('a', 'fail'), { status: 400, body: '{"code":100,"message":"no funds"}' });
      assert.deepEqual(await c.send('a', 'ok'), { status: 200, body: null });
      assert.equal(server.state.connections, 1);
    } finally {
      c.close();
    }
  });

  test('parses answers split anywhere across reads (head, headers, chunk sizes, trailers)', async () => {
    const answers = [
      'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCONTENT-length: 13\r\n\r\n{"balance":1}',
      'HTTP/1.1 403 Forbidden\r\ntransfer-encoding: Chunked\r\nconnection: keep-alive\r\n\r\n5;ext=1\r\n{"cod\r\nE\r\ne":403,"x":"y"\r\n1\r\n}\r\n0\r\nX-Trailer: t\r\n\r\n',
    ];
    const url = await rawServer((socket) => {
      const text = answers.shift()!;
      void dribble(socket, text, 3, 2);
    });
    const c = client(url);
    try {
      assert.deepEqual(await c.send('a', 'x'), { status: 200, body: '{"balance":1}' });
      assert.deepEqual(await c.send('a', 'x'), { status: 403, body: '{"code":403,"x":"y"}' });
    } finally {
      c.close();
    }
  });

  test('a server that answers Connection: close gets a new connection for the next request', async () => {
    const server = await httpServer((request, response, n) => {
      response.writeHead(200, { 'content-type': 'application/json', connection: n === 1 ? 'close' : 'keep-alive' });
      response.end(`{"n":${n}}`);
    });
    const c = client(server.url);
    try {
      assert.deepEqual(await c.send('a', 'x'), { status: 200, body: '{"n":1}' });
      assert.deepEqual(await c.send('a', 'x'), { status: 200, body: '{"n":2}' });
      assert.deepEqual(await c.send('a', 'x'), { status: 200, body: '{"n":3}' });
      assert.equal(server.state.connections, 2);
    } finally {
      c.close();
    }
  });

  test('a body delimited by the end of the connection (no length) is read to the close', async () => {
    const url = await rawServer((socket) => {
      socket.end('HTTP/1.0 500 Internal Server Error\r\nContent-Type: application/json\r\n\r\n{"code":"INTERNAL"}');
    });
    const c = client(url);
    try {
      assert.deepEqual(await c.send('a', 'x'), { status: 500, body: '{"code":"INTERNAL"}' });
      assert.deepEqual(
        await c.send('a', 'x'),
        { status: 500, body: '{"code":"INTERNAL"}' },
        'and the next request reconnects',
      );
    } finally {
      c.close();
    }
  });

  test('a connection closed before the end of the answer is a network error, and the next request reconnects', async () => {
    const server = await httpServer((request, response, n) => {
      if (n === 1) return request.socket.destroy();
      if (n === 2) {
        response.writeHead(200, { 'content-length': 100 });
        response.write('{"partial":');
        setTimeout(() => request.socket.destroy(), 10);
        return;
      }
      response.end('{}');
    });
    const c = client(server.url);
    try {
      for (let n = 1; n <= 2; n += 1) {
        const outcome = await c.send('a', 'x');
        assert.ok('error' in outcome, JSON.stringify(outcome));
        assert.ok(['CONNECTION_CLOSED', 'ECONNRESET'].includes(outcome.error.code ?? ''), outcome.error.code);
        assert.match(errorKey(outcome.error), /^network /);
      }
      assert.deepEqual(await c.send('a', 'x'), { status: 200, body: '{}' });
      assert.equal(server.state.connections, 3);
    } finally {
      c.close();
    }
  });

  test('a request unanswered in time fails as a timeout; its socket is destroyed and the next request gets a new one', async () => {
    let first_socket: net.Socket | null = null;
    const server = await httpServer((request, response, n) => {
      if (n === 1) {
        first_socket = request.socket;
        return; // never answered
      }
      response.end('{"late":false}');
    });
    const c = client(server.url, { timeout_ms: 150 });
    try {
      const started = performance.now();
      const outcome = await c.send('a', 'x');
      const waited = performance.now() - started;
      assert.ok('error' in outcome, JSON.stringify(outcome));
      assert.equal(outcome.error.code, 'REQUEST_TIMEOUT');
      assert.equal(errorKey(outcome.error), 'timeout');
      assert.ok(waited >= 140 && waited < 1000, `timed out after ${waited} ms`);
      assert.deepEqual(await c.send('a', 'x'), { status: 200, body: '{"late":false}' });
      assert.equal(server.state.connections, 2);
      await sleep(20);
      assert.ok(first_socket !== null && (first_socket as net.Socket).destroyed, 'the timed-out connection was closed');
      // A request answered in time on a connection that has been idle longer than the timeout is no timeout.
      await sleep(200);
      assert.deepEqual(await c.send('a', 'x'), { status: 200, body: '{"late":false}' });
    } finally {
      c.close();
    }
  });

  test('a refused connection is a network error with its code', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const c = client(`http://127.0.0.1:${port}`);
    try {
      const outcome = await c.send('a', 'x');
      assert.ok('error' in outcome);
      assert.equal(errorKey(outcome.error), 'network ECONNREFUSED');
    } finally {
      c.close();
    }
  });
});

describe('response parser', () => {
  /** Feeds `text` in pieces cut at `cuts`; returns status and body once complete. */
  function parse(text: string, cuts: number[], ok_bodies = true) {
    const parser = new ResponseParser(ok_bodies);
    parser.reset();
    const bytes = Buffer.from(text, 'latin1');
    const bounds = [0, ...cuts, bytes.length];
    for (let i = 0; i + 1 < bounds.length; i += 1) {
      const piece = bytes.subarray(bounds[i], bounds[i + 1]);
      const end = parser.execute(piece);
      if (end >= 0) {
        assert.equal(bounds[i + 1], bytes.length, 'completes only with the last byte');
        assert.equal(end, piece.length);
        return { status: parser.status, body: parser.body?.toString('latin1') ?? null, keep_alive: parser.keep_alive };
      }
    }
    return null;
  }

  const cases: [string, string, { status: number; body: string | null; keep_alive: boolean }][] = [
    [
      'content-length',
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
      { status: 200, body: 'hello', keep_alive: true },
    ],
    [
      'chunked with extension and trailer',
      'HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3;a=b\r\nabc\r\nA\r\n0123456789\r\n0\r\nT: 1\r\n\r\n',
      { status: 400, body: 'abc0123456789', keep_alive: true },
    ],
    [
      'interim 100 then the answer',
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\nConnection: close\r\n\r\n{}',
      { status: 201, body: '{}', keep_alive: false },
    ],
    [
      '204 without body',
      'HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n',
      { status: 204, body: '', keep_alive: true },
    ],
    [
      'HTTP/1.0 keep-alive',
      'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx',
      { status: 200, body: 'x', keep_alive: true },
    ],
    [
      'connection token list',
      'HTTP/1.1 200 OK\r\nConnection: Upgrade, Close\r\nContent-Length: 1\r\n\r\nx',
      { status: 200, body: 'x', keep_alive: false },
    ],
  ];
  for (const [name, text, expected] of cases) {
    test(`${name}: the same result however the bytes are split`, () => {
      assert.deepEqual(parse(text, []), expected);
      for (let cut = 1; cut < text.length; cut += 1) assert.deepEqual(parse(text, [cut]), expected, `cut at ${cut}`);
      assert.deepEqual(
        parse(
          text,
          Array.from({ length: text.length - 1 }, (_, i) => i + 1),
        ),
        expected,
        'byte by byte',
      );
    });
  }

  test('a 200 body is skipped unless asked for', () => {
    assert.deepEqual(parse('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello', [7, 30], false), {
      status: 200,
      body: null,
      keep_alive: true,
    });
    assert.deepEqual(
      parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n', [50], false),
      { status: 200, body: null, keep_alive: true },
    );
  });

  test('malformed answers are refused', () => {
    for (const text of [
      'HTTP/2 200 OK\r\n\r\n',
      'HTTP/1.1 2x0 OK\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n',
    ]) {
      const parser = new ResponseParser(true);
      parser.reset();
      assert.throws(
        () => parser.execute(Buffer.from(text, 'latin1')),
        (e: Error & { code?: string }) => e.code === 'BAD_RESPONSE',
        text,
      );
    }
  });
});
