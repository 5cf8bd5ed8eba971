import net from 'node:net';
import tls from 'node:tls';

/**
 * The load engine's transport: a lean HTTP/1.1 client on one `node:net` (or `node:tls`) socket,
 * keep-alive, one request in flight. It exists because the generator shares the machine with the
 * server it measures: every microsecond a general client (undici) spends per request is taken
 * from the server, so the hot loop uses this instead (the side paths in http.ts keep undici).
 *
 * A request is a POST of a JSON body with an Authorization header, written as one Buffer with one
 * `socket.write` (or any prebuilt request, `sendRaw`, for the GET workloads). The answer goes through a small incremental parser: status line, headers
 * (only Content-Length, Transfer-Encoding and Connection are looked at, case-insensitively),
 * a Content-Length body, a chunked body, or a body delimited by the end of the connection.
 * A 200's body is skipped (not copied) unless asked for; any other status's body is returned.
 * `Connection: close` (or an HTTP/1.0 answer without keep-alive) closes the socket after the
 * answer; the next request opens a new one. A request unanswered after `timeout_ms` fails with
 * `REQUEST_TIMEOUT` and its socket is destroyed.
 *
 * What is kept off the per-request path: plain TCP sockets read into one shared buffer (the
 * `onread` option: no Buffer allocated and no stream machinery per read; nothing of it is kept
 * beyond the callback), the head is parsed in place in one pass, and the timeout is a watchdog
 * ticking every tenth of it rather than a timer armed per request.
 */

export class RawHttpError extends Error {
  constructor(
    readonly code: 'REQUEST_TIMEOUT' | 'CONNECTION_CLOSED' | 'BAD_RESPONSE',
    message: string,
  ) {
    super(message);
    this.name = 'RawHttpError';
  }
}

export interface RawHttpHandler {
  /** A complete answer; `body` is null for a 200 unless the connection keeps 200 bodies. */
  onResponse(status: number, body: Buffer | null): void;
  /** The request failed: a socket error (its `code`, e.g. ECONNREFUSED), or a RawHttpError. */
  onError(error: Error & { code?: string }): void;
}

export interface RawHttpOptions {
  /** `http://host:port` or `https://host:port`; only the origin is used. */
  url: string;
  /** The request target, e.g. `/aggregator/takehome/process`. */
  path: string;
  timeout_ms: number;
  handler: RawHttpHandler;
  /** Return 200 bodies too (tests); by default they are skipped. */
  ok_bodies?: boolean;
}

/** Longest status line + headers accepted. */
const HEAD_MAX_BYTES = 64 * 1024;
/** Every plain socket reads into this buffer; the parser copies what it keeps (see ResponseParser). */
const READ_BUFFER = Buffer.alloc(64 * 1024);
/** The timeout watchdog ticks this many times per timeout: a timeout fires at most this fraction late. */
const WATCHDOG_TICKS_PER_TIMEOUT = 10;

/** One keep-alive connection carrying one request at a time. */
export class RawHttpConnection {
  private socket: net.Socket | null = null;
  private in_flight = false;
  private readonly prefix: string;
  private readonly parser: ResponseParser;
  private readonly watchdog: NodeJS.Timeout;
  /** Requests sent so far; the watchdog's view of which request is in flight. */
  private sent = 0;
  private watched = -1;
  private watched_ticks = 0;
  private readonly host: string;
  private readonly port: number;
  private readonly secure: boolean;
  private readonly handler: RawHttpHandler;
  private closed = false;

