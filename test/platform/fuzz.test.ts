import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hmacSha256Hex } from '../../src/platform/hmac.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';

/**
 * Property (SPEC §0, "no 500 for any input a client can send"): over every route of the running server,
 * correctly signed or keyed requests with malformed JSON, poison strings (NUL, lone surrogates), huge
 * or wrongly typed numbers, odd paths and query strings are answered 2xx/3xx, or 4xx with a JSON
 * { code, message } body — never a 5xx. Bounded: FUZZ_RUNS requests, seconds on a shared machine.
 */
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300);

let server: TestServer;
let session_token = '';
before(async () => {
  server = await startTestServer();
  const launched = await call(
    server.url,
    'POST',
    '/casino/launchGame',
    { userId: '1', gameId: '1', currency: 'USD' },
    { authorization: 'Bearer dev-admin-key' },
  );
  assert.equal(launched.status, 200, launched.text);
  session_token = launched.json.sessionToken;
});
after(async () => {
  await server.close();
});

type Auth = 'aggregator' | 'casino' | 'provider' | 'admin' | 'none';

interface RouteTemplate {
  method: 'GET' | 'POST';
  /** `:name` segments are replaced by fuzzed path parameters. */
  path: string;
  auth: Auth;
  /** A valid body, as JSON text fragments per field, that the fuzzer mutates. */
  body?: () => Record<string, string>;
  query?: Record<string, string>;
}

