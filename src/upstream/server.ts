import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { parseBudget, SlidingWindow, type Admission, type Budget } from './budget.ts';
import { refusal, refusalBody, UPSTREAM_ERRORS, type UpstreamRefusal } from './errors.ts';
import { FaultQueue, type Fault, type FaultAnswer } from './faults.ts';
import { registerInspection } from './inspect.ts';
import { FixedList, type FixedItem } from './fixed.ts';
import { SeededStream } from './generator.ts';
import type { ItemSource } from './items.ts';
import * as L from './limits.ts';
import { parseTransactionsQuery } from './query.ts';
import { truthOf, type Truth, type TruthOptions } from './truth.ts';
import { pageJson, pageMeta } from './wire.ts';

export interface TransactionsMockOptions {
  /** 0 picks a free port (default 0; the env reader defaults to 3001). */
  port?: number;
  host?: string;
  /** Same seed, same stream (default 1). */
  seed?: number;
  rate_per_min?: number;
  late_share?: number;
  late_max_s?: number;
  /** Requests per sliding window per client, as text: `5/60s` (default), `5/6s`… */
  budget?: string;
  /** Stream time of the first item (default: the clock when the mock starts; earlier = a backlog). */
  start_ms?: number;
  /** The wall clock (default Date.now): the budget's window runs on it, the stream's time derives from it. */
  now?: () => number;
  /** Stream time runs this many times faster than `now` (default 1). */
  speed?: number;
  /**
   * Accelerated measurements (default 1): the stream produces rate_per_min × rate_scale items a minute
   * while createdAt stays on the clock — unlike `speed`, a client pulling by the clock keeps pace. One
   * real minute then stands for rate_scale minutes: the createdAt step (unless given) is divided alike;
   * the budget and late window are given scaled by whoever starts the mock.
   */
  rate_scale?: number;
  users?: number;
  created_at_step_ms?: number;
  /** Serve exactly these instead of generating (the seed example, hand-made cases). */
  items?: FixedItem[];
}

export interface MockStats {
  requests_total: number;
  /** Pages answered (200). */
  served_total: number;
  /** Refused by the budget (429 from the sliding window, not injected ones). */
  throttled_total: number;
  /** Answered from the fault queue. */
  faults_total: number;
  /** 400s: bad parameters. */
  rejected_total: number;
  faults_pending: number;
  clients_tracked: number;
}

export interface TransactionsMock {
  url: string;
  port: number;
  budget: Budget;
  stop(): Promise<void>;
  /** The stream's current time (what a request arriving now is answered at). */
  streamNowMs(): number;
  /** Exact per-user sums of every item with createdAt ≤ at_ms (stream time), visible or not unless told. */
  truth(at_ms: number, options?: TruthOptions): Truth;
  injectFaults(fault: Fault): void;
  clearFaults(): void;
  stats(): MockStats;
}

