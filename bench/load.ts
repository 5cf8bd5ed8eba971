import { hmacSha256Hex } from '../src/platform/hmac.ts';
import { performance } from 'node:perf_hooks';
import type { PlayerBook } from './consistency.ts';
import { LatencyHistogram, type LatencySummary } from './histogram.ts';
import { BENCH_GAME, BET_MAX_MINOR, NETWORK_ERROR_BACKOFF_MS, UNKNOWN_REQUESTS_KEPT_MAX } from './limits.ts';
import { RawHttpConnection, type RawHttpHandler } from './raw-http.ts';

/**
 * The load engine: a closed loop of `connections` keep-alive connections with one request in
 * flight on each, each slot sending its next request as soon as the previous one is answered.
 *
 * It shares the machine with the server and PostgreSQL, so it is kept cheap: bodies are built by
 * string concatenation from per-player prefixes, signed with one hmacSha256Hex each, and sent over
 * the lean HTTP/1.1 client of raw-http.ts (one socket per slot, the request written as one Buffer,
 * a minimal response parser). A 200's body is skipped, never copied or parsed — only the status is
 * needed to acknowledge. Error bodies (rare) are kept and parsed for their code.
 */

/** A signed request ready to send, with what it would do to its player's balance. */
export interface SignedRequest {
  body: string;
  authorization: string;
  player: number;
  /** Sum of (win − bet) over the request's rounds: the balance change if it is applied. */
  net_minor: number;
  /** Sum of the bets: what a bonus's wagering counts if it is applied (--bonus). */
  staked_minor?: number;
  actions: number;
  /** A poison request (--poison-share): its action id holds a NUL, so the server must refuse it with a 400. */
  poison?: boolean;
}

/** A request whose outcome is unknown (5xx, timeout, broken connection): replayed at the end. */
export interface UnknownRequest extends SignedRequest {
  reason: string;
}

export interface RequestSource {
  /** Fills `into` with the next request. */
  next(into: SignedRequest): void;
}

/** xorshift32: cheap, seedable, good enough to pick players and amounts. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  /** Uniform integer in [0, n). */
  below(n: number): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return Math.floor((this.state / 4294967296) * n);
  }
}

export function authorizationFor(secret: string, body: string): string {
  return `HMAC-SHA256 ${hmacSha256Hex(secret, body)}`;
}

/**
 * Rounds of the aggregator protocol: each request is `rounds_per_request` × (bet, win) for one
 * random player, with action ids unique to this run (`run_id` + a sequence number).
 * The bet is 1..BET_MAX_MINOR, the win 0..2 × bet.
 */
/** Poison draws are integers below this, so a share like 0.01 is drawn exactly from the seeded rng. */
const POISON_SHARE_RESOLUTION = 1_000_000;

export class RoundSource implements RequestSource {
  private sequence = 0;
  private readonly prefixes: string[];

  constructor(
    player_ids: string[],
    private readonly run_id: string,
    private readonly secret: string,
    private readonly rng: Rng,
    private readonly rounds_per_request = 1,
    currency = 'USD',
    /** Share of requests sent poisoned (a NUL in an action id), 0..1; drawn from the same seeded rng. */
    private readonly poison_share = 0,
  ) {
    this.prefixes = player_ids.map(
      (id) => `{"user_id":${JSON.stringify(id)},"currency":"${currency}","game":"${BENCH_GAME}","game_id":"`,
    );
  }