const j = (value: unknown) => JSON.stringify(value);
const session = () => ({ sessionToken: j(session_token), userId: j('1'), currency: j('USD') });
const ROUTES: RouteTemplate[] = [
  {
    method: 'POST',
    path: '/aggregator/takehome/process',
    auth: 'aggregator',
    body: () => ({
      user_id: j('fuzz|USD'),
      currency: j('USD'),
      game: j('a:b'),
      game_id: j('r1'),
      finished: 'true',
      actions: j([{ action: 'win', action_id: `f-${Math.random()}`, amount: 1 }]),
    }),
  },
  {
    method: 'GET',
    path: '/aggregator/takehome/rtp',
    auth: 'admin',
    query: { from: '2020-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z', page: '1', limit: '10' },
  },
  {
    method: 'GET',
    path: '/aggregator/takehome/rtp/:user_id',
    auth: 'admin',
    query: { from: '2020-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z' },
  },
  { method: 'POST', path: '/casino/getBalance', auth: 'casino', body: session },
  ...['debit', 'credit'].map((kind): RouteTemplate => ({
    method: 'POST',
    path: `/casino/${kind}`,
    auth: 'casino',
    body: () => ({ ...session(), externalTransactionId: j(`x-${Math.random()}`), roundId: j('round-f'), amount: '1' }),
  })),
  {
    method: 'POST',
    path: '/casino/rollback',
    auth: 'casino',
    body: () => ({
      ...session(),
      externalTransactionId: j(`x-${Math.random()}`),
      originalTransactionId: j('nope'),
      roundId: j('round-f'),
    }),
  },
  {
    method: 'POST',
    path: '/casino/launchGame',
    auth: 'admin',
    body: () => ({ userId: j('1'), gameId: j('1'), currency: j('USD') }),
  },
  {
    method: 'POST',
    path: '/casino/simulateRound',
    auth: 'admin',
    body: () => ({ userId: j('2'), gameId: j('2'), currency: j('USD') }),
  },
  {
    method: 'POST',
    path: '/provider/launch',
    auth: 'provider',
    body: () => ({ sessionToken: j(`p-${Math.random()}`), userId: j('1'), gameId: j('1'), currency: j('USD') }),
  },
  {
    method: 'POST',
    path: '/provider/simulate',
    auth: 'provider',
    body: () => ({ sessionToken: j('unknown'), rounds: '1' }),
  },
  { method: 'GET', path: '/provider/play', auth: 'none', query: { sessionToken: 'unknown' } },
  ...['topup', 'bonus', 'spend', 'withdraw'].map((kind): RouteTemplate => ({
    method: 'POST',
    path: `/v1/wallets/:playerId/${kind}`,
    auth: 'admin',
    body: () => ({ asset: j('GOLD_COINS'), amount: '1', description: j('fuzz'), metadata: j({ k: 'v' }) }),
  })),
  {
    method: 'POST',
    path: '/v1/transfers',
    auth: 'admin',
    body: () => ({ from: j({ system: 'treasury' }), to: j({ playerId: 'fz' }), asset: j('GOLD_COINS'), amount: '1' }),
  },
  { method: 'GET', path: '/v1/wallets/:playerId', auth: 'admin' },
  { method: 'GET', path: '/v1/wallets/:playerId/transactions', auth: 'admin', query: { limit: '5' } },
  { method: 'GET', path: '/v1/players', auth: 'admin', query: { limit: '5' } },
  { method: 'GET', path: '/v1/assets', auth: 'admin' },
  {
    method: 'POST',
    path: '/v1/operators',
    auth: 'admin',
    body: () => ({ name: j(`fuzz-${Math.random()}`), role: j('viewer') }),
  },
  { method: 'GET', path: '/v1/operators', auth: 'admin' },
  { method: 'GET', path: '/v1/operators/me', auth: 'admin' },
  { method: 'GET', path: '/v1/audit', auth: 'admin', query: { limit: '5' } },
  { method: 'GET', path: '/v1/transactions/status', auth: 'admin' },
  { method: 'POST', path: '/v1/payouts/:userId/settle', auth: 'admin', body: () => ({ amount: '1' }) },
  { method: 'GET', path: '/reports/users/:userId', auth: 'none' },
  { method: 'GET', path: '/reports/payouts', auth: 'none', query: { page: '1', limit: '5' } },
  { method: 'GET', path: '/v1/ws', auth: 'admin' },
  { method: 'GET', path: '/v1/players/:playerId/bonuses', auth: 'admin' },
  {
    method: 'POST',
    path: '/v1/players/:playerId/bonuses',
    auth: 'admin',
    body: () => ({
      asset: j('USD'),
      amount: '10',
      wagering_multiplier: '5',
      expires_at: j(new Date(Date.now() + 3_600_000).toISOString()),
    }),
  },
  { method: 'POST', path: '/v1/players/:playerId/bonuses/:bonusId/forfeit', auth: 'admin', body: () => ({}) },
  { method: 'GET', path: '/v1/games', auth: 'admin', query: { limit: '5' } },
  { method: 'GET', path: '/v1/bonus/contributions', auth: 'admin' },
  {
    method: 'GET',
    path: '/v1/reports/games',
    auth: 'admin',
    query: { from: '2020-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z', group_by: 'day,game' },
  },
  {
    method: 'GET',
    path: '/v1/reports/ngr',
    auth: 'admin',
    query: { from: '2020-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z', group_by: 'day' },
  },
  { method: 'GET', path: '/v1/players/:playerId/rounds', auth: 'admin', query: { limit: '5' } },
  { method: 'POST', path: '/provider/spin', auth: 'none', body: () => ({ sessionToken: j('unknown') }) },
  { method: 'POST', path: '/provider/balance', auth: 'none', body: () => ({ sessionToken: j('unknown') }) },
  { method: 'GET', path: '/provider/play.js', auth: 'none' },
  { method: 'GET', path: '/provider/play.css', auth: 'none' },
  { method: 'GET', path: '/health', auth: 'none' },
  { method: 'GET', path: '/ready', auth: 'none' },
  { method: 'GET', path: '/metrics', auth: 'none' },
  { method: 'GET', path: '/', auth: 'none' },
  { method: 'GET', path: '/docs', auth: 'none' },
  { method: 'GET', path: '/docs/json', auth: 'none' },
  { method: 'GET', path: '/docs/', auth: 'none' },
  { method: 'GET', path: '/docs/yaml', auth: 'none' },
  { method: 'GET', path: '/docs/static/index.html', auth: 'none' },
  { method: 'GET', path: '/docs/static/swagger-initializer.js', auth: 'none' },
  { method: 'GET', path: '/docs/:file', auth: 'none' },
  { method: 'GET', path: '/assets/:file', auth: 'none' },
  { method: 'GET', path: '/:file', auth: 'none' },
];