function checkRange(name: string, value: number, min: number, max: number, integer = true): number {
  if (!(integer ? Number.isSafeInteger(value) : Number.isFinite(value)) || value < min || value > max) {
    throw new RangeError(`${name} must be ${integer ? 'a whole number ' : ''}between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/** The last millisecond a JavaScript Date can hold (year 275760). */
const DATE_MS_MAX = 8.64e15;

/** Where a client reaches the mock: a wildcard bind is reached on the loopback address. */
function urlOf(host: string, port: number): string {
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (host === '::') return `http://[::1]:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function makeSource(o: TransactionsMockOptions, start_ms: number): ItemSource {
  if (o.items !== undefined) return new FixedList(o.items);
  return new SeededStream({
    seed: checkRange('seed', o.seed ?? 1, 0, 0xffffffff),
    rate_per_min:
      checkRange('rate_per_min', o.rate_per_min ?? L.RATE_PER_MIN_DEFAULT, 1, L.RATE_PER_MIN_MAX) *
      checkRange('rate_scale', o.rate_scale ?? 1, 1, L.RATE_SCALE_MAX),
    late_share: checkRange('late_share', o.late_share ?? L.LATE_SHARE_DEFAULT, 0, 1, false),
    late_max_s: checkRange('late_max_s', o.late_max_s ?? L.LATE_MAX_S_DEFAULT, 0, L.LATE_MAX_S_MAX),
    users: checkRange('users', o.users ?? L.USERS_DEFAULT, 1, L.USERS_MAX),
    start_ms: checkRange('start_ms', start_ms, 0, DATE_MS_MAX),
    // Accelerated, a real second holds rate_scale seconds of timestamps: as many items share one as unaccelerated.
    created_at_step_ms: checkRange(
      'created_at_step_ms',
      o.created_at_step_ms ?? Math.max(1, Math.round(L.CREATED_AT_STEP_MS_DEFAULT / (o.rate_scale ?? 1))),
      1,
      L.CREATED_AT_STEP_MS_MAX,
    ),
  });
}

/** Starts the mock upstream Transaction API (SPEC §7) on its own Fastify server and port. */
export async function startTransactionsMock(options: TransactionsMockOptions = {}): Promise<TransactionsMock> {
  const now = options.now ?? Date.now;
  const parsed = parseBudget(options.budget ?? L.BUDGET_DEFAULT);
  if (typeof parsed === 'string') throw new RangeError(`budget ${parsed}`);
  const budget: Budget = parsed;
  const speed = checkRange('speed', options.speed ?? 1, 1, L.SPEED_MAX, false);
  const started_ms = now();
  // Whole milliseconds whatever the clock and speed, so bounds and createdAt compare exactly.
  const streamNowMs = () => Math.floor(started_ms + (now() - started_ms) * speed);
  const source = makeSource(options, options.start_ms ?? started_ms);
  const window = new SlidingWindow(budget);
  const faults = new FaultQueue();
  const counts = { requests_total: 0, served_total: 0, throttled_total: 0, faults_total: 0, rejected_total: 0 };

  const truth = (at_ms: number, truth_options?: TruthOptions) => truthOf(source, at_ms, truth_options);
  const stats = (): MockStats => ({
    ...counts,
    faults_pending: faults.pending(),
    clients_tracked: window.clients_tracked,
  });
  const app = buildServer();
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: checkRange('port', options.port ?? 0, 0, 65535), host });
  const { port } = app.server.address() as { port: number };
  return {
    url: urlOf(host, port),
    port,
    budget,
    stop: () => app.close(),
    streamNowMs,
    truth,
    injectFaults: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    stats,
  };

  function buildServer(): FastifyInstance {
    // Every answer is computed synchronously, so stop() has nothing in flight to wait for; closing the
    // idle keep-alive connections of a puller at once keeps it from holding stop() open.
    const server = Fastify({ logger: false, forceCloseConnections: true, return503OnClosing: true });
    server.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0];
      const message = `No endpoint ${request.method} ${path}; this API serves GET /transactions.`;
      sendRefusal(reply, refusal('NOT_FOUND', message));
    });
    // No stack trace reaches a client; a malformed request line or query is the client's 400.
    server.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
      const status = error.statusCode ?? 500;
      const client_error = status >= 400 && status < 500;
      if (client_error) return sendRefusal(reply, refusal('BAD_REQUEST', 'The request could not be read.'));
      sendRefusal(reply, refusal('INTERNAL_ERROR', 'The mock failed to answer.'));
    });
    server.get('/health', async () => ({ status: 'ok' }));
    server.get('/transactions', (request, reply) => answerTransactions(request, reply));
    registerInspection(server, { streamNowMs, truth, stats });
    return server;
  }

  function answerTransactions(request: FastifyRequest, reply: FastifyReply): void {
    counts.requests_total++;
    const fault = faults.take();
    if (fault !== undefined) return sendFault(reply, fault);
    const client = clientOf(request);
    if (typeof client !== 'string') return sendRefusal(reply, client);
    const admission = window.admit(client, now());
    if (!admission.admitted) return sendThrottled(reply, admission);
    const params = parseTransactionsQuery(request.query as Record<string, unknown>);
    if ('key' in params) {
      counts.rejected_total++;
      return sendRefusal(reply, params);
    }
    const { start_ms, end_ms, page, limit } = params;
    const result = source.page({ start_ms, end_ms, now_ms: streamNowMs(), offset: (page - 1) * limit, limit });
    counts.served_total++;
    const meta = pageMeta(result.total, result.items.length, limit, page);
    reply.type('application/json; charset=utf-8').send(pageJson(result.items, meta));
  }

  function sendThrottled(reply: FastifyReply, admission: Exclude<Admission, { admitted: true }>): void {
    if ('too_many_clients' in admission) {
      const message = `The mock tracks at most ${L.CLIENTS_TRACKED_MAX} clients at once.`;
      return sendRefusal(reply, refusal('TOO_MANY_CLIENTS', message));
    }
    counts.throttled_total++;
    const wait_s = admission.retry_after_s;
    reply.header('retry-after', String(wait_s));
    const window_s = budget.window_ms / 1000;
    const message = `Budget of ${budget.requests} requests per ${window_s} s exceeded; retry after ${wait_s} s.`;
    sendRefusal(reply, refusal('RATE_LIMITED', message));
  }

  function clientOf(request: FastifyRequest): string | UpstreamRefusal {
    const header = request.headers['x-client-id'];
    if (header === undefined) return `ip:${request.ip}`;
    if (typeof header !== 'string' || header.length === 0 || header.length > L.CLIENT_ID_LENGTH_MAX) {
      const message = `x-client-id must be one value of 1 to ${L.CLIENT_ID_LENGTH_MAX} characters.`;
      return refusal('BAD_REQUEST', message);
    }
    return `id:${header}`;
  }

  function sendFault(reply: FastifyReply, fault: FaultAnswer): void {
    counts.faults_total++;
    if (fault.status === 429) {
      reply.header('retry-after', String(fault.retry_after_s));
      return sendRefusal(reply, refusal('RATE_LIMITED', `Injected throttle; retry after ${fault.retry_after_s} s.`));
    }
    const body = refusalBody(refusal('INJECTED_FAULT', `Injected ${fault.status} for a test.`));
    reply.code(fault.status).send(body);
  }
}

function sendRefusal(reply: FastifyReply, r: UpstreamRefusal): void {
  reply.code(UPSTREAM_ERRORS[r.key].http_status).send(refusalBody(r));
}