  next(into: SignedRequest): void {
    const player = this.rng.below(this.prefixes.length);
    const round = this.run_id + (this.sequence++).toString(36);
    const poison =
      this.poison_share > 0 && this.rng.below(POISON_SHARE_RESOLUTION) < this.poison_share * POISON_SHARE_RESOLUTION;
    let body = `${this.prefixes[player]}${round}","finished":true,"actions":[`;
    let net = 0;
    let staked = 0;
    for (let k = 0; k < this.rounds_per_request; k += 1) {
      const id = k === 0 ? round : `${round}.${k}`;
      const bet = 1 + this.rng.below(BET_MAX_MINOR);
      const win = this.rng.below(2 * bet + 1);
      const bet_id = poison && k === 0 ? `${id}b\\u0000` : `${id}b`;
      body += `${k === 0 ? '' : ','}{"action":"bet","action_id":"${bet_id}","amount":${bet}},{"action":"win","action_id":"${id}w","amount":${win}}`;
      net += win - bet;
      staked += bet;
    }
    body += ']}';
    into.body = body;
    into.authorization = authorizationFor(this.secret, body);
    into.player = player;
    into.net_minor = poison ? 0 : net;
    into.staked_minor = poison ? 0 : staked;
    into.actions = 2 * this.rounds_per_request;
    into.poison = poison;
  }
}

export interface PhaseConfig {
  label: string;
  /** Origin of the server, `http://host:port`; the phase opens its own connections and closes them at the end. */
  url: string;
  path: string;
  source: RequestSource;
  /** Acknowledged requests are booked here (the consistency check). */
  book: PlayerBook;
  connections: number;
  warmup_s: number;
  duration_s: number;
  /** Stop after this many requests sent after the warm-up (null: no cap). */
  requests_max: number | null;
  timeout_ms: number;
  /** One line a second; omitted: silent. */
  progress?: (line: string) => void;
  signal?: AbortSignal;
  /** Called (synchronously) when the measured window opens and closes, to sample the machine. */
  on_window?: (edge: 'start' | 'end') => void;
  /** false: the phase is not a measurement (the prefill); progress says "sending". */
  measured?: boolean;
}

export type StopReason = 'duration' | 'requests' | 'interrupted';

export interface PhaseResult {
  label: string;
  stop_reason: StopReason;
  warmup_s: number;
  /** Length of the measured window. */
  window_s: number;
  /** Every request sent in the phase, warm-up included. */
  requests_sent: number;
  /** 200s answered inside the measured window. */
  requests: number;
  /** Poison requests answered 400 inside the measured window (--poison-share). */
  poison_refused: number;
  actions: number;
  requests_per_s: number;
  actions_per_s: number;
  latency: LatencySummary;
  histogram: LatencyHistogram;
  /** Whole phase (warm-up and drain included), by "status code" or network error. */
  errors: Record<string, number>;
  errors_total: number;
  unknown: UnknownRequest[];
  /** Unknown-outcome requests beyond UNKNOWN_REQUESTS_KEPT_MAX: not replayable, their players are UNRESOLVED. */
  unknown_dropped: number;
  /** The generator's own CPU (this process) during the window. */
  generator_cpu_s: number;
  generator_cpu_percent_of_core: number;
}

export function errorKey(error: Error & { code?: string }): string {
  if (error.code === 'REQUEST_TIMEOUT') return 'timeout';
  return `network ${error.code ?? error.name}`;
}

/** "400 code 100" from an error response (its body is JSON `{ code, message }` when the server follows SPEC §0). */
export function statusKey(status: number, body: string): string {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    if (typeof code === 'number' || typeof code === 'string') return `${status} code ${code}`;
  } catch {
    // not JSON: the status alone
  }
  return `${status}`;
}

/** One connection with its request in flight; the slot is the connection's handler, reused for every request. */
class Slot implements RawHttpHandler {
  readonly request: SignedRequest = {
    body: '',
    authorization: '',
    player: 0,
    net_minor: 0,
    staked_minor: 0,
    actions: 0,
  };
  readonly connection: RawHttpConnection;
  status = 0;
  /** The answer's body when it is not a 200. */
  body: Buffer | null = null;
  started_ms = 0;

  constructor(
    private readonly phase: LoadPhase,
    url: string,
    path: string,
    timeout_ms: number,
  ) {
    this.connection = new RawHttpConnection({ url, path, timeout_ms, handler: this });
  }

  onResponse(status: number, body: Buffer | null): void {
    this.status = status;
    this.body = body;
    this.phase.complete(this, null);
  }

  onError(error: Error): void {
    this.phase.complete(this, error);
  }
}