// Strings a client can send that the server must refuse cleanly.
const nastyString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udc00y',
    '\udbff\udfff',
    '\ufffd',
    '',
    ' ',
    '💰',
    '\u202e',
    '../..',
    'A'.repeat(300),
    '\\',
    '"',
    '%00',
  ),
  fc.string({ unit: 'binary', maxLength: 10 }),
);
// JSON text fragments for a field value, including numbers JSON.stringify cannot produce.
const nastyValue = fc.oneof(
  nastyString.map(j),
  fc.constantFrom(
    '1e400',
    '-1e400',
    '9007199254740993',
    '123456789012345678901234567890',
    '-1',
    '0',
    '0.5',
    '1e2',
    '-0',
    'true',
    'null',
    '[]',
    '{}',
    '[[[[[]]]]]',
    '"1"',
    '{"__proto__":{"x":1}}',
  ),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(j),
  fc.json({ maxDepth: 2 }),
);
// Whole bodies that are not valid JSON, or not valid UTF-8.
const brokenBody = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => Buffer.from(s)),
  fc
    .constantFrom(
      '{',
      '{"a":',
      '[',
      '{"a":1}}',
      '\ufeff{}',
      '{"a":"\\ud800"}',
      '{"a":"\\u0000"}',
      'null',
      '0',
      '"x"',
      '[]',
    )
    .map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
  fc.constant(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d])),
);
// Path parameters and query values, raw (already percent-encoded or not).
const nastySegment = fc.oneof(
  fc.constantFrom(
    '%00',
    'a%00b',
    '%ED%A0%80',
    '%FF',
    '%E0%A4%A',
    '%2e%2e',
    '..',
    '%2F',
    'fz',
    'fuzz%7CUSD',
    '%F0%9F%92%B0',
    'A'.repeat(260),
  ),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const nastyQuery = fc.dictionary(
  fc.oneof(
    fc.constantFrom('from', 'to', 'page', 'limit', 'cursor', 'asset', 'sessionToken', '%00', 'a[b]'),
    fc.string({ maxLength: 5 }).map(encodeURIComponent),
  ),
  nastySegment,
  { maxKeys: 4 },
);

interface FuzzRequest {
  route: number;
  segment: string;
  query: { mode: 'template' | 'mutated' | 'replaced'; extra: Record<string, string> };
  body: {
    mode: 'template' | 'mutated' | 'broken' | 'extra-field' | 'dropped-field';
    field: number;
    value: string;
    broken: Buffer;
  };
  method: string | undefined;
  content_type: string | undefined;
}

const request = fc.record<FuzzRequest>({
  route: fc.integer({ min: 0, max: ROUTES.length - 1 }),
  segment: nastySegment,
  query: fc.record({ mode: fc.constantFrom('template', 'mutated', 'replaced'), extra: nastyQuery }),
  body: fc.record({
    mode: fc.constantFrom('template', 'mutated', 'mutated', 'broken', 'extra-field', 'dropped-field'),
    field: fc.nat(),
    value: nastyValue,
    broken: brokenBody,
  }),
  method: fc.option(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), { freq: 8 }),
  content_type: fc.option(
    fc.constantFrom(
      'text/plain',
      'application/json; charset=latin1',
      'application/x-www-form-urlencoded',
      'application/json;;',
    ),
    { freq: 6 },
  ),
});