  constructor(options: RawHttpOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`not an http(s) URL: ${options.url}`);
    this.secure = url.protocol === 'https:';
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.port = url.port ? Number(url.port) : this.secure ? 443 : 80;
    this.handler = options.handler;
    this.parser = new ResponseParser(options.ok_bodies ?? false);
    this.prefix = `POST ${options.path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nAuthorization: `;
    // No timer per request: a watchdog ticks every tenth of the timeout. The first tick that sees a
    // request in flight starts counting; that request has been in flight at least (n − 1) ticks at
    // the n-th, so it fails after at least timeout_ms and at most one tick more.
    const tick_ms = Math.max(1, options.timeout_ms / WATCHDOG_TICKS_PER_TIMEOUT);
    const ticks_max = Math.ceil(options.timeout_ms / tick_ms) + 1;
    this.watchdog = setInterval(() => {
      if (!this.in_flight) return;
      if (this.watched !== this.sent) {
        this.watched = this.sent;
        this.watched_ticks = 1;
      } else if (++this.watched_ticks >= ticks_max) {
        this.fail(new RawHttpError('REQUEST_TIMEOUT', `no complete answer in ${options.timeout_ms} ms`));
      }
    }, tick_ms);
    this.watchdog.unref();
  }

  /** Sends one request; the handler hears of its outcome exactly once. Only one at a time. */
  send(authorization: string, body: string): void {
    if (this.in_flight) throw new Error('a request is already in flight on this connection');
    if (this.closed) throw new Error('the connection is closed');
    const body_bytes = Buffer.byteLength(body);
    const head = `${this.prefix}${authorization}\r\nContent-Length: ${body_bytes}\r\n\r\n`;
    // Header values go out as latin1 (as node:http sends them). An ASCII body (the bench's) is the
    // same bytes in latin1: one native encode of the whole request, without a second UTF-8 scan.
    let request: Buffer;
    if (body_bytes === body.length) {
      request = Buffer.from(head + body, 'latin1');
    } else {
      request = Buffer.allocUnsafe(head.length + body_bytes);
      request.write(head, 0, 'latin1');
      request.write(body, head.length, 'utf8');
    }
    this.write(request);
  }

  /**
   * Sends one request given as its complete bytes (request line, headers, body): the GET workloads
   * prebuild theirs once and send the same Buffer again and again. Same rules as send().
   */
  sendRaw(request: Buffer): void {
    if (this.in_flight) throw new Error('a request is already in flight on this connection');
    if (this.closed) throw new Error('the connection is closed');
    this.write(request);
  }

  private write(request: Buffer): void {
    const socket = this.socket ?? this.connect();
    this.parser.reset();
    this.in_flight = true;
    this.sent += 1;
    socket.write(request);
  }

  /** Closes the socket; a request in flight is abandoned silently. */
  close(): void {
    this.closed = true;
    this.in_flight = false;
    clearInterval(this.watchdog);
    this.drop();
  }

  private connect(): net.Socket {
    let socket: net.Socket;
    if (this.secure) {
      socket = tls.connect({
        host: this.host,
        port: this.port,
        servername: net.isIP(this.host) ? undefined : this.host,
        ALPNProtocols: ['http/1.1'],
      });
      socket.on('data', (chunk: Buffer) => {
        if (socket === this.socket) this.onData(chunk, chunk.length);
      });
    } else {
      socket = net.connect({
        host: this.host,
        port: this.port,
        onread: {
          buffer: READ_BUFFER,
          callback: (length: number, buffer: Uint8Array) => {
            if (socket === this.socket) this.onData(buffer as Buffer, length);
            return true;
          },
        },
      });
    }
    socket.setNoDelay(true);
    socket.on('error', (error: Error) => {
      if (socket === this.socket) this.fail(error);
    });
    socket.on('close', () => {
      if (socket === this.socket) this.onClose();
    });
    this.socket = socket;
    return socket;
  }

  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    socket?.destroy();
  }

  /** bytes[0, length) arrived; `bytes` may be the shared read buffer, so nothing of it is kept. */
  private onData(bytes: Buffer, length: number): void {
    if (!this.in_flight) {
      // Nothing was asked: the stream is out of step. Start over on a new socket.
      this.drop();
      return;
    }
    let end: number;
    try {
      end = this.parser.execute(bytes, length);
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    if (end < 0) return;
    // Bytes beyond the answer cannot belong to anything (one request at a time): drop the socket.
    if (!this.parser.keep_alive || end < length) this.drop();
    this.in_flight = false;
    this.handler.onResponse(this.parser.status, this.parser.body);
  }

  private onClose(): void {
    this.socket = null;
    if (!this.in_flight) return;
    if (this.parser.completeAtEof()) {
      this.in_flight = false;
      this.handler.onResponse(this.parser.status, this.parser.body);
    } else {
      this.fail(new RawHttpError('CONNECTION_CLOSED', 'the server closed the connection before the end of the answer'));
    }
  }

  private fail(error: Error): void {
    this.drop();
    if (!this.in_flight) return;
    this.in_flight = false;
    this.handler.onError(error);
  }
}