class LoadPhase {
  private readonly slots: Slot[];
  private readonly histogram = new LatencyHistogram();
  private readonly errors = new Map<string, number>();
  private readonly unknown: UnknownRequest[] = [];
  private readonly started_ms = performance.now();
  private readonly warm_end_ms: number;
  private readonly end_ms: number;
  private measuring = false;
  private window_closed = false;
  private window_start_ms = 0;
  private window_end_ms = 0;
  private cpu_start: NodeJS.CpuUsage = process.cpuUsage();
  private cpu_s = 0;
  private stop_reason: StopReason | null = null;
  private in_flight = 0;
  private finished = false;
  private sent = 0;
  private sent_measured = 0;
  private ok_measured = 0;
  private poison_refused_measured = 0;
  private actions_measured = 0;
  private errors_total = 0;
  private unknown_dropped = 0;
  private completions_since_tick = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private resolve!: (result: PhaseResult) => void;
  readonly done: Promise<PhaseResult>;

  constructor(private readonly config: PhaseConfig) {
    this.warm_end_ms = this.started_ms + config.warmup_s * 1000;
    this.end_ms = this.warm_end_ms + config.duration_s * 1000;
    this.slots = Array.from(
      { length: config.connections },
      () => new Slot(this, config.url, config.path, config.timeout_ms),
    );
    this.done = new Promise((resolve) => (this.resolve = resolve));
  }

  start(): void {
    const { config } = this;
    if (config.signal?.aborted) return this.finishEmpty();
    config.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (config.warmup_s === 0) this.openWindow(this.started_ms);
    else this.timers.push(setTimeout(() => this.openWindow(performance.now()), config.warmup_s * 1000));
    this.timers.push(
      setTimeout(() => this.stop('duration', performance.now()), (config.warmup_s + config.duration_s) * 1000),
    );
    if (config.progress) this.timers.push(setInterval(() => this.tick(), 1000));
    for (const slot of this.slots) this.issue(slot);
    if (this.in_flight === 0) this.finish();
  }

  private readonly onAbort = () => this.stop('interrupted', performance.now());

  private finishEmpty(): void {
    this.stop_reason = 'interrupted';
    this.finish();
  }

  private openWindow(now: number): void {
    if (this.measuring || this.window_closed) return;
    this.measuring = true;
    this.window_start_ms = now;
    this.cpu_start = process.cpuUsage();
    this.config.on_window?.('start');
  }

  private closeWindow(now: number): void {
    if (this.window_closed) return;
    if (!this.measuring) this.openWindow(now);
    this.window_closed = true;
    this.window_end_ms = now;
    const cpu = process.cpuUsage(this.cpu_start);
    this.cpu_s = (cpu.user + cpu.system) / 1e6;
    this.config.on_window?.('end');
  }

  private stop(reason: StopReason, now: number): void {
    if (this.stop_reason) return;
    this.stop_reason = reason;
    // A request cap closes the window when the last request is answered (see finish()).
    if (reason !== 'requests') this.closeWindow(now);
    if (this.in_flight === 0) this.finish();
  }

  private issue(slot: Slot): void {
    if (this.stop_reason) return;
    const { requests_max } = this.config;
    if (this.measuring && requests_max !== null && this.sent_measured >= requests_max) {
      this.stop('requests', performance.now());
      return;
    }
    const request = slot.request;
    this.config.source.next(request);
    slot.status = 0;
    slot.body = null;
    this.in_flight += 1;
    this.sent += 1;
    if (this.measuring) this.sent_measured += 1;
    slot.started_ms = performance.now();
    try {
      slot.connection.send(request.authorization, request.body);
    } catch (error) {
      queueMicrotask(() => this.complete(slot, error as Error));
    }
  }