function bodyOf(template: RouteTemplate, spec: FuzzRequest['body']): Buffer {
  if (spec.mode === 'broken') return spec.broken;
  const fields = template.body!();
  const keys = Object.keys(fields);
  const key = keys[spec.field % keys.length];
  if (spec.mode === 'mutated') fields[key] = spec.value;
  if (spec.mode === 'extra-field') fields[`extra${spec.field % 3}`] = spec.value;
  if (spec.mode === 'dropped-field') delete fields[key];
  return Buffer.from(
    `{${Object.entries(fields)
      .map(([k, v]) => `${j(k)}:${v}`)
      .join(',')}}`,
  );
}

function queryOf(template: RouteTemplate, spec: FuzzRequest['query']): string {
  const pairs: Record<string, string> = spec.mode === 'replaced' ? {} : { ...template.query };
  if (spec.mode !== 'template') Object.assign(pairs, spec.extra);
  const text = Object.entries(pairs)
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return text ? `?${text}` : '';
}

function authHeaders(auth: Auth, body: Buffer): Record<string, string> {
  switch (auth) {
    case 'aggregator':
      return { authorization: `HMAC-SHA256 ${hmacSha256Hex('test', body)}` };
    case 'casino':
      return { 'x-casino-signature': hmacSha256Hex('casino-secret', body) };
    case 'provider':
      return { 'x-provider-signature': hmacSha256Hex('provider-secret', body) };
    case 'admin':
      return { authorization: 'Bearer dev-admin-key', 'idempotency-key': `fuzz-${Math.random()}` };
    case 'none':
      return {};
  }
}

async function send(spec: FuzzRequest): Promise<{ label: string; status: number; text: string; content_type: string }> {
  const template = ROUTES[spec.route];
  const method = spec.method ?? template.method;
  const path = template.path.replace(/:[a-z_A-Z]+/g, spec.segment) + queryOf(template, spec.query);
  const has_body = method !== 'GET' && template.body !== undefined;
  const body = has_body ? bodyOf(template, spec.body) : Buffer.alloc(0);
  const headers: Record<string, string> = { ...authHeaders(template.auth, body) };
  if (has_body) headers['content-type'] = spec.content_type ?? 'application/json';
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    redirect: 'manual',
    body: has_body ? new Uint8Array(body) : undefined,
  });
  const text = await response.text();
  const label = `${method} ${path} ${has_body ? body.toString('latin1').slice(0, 300) : ''}`;
  return { label, status: response.status, text, content_type: response.headers.get('content-type') ?? '' };
}

test(
  `${FUZZ_RUNS} fuzzed, correctly authenticated requests over every route: never a 5xx, every error a { code, message } body`,
  { timeout: 120_000 },
  async () => {
    await fc.assert(
      fc.asyncProperty(request, async (spec) => {
        const answer = await send(spec);
        assert.ok(answer.status < 500, `${answer.status} for ${answer.label}: ${answer.text.slice(0, 300)}`);
        if (answer.status >= 400) {
          assert.match(answer.content_type, /^application\/json/, answer.label);
          const body = JSON.parse(answer.text);
          assert.deepEqual(Object.keys(body).sort(), ['code', 'message'], `${answer.label}: ${answer.text}`);
          assert.ok(typeof body.code === 'string' || typeof body.code === 'number', answer.label);
          assert.equal(typeof body.message, 'string', answer.label);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  },
);

/** Full paths of Fastify's printed route tree: each line's fragment appended to its ancestors'. */
function registeredPaths(tree: string): string[] {
  const paths: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^(.*?)(?:└── |├── )(\S+) \(([^)]*)\)/.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4;
    stack.length = depth;
    stack.push(match[2]);
    if (/GET|POST/.test(match[3])) paths.push(stack.join(''));
  }
  return paths;
}

const normalized = (path: string) => path.replace(/:[^/]+|\*/g, '*');

test('the fuzzed route list covers every route the server registered', () => {
  const paths = registeredPaths(server.app.printRoutes({ commonPrefix: false }));
  assert.ok(paths.length >= 30, `parsed ${paths.length} routes`);
  const fuzzed = new Set(ROUTES.map((r) => normalized(r.path)));
  for (const path of paths) assert.ok(fuzzed.has(normalized(path)), `${path} is fuzzed`);
});