/** Lower-case header names as byte codes; `(byte | 0x20)` lower-cases letters and leaves '-' alone. */
function codes(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}
const CR = 13;
const LF = 10;
const SP = 32;
const TAB = 9;
const COLON = 58;
const SEMICOLON = 59;
const COMMA = 44;
const HTTP_1_ = codes('HTTP/1.');

const CONTENT_LENGTH = codes('content-length');
const TRANSFER_ENCODING = codes('transfer-encoding');
const CONNECTION = codes('connection');
const CHUNKED = codes('chunked');
const CLOSE = codes('close');
const KEEP_ALIVE = codes('keep-alive');

function equalsLower(data: Buffer, start: number, end: number, lower: number[]): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i += 1) if ((data[start + i] | 0x20) !== lower[i]) return false;
  return true;
}

function hexValue(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48;
  const lower = byte | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

// Parser states.
const HEAD = 0;
const LENGTH = 1;
const UNTIL_CLOSE = 2;
const CHUNK_SIZE = 3;
const CHUNK_EXTENSION = 4;
const CHUNK_SIZE_LF = 5;
const CHUNK_DATA = 6;
const CHUNK_DATA_CR = 7;
const CHUNK_DATA_LF = 8;
const TRAILER_LINE_START = 9;
const TRAILER_LINE = 10;
const TRAILER_END_LF = 11;
const DONE = 12;

function bad(message: string): RawHttpError {
  return new RawHttpError('BAD_RESPONSE', message);
}

/**
 * Incremental parser of one HTTP/1.x response (1xx interim answers are skipped). Feed it the
 * bytes as they arrive; `execute` returns the offset just past the end of the answer in the
 * bytes that completed it, or -1 while it is incomplete. Throws RawHttpError on malformed input.
 * It keeps no reference to the bytes it is given (they may be a reused read buffer): a head split
 * across reads and kept bodies are copied.
 */
export class ResponseParser {
  status = 0;
  keep_alive = true;
  /** The body, when kept (non-200 answers, or every answer with `ok_bodies`); otherwise null. */
  body: Buffer | null = null;
  private state = HEAD;
  /** The start of a head whose end has not arrived yet (a copy). */
  private partial_head: Buffer | null = null;
  private remaining = 0;
  private chunk_digits = 0;
  private chunks: Buffer[] | null = null;
  // Header fields of the head being parsed.
  private content_length = -1;
  private chunked = false;
  private other_coding = false;

  constructor(private readonly ok_bodies: boolean) {}

  reset(): void {
    this.state = HEAD;
    this.partial_head = null;
    this.status = 0;
    this.keep_alive = true;
    this.body = null;
    this.chunks = null;
  }

  /** At the end of the stream: true if that completes the answer (a body delimited by the close). */
  completeAtEof(): boolean {
    if (this.state !== UNTIL_CLOSE) return this.state === DONE;
    this.finish(0);
    return true;
  }

  /** Parses bytes[0, length). */
  execute(bytes: Buffer, length = bytes.length): number {
    let pos = 0;
    while (true) {
      switch (this.state) {
        case HEAD: {
          // Usually the whole head is in this read and is parsed in place; when it is not, what
          // arrived is kept and the head is parsed again from its start with the next read.
          const partial = this.partial_head;
          const data = partial ? Buffer.concat([partial, bytes.subarray(pos, length)]) : bytes;
          const start = partial ? 0 : pos;
          const limit = partial ? data.length : length;
          const end = this.parseHead(data, start, limit);
          if (end < 0) {
            if (limit - start > HEAD_MAX_BYTES) throw bad('response head too large');
            this.partial_head = partial ? data : Buffer.from(bytes.subarray(pos, length));
            return -1;
          }
          pos = partial ? pos + end - partial.length : end;
          this.partial_head = null;
          if ((this.state as number) === DONE) return pos; // no body
          break;
        }
        case LENGTH: {
          const n = Math.min(this.remaining, length - pos);
          if (this.chunks && n > 0) this.chunks.push(Buffer.from(bytes.subarray(pos, pos + n)));
          pos += n;
          this.remaining -= n;
          if (this.remaining === 0) return this.finish(pos);
          return -1;
        }
        case UNTIL_CLOSE: {
          if (this.chunks && pos < length) this.chunks.push(Buffer.from(bytes.subarray(pos, length)));
          return -1;
        }
        case CHUNK_DATA: {
          if (pos >= length) return -1;
          const n = Math.min(this.remaining, length - pos);
          if (this.chunks) this.chunks.push(Buffer.from(bytes.subarray(pos, pos + n)));
          pos += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = CHUNK_DATA_CR;
          break;
        }
        case DONE:
          throw bad('data after the end of the answer');
        default: {
          // The byte-by-byte part of chunked framing: size lines, CRLFs, trailers.
          if (pos >= length) return -1;
          const byte = bytes[pos];
          pos += 1;
          switch (this.state) {
            case CHUNK_SIZE: {
              const digit = hexValue(byte);
              if (digit >= 0) {
                if (this.chunk_digits >= 12) throw bad('chunk size too large');
                this.remaining = this.remaining * 16 + digit;
                this.chunk_digits += 1;
              } else if (this.chunk_digits === 0) {
                throw bad('chunk size expected');
              } else if (byte === CR) {
                this.state = CHUNK_SIZE_LF;
              } else if (byte === SEMICOLON || byte === SP || byte === TAB) {
                this.state = CHUNK_EXTENSION;
              } else {
                throw bad('bad chunk size line');
              }
              break;
            }
            case CHUNK_EXTENSION:
              if (byte === CR) this.state = CHUNK_SIZE_LF;
              break;
            case CHUNK_SIZE_LF:
              if (byte !== LF) throw bad('bad chunk size line');
              this.state = this.remaining === 0 ? TRAILER_LINE_START : CHUNK_DATA;
              break;
            case CHUNK_DATA_CR:
              if (byte !== CR) throw bad('chunk data longer than its size');
              this.state = CHUNK_DATA_LF;
              break;
            case CHUNK_DATA_LF:
              if (byte !== LF) throw bad('chunk data longer than its size');
              this.state = CHUNK_SIZE;
              this.remaining = 0;
              this.chunk_digits = 0;
              break;
            case TRAILER_LINE_START:
              this.state = byte === CR ? TRAILER_END_LF : TRAILER_LINE;
              break;
            case TRAILER_LINE:
              if (byte === LF) this.state = TRAILER_LINE_START;
              break;
            case TRAILER_END_LF:
              if (byte !== LF) throw bad('bad end of chunked body');
              return this.finish(pos);
          }
        }
      }
    }
  }

  private finish(pos: number): number {
    this.state = DONE;
    const chunks = this.chunks;
    this.body = chunks === null ? null : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    return pos;
  }

  /**
   * Parses the status line and headers in data[start, limit) in one pass and sets the body
   * framing; returns the offset just past the empty line that ends the head, or -1 if it has not
   * arrived yet.
   */
  private parseHead(data: Buffer, start: number, limit: number): number {
    // "HTTP/1.x ddd" then SP or CR
    if (limit - start < 13) return -1;
    for (let i = 0; i < 7; i += 1) if (data[start + i] !== HTTP_1_[i]) throw bad('bad status line');
    const d0 = data[start + 9] - 48;
    const d1 = data[start + 10] - 48;
    const d2 = data[start + 11] - 48;
    if (
      data[start + 8] !== SP ||
      d0 < 1 ||
      d0 > 5 ||
      d1 < 0 ||
      d1 > 9 ||
      d2 < 0 ||
      d2 > 9 ||
      (data[start + 12] !== SP && data[start + 12] !== CR)
    )
      throw bad('bad status line');
    const status = d0 * 100 + d1 * 10 + d2;
    const http10 = data[start + 7] === 48;
    this.keep_alive = !http10;
    this.content_length = -1;
    this.chunked = false;
    this.other_coding = false;
    let p = start + 12;
    while (p < limit && data[p] !== CR) p += 1;
    let end = -1;
    // p: at the CR ending a line (the status line first).
    while (end < 0) {
      if (p + 1 >= limit) return -1;
      if (data[p + 1] !== LF) throw bad('bare CR in the head');
      p += 2;
      if (p >= limit) return -1;
      if (data[p] === CR) {
        if (p + 1 >= limit) return -1;
        if (data[p + 1] !== LF) throw bad('bare CR in the head');
        end = p + 2;
        break;
      }
      // A header line from p to the next CR.
      const line = p;
      let colon = -1;
      while (p < limit && data[p] !== CR) {
        if (colon < 0 && data[p] === COLON) colon = p;
        p += 1;
      }
      if (p >= limit) return -1;
      if (colon <= line) throw bad('bad header line');
      this.header(data, line, colon, p, http10);
    }
    if (status < 200) {
      if (status === 101) throw bad('unexpected 101 Switching Protocols');
      return end; // an interim answer: the real one follows (the state stays HEAD)
    }
    this.status = status;
    this.chunks = status !== 200 || this.ok_bodies ? [] : null;
    if (status === 204 || status === 304) {
      this.finish(0);
    } else if (this.chunked) {
      this.state = CHUNK_SIZE;
      this.remaining = 0;
      this.chunk_digits = 0;
    } else if (this.other_coding || this.content_length < 0) {
      // No length: the body runs to the end of the connection (RFC 9112 §6.3).
      this.state = UNTIL_CLOSE;
      this.keep_alive = false;
    } else if (this.content_length === 0) {
      this.finish(0);
    } else {
      this.state = LENGTH;
      this.remaining = this.content_length;
    }
    return end;
  }

  private header(data: Buffer, name_start: number, colon: number, line_end: number, http10: boolean): void {
    const name_length = colon - name_start;
    if (name_length !== 14 && name_length !== 17 && name_length !== 10) return;
    let vs = colon + 1;
    while (vs < line_end && (data[vs] === SP || data[vs] === TAB)) vs += 1;
    let ve = line_end;
    while (ve > vs && (data[ve - 1] === SP || data[ve - 1] === TAB)) ve -= 1;
    if (equalsLower(data, name_start, colon, CONTENT_LENGTH)) {
      let value = 0;
      if (ve === vs || ve - vs > 15) throw bad('bad Content-Length');
      for (let i = vs; i < ve; i += 1) {
        const digit = data[i] - 48;
        if (digit < 0 || digit > 9) throw bad('bad Content-Length');
        value = value * 10 + digit;
      }
      if (this.content_length >= 0 && this.content_length !== value) throw bad('conflicting Content-Length');
      this.content_length = value;
    } else if (equalsLower(data, name_start, colon, TRANSFER_ENCODING)) {
      // chunked must be the last coding; any other coding means "read to the close".
      const chunked =
        ve - vs >= 7 &&
        equalsLower(data, ve - 7, ve, CHUNKED) &&
        (ve - vs === 7 || data[ve - 8] === SP || data[ve - 8] === TAB || data[ve - 8] === COMMA);
      this.chunked = chunked;
      this.other_coding = !chunked;
    } else if (equalsLower(data, name_start, colon, CONNECTION)) {
      if (equalsLower(data, vs, ve, CLOSE)) this.keep_alive = false;
      else if (equalsLower(data, vs, ve, KEEP_ALIVE)) this.keep_alive = this.keep_alive || http10;
      else {
        const tokens = data
          .toString('latin1', vs, ve)
          .toLowerCase()
          .split(',')
          .map((t) => t.trim());
        if (tokens.includes('close')) this.keep_alive = false;
        else if (http10 && tokens.includes('keep-alive')) this.keep_alive = true;
      }
    }
  }
}