  complete(slot: Slot, error: Error | null): void {
    const now = performance.now();
    this.in_flight -= 1;
    this.completions_since_tick += 1;
    if (!this.measuring && now >= this.warm_end_ms) this.openWindow(now);
    const request = slot.request;
    if (request.poison && error === null && slot.status === 400) {
      // Refused at the door, as it must be: not an error, not booked, not a measured success.
      if (this.measuring && !this.window_closed) this.poison_refused_measured += 1;
    } else if (request.poison && error === null && slot.status === 200) {
      this.errors.set('poison accepted', (this.errors.get('poison accepted') ?? 0) + 1);
      this.errors_total += 1;
    } else if (error === null && slot.status === 200) {
      this.config.book.acknowledge(request.player, request.net_minor, request.staked_minor);
      if (this.measuring && !this.window_closed) {
        this.ok_measured += 1;
        this.actions_measured += request.actions;
        this.histogram.record((now - slot.started_ms) * 1000);
      }
    } else {
      this.fail(slot, error);
    }
    if (!this.stop_reason && now >= this.end_ms) this.stop('duration', now);
    if (this.stop_reason) {
      if (this.in_flight === 0) this.finish();
    } else if (error) {
      setTimeout(() => this.issue(slot), NETWORK_ERROR_BACKOFF_MS);
    } else {
      this.issue(slot);
    }
  }

  private fail(slot: Slot, error: Error | null): void {
    let key: string;
    if (error) key = errorKey(error);
    else key = statusKey(slot.status, slot.body ? slot.body.toString('utf8') : '');
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
    this.errors_total += 1;
    // 4xx: refused, nothing applied (SPEC §0). Anything else: unknown until replayed.
    if (!error && slot.status >= 400 && slot.status < 500) return;
    if (this.unknown.length < UNKNOWN_REQUESTS_KEPT_MAX) {
      this.unknown.push({ ...slot.request, reason: key });
    } else {
      this.unknown_dropped += 1;
      this.config.book.markUnresolved(slot.request.player);
    }
  }

  private tick(): void {
    const elapsed_s = (performance.now() - this.started_ms) / 1000;
    const stage = this.window_closed
      ? 'drain'
      : !this.measuring
        ? 'warm-up'
        : this.config.measured === false
          ? 'sending'
          : 'measure';
    const cap = this.config.requests_max !== null ? `  sent ${this.sent_measured}/${this.config.requests_max}` : '';
    this.config.progress?.(
      `[${elapsed_s.toFixed(0).padStart(4)}s] ${this.config.label} ${stage.padEnd(7)} ${String(this.completions_since_tick).padStart(7)} req/s  errors ${this.errors_total}${cap}`,
    );
    this.completions_since_tick = 0;
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.config.signal?.removeEventListener('abort', this.onAbort);
    if (!this.window_closed) this.closeWindow(performance.now());
    for (const timer of this.timers) clearTimeout(timer);
    for (const slot of this.slots) slot.connection.close();
    const window_s = Math.max(0, (this.window_end_ms - this.window_start_ms) / 1000);
    this.resolve({
      label: this.config.label,
      stop_reason: this.stop_reason ?? 'duration',
      warmup_s: this.config.warmup_s,
      window_s,
      requests_sent: this.sent,
      requests: this.ok_measured,
      poison_refused: this.poison_refused_measured,
      actions: this.actions_measured,
      requests_per_s: window_s > 0 ? this.ok_measured / window_s : 0,
      actions_per_s: window_s > 0 ? this.actions_measured / window_s : 0,
      latency: this.histogram.summary(),
      histogram: this.histogram,
      errors: Object.fromEntries([...this.errors].sort((a, b) => b[1] - a[1])),
      errors_total: this.errors_total,
      unknown: this.unknown,
      unknown_dropped: this.unknown_dropped,
      generator_cpu_s: this.cpu_s,
      generator_cpu_percent_of_core: window_s > 0 ? (100 * this.cpu_s) / window_s : 0,
    });
  }
}

/** Runs one phase: warm-up, measured window, drain of the requests still in flight. */
export function runPhase(config: PhaseConfig): Promise<PhaseResult> {
  if (!(config.connections >= 1)) throw new RangeError('connections must be at least 1');
  const phase = new LoadPhase(config);
  phase.start();
  return phase.done;
}
