import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ERRORS } from '../../src/app/errors.ts';
import { hmacSha256Hex } from '../../src/platform/hmac.ts';
import { SIGNATURES } from '../../src/platform/http-schemas.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';

/**
 * The OpenAPI document at /docs/json, walked operation by operation (issue 15, SPEC §8 "API
 * surface"): every request body and every answer has an example that matches its schema, every error
 * status names the codes it can carry (each a registry row with that status), every operation says
 * how it is authenticated — and what it says is what the server does: unsigned, unkeyed calls are
 * refused as documented, calls signed by the documented recipe are not.
 */

type Json = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  op: Json;
}

let server: TestServer;
let doc: Json;
let operations: Operation[];

before(async () => {
  server = await startTestServer();
  const r = await call(server.url, 'GET', '/docs/json');
  assert.equal(r.status, 200);
  doc = r.json;
  operations = Object.entries(doc.paths as Json).flatMap(([path, methods]) =>
    Object.entries(methods as Json).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
});
after(async () => {
  await server.close();
});

// The document is OpenAPI 3.0: Ajv reads its `nullable`; `example` is an annotation.
const ajv = new Ajv({ strict: false, allErrors: true });
const addFormats = (addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule;
(addFormats as (a: Ajv) => void)(ajv);
ajv.addKeyword({ keyword: 'example' });

/** Every example of a media type object: `example`, or the values of `examples`. */
function examplesOf(media: Json): unknown[] {
  if (media.example !== undefined) return [media.example];
  return Object.values((media.examples ?? {}) as Record<string, { value: unknown }>).map((e) => e.value);
}

function checkExamples(where: string, media: Json, problems: string[]): void {
  const examples = examplesOf(media);
  if (examples.length === 0) return void problems.push(`${where}: no example`);
  if (!media.schema) return;
  const validate = ajv.compile(media.schema);
  for (const example of examples) {
    if (!validate(example))
      problems.push(`${where}: example does not match its schema: ${ajv.errorsText(validate.errors)}`);
  }
}

const label = ({ method, path }: Operation) => `${method} ${path}`;

test('the document has operations from every surface', () => {
  assert.ok(operations.length >= 40, `${operations.length} operations`);
  for (const tag of ['wallet', 'operators', 'aggregator', 'casino callbacks', 'provider', 'bonus', 'reports'])
    assert.ok(
      operations.some((o) => o.op.tags?.includes(tag)),
      `an operation tagged ${tag}`,
    );
});

test('every request body has an example, and it matches the body schema', () => {
  const problems: string[] = [];
  for (const operation of operations) {
    const body = operation.op.requestBody as Json | undefined;
    if (!body) continue;
    for (const [type, media] of Object.entries(body.content as Json))
      checkExamples(`${label(operation)} request ${type}`, media as Json, problems);
  }
  assert.deepEqual(problems, []);
});

test('every operation declares its answers; each answer with a body has an example matching its schema', () => {
  const problems: string[] = [];
  for (const operation of operations) {
    const responses = Object.entries(operation.op.responses as Json);
    if (!responses.some(([status]) => Number(status) < 400))
      problems.push(`${label(operation)}: no success answer declared`);
    for (const [status, response] of responses) {
      const where = `${label(operation)} ${status}`;
      // @fastify/swagger's placeholder for a route without a response schema: no content, a stock sentence.
      if (!response.content && response.description === 'Default Response')
        problems.push(`${where}: not declared by the route`);
      for (const [type, media] of Object.entries((response.content ?? {}) as Json))
        checkExamples(`${where} ${type}`, media as Json, problems);
    }
  }
  assert.deepEqual(problems, []);
});

test('every error status lists its codes: registry rows of that status, one example each', () => {
  const rows = Object.values(ERRORS);
  const problems: string[] = [];
  for (const operation of operations) {
    for (const [status, response] of Object.entries(operation.op.responses as Json)) {
      if (Number(status) < 400) continue;
      const where = `${label(operation)} ${status}`;
      const media = response.content?.['application/json'];
      const codes: unknown[] | undefined = media?.schema?.properties?.code?.enum;
      if (!codes?.length) {
        problems.push(`${where}: no error codes listed (use errorResponses(...rows))`);
        continue;
      }
      for (const code of codes) {
        if (!rows.some((row) => row.code === code && row.http_status === Number(status)))
          problems.push(`${where}: ${code} is not a registry row with status ${status}`);
        if (!examplesOf(media).some((e) => (e as Json).code === code)) problems.push(`${where}: no example of ${code}`);
        if (!String(response.description).includes(`\`${code}\``))
          problems.push(`${where}: the description does not name ${code}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('every operation says how it is authenticated; each signature scheme says how to sign, with a worked example', () => {
  const schemes = doc.components.securitySchemes as Json;
  const problems: string[] = [];
  for (const operation of operations) {
    const security = operation.op.security as Json[] | undefined;
    if (!Array.isArray(security)) {
      problems.push(`${label(operation)}: no security (say [] for a public operation)`);
      continue;
    }
    for (const name of security.flatMap((s) => Object.keys(s)))
      if (!schemes[name]) problems.push(`${label(operation)}: unknown security scheme ${name}`);
  }
  assert.deepEqual(problems, []);
  for (const [name, signature] of Object.entries(SIGNATURES)) {
    const scheme = schemes[name];
    assert.equal(scheme.type, 'apiKey');
    assert.equal(scheme.in, 'header');
    assert.equal(scheme.name, signature.header);
    assert.match(scheme.description, /HMAC-SHA256/);
    assert.ok(scheme.description.includes(signature.secret), `${name} names its secret`);
    // The worked example is right: recompute it from the text.
    const [, secret, body, hex] = /secret `([^`]+)`, body `([^`]+)` → `[^:]+: (?:HMAC-SHA256 )?([0-9a-f]{64})`/.exec(
      scheme.description,
    )!;
    assert.equal(hex, hmacSha256Hex(secret, body));
  }
});

/** The config value of a documented secret (AGGREGATOR_SECRET → config.aggregator_secret). */
const secretOf = (env: string) => (server.ctx.config as unknown as Record<string, string>)[env.toLowerCase()];

function requestOf(operation: Operation): { url: string; body: string | undefined } {
  const url = operation.path.replace(/\{[^}]+\}/g, 'doc-check');
  const media = operation.op.requestBody?.content?.['application/json'];
  const example = media ? examplesOf(media)[0] : undefined;
  return { url: server.url + url, body: example === undefined ? undefined : JSON.stringify(example) };
}

async function send(operation: Operation, headers: Record<string, string> = {}) {
  const { url, body } = requestOf(operation);
  const response = await fetch(url, {
    method: operation.method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body,
  });
  const text = await response.text();
  let code: unknown;
  try {
    code = JSON.parse(text).code;
  } catch {
    code = undefined;
  }
  return { status: response.status, code, text: text.slice(0, 200) };
}

test('what the document says about authentication is what the server does', async () => {
  const problems: string[] = [];
  for (const operation of operations) {
    // The live socket's key is checked on the upgrade; a plain GET is 426 for everyone.
    if (operation.op.responses['101']) continue;
    const names = (operation.op.security as Json[]).flatMap((s) => Object.keys(s));
    const answer = await send(operation);
    const where = `${label(operation)} without credentials → ${answer.status} ${answer.text}`;
    if (names.includes('apiKey')) {
      if (answer.status !== 401 || answer.code !== 'UNAUTHORIZED') problems.push(`${where}: documented as keyed`);
    } else if (names.length > 0) {
      if (answer.status !== 403 || answer.code !== 'INVALID_SIGNATURE') problems.push(`${where}: documented as signed`);
      const signature = SIGNATURES[names[0] as keyof typeof SIGNATURES];
      const { body } = requestOf(operation);
      const signed = await send(operation, {
        [signature.header]: `${signature.prefix}${hmacSha256Hex(secretOf(signature.secret), body ?? '')}`,
      });
      if (signed.code === 'INVALID_SIGNATURE')
        problems.push(`${label(operation)} signed as documented → ${signed.status} ${signed.text}`);
    } else if (answer.code === 'UNAUTHORIZED' || answer.code === 'INVALID_SIGNATURE') {
      problems.push(`${where}: documented as public`);
    }
  }
  assert.deepEqual(problems, []);
});

test('a body that is optional is documented as such', () => {
  const settle = doc.paths['/v1/payouts/{userId}/settle'].post;
  assert.equal(settle.requestBody.required, false);
  assert.ok(examplesOf(settle.requestBody.content['application/json']).length > 0);
});
