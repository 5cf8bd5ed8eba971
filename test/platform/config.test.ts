import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, CONFIG_VARIABLES, defaultSecretsInUse } from '../../src/platform/config.ts';

test('defaults apply in development and the default secrets are reported', () => {
  const config = loadConfig({});
  assert.equal(config.port, 3000);
  assert.equal(config.aggregator_secret, 'test');
  assert.equal(config.database_url, undefined);
  assert.deepEqual(Object.keys(defaultSecretsInUse(config)).sort(), [
    'ADMIN_API_KEY',
    'AGGREGATOR_SECRET',
    'CASINO_SECRET',
    'PROVIDER_SECRET',
  ]);
});

test('a wrong value stops start-up with a message naming the variable', () => {
  assert.throws(
    () => loadConfig({ PORT: 'abc' }),
    (e: Error) => e instanceof ConfigError && /PORT/.test(e.message),
  );
  assert.throws(() => loadConfig({ PORT: '70000' }), /PORT must be between/);
  assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
  assert.throws(() => loadConfig({ DATABASE_URL: 'not a url' }), /DATABASE_URL/);
  assert.throws(() => loadConfig({ DB_POOL_SIZE: '0' }), /DB_POOL_SIZE/);
});

test('production refuses to start without every secret', () => {
  assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /AGGREGATOR_SECRET is required/);
  const all = {
    NODE_ENV: 'production',
    AGGREGATOR_SECRET: 'a'.repeat(32),
    CASINO_SECRET: 'b'.repeat(32),
    PROVIDER_SECRET: 'c'.repeat(32),
    ADMIN_API_KEY: 'd'.repeat(32),
  };
  assert.equal(loadConfig(all).production, true);
  assert.deepEqual(defaultSecretsInUse(loadConfig(all)), {});
});

test('production refuses a secret or API key shorter than 32 characters, naming the variable', () => {
  const all = {
    NODE_ENV: 'production',
    AGGREGATOR_SECRET: 'a'.repeat(32),
    CASINO_SECRET: 'b'.repeat(32),
    PROVIDER_SECRET: 'c'.repeat(32),
    ADMIN_API_KEY: 'd'.repeat(32),
  };
  for (const name of ['AGGREGATOR_SECRET', 'CASINO_SECRET', 'PROVIDER_SECRET', 'ADMIN_API_KEY']) {
    assert.throws(
      () => loadConfig({ ...all, [name]: 'x'.repeat(31) }),
      (e: Error) =>
        e instanceof ConfigError &&
        e.message === `${name} must be at least 32 characters when NODE_ENV=production, got 31`,
    );
  }
  // Development keeps accepting short secrets (the defaults are short).
  assert.equal(loadConfig({ ADMIN_API_KEY: 'k' }).admin_api_key, 'k');
});

test('NODE_ENV must be development, test or production: a typo stops start-up naming the variable', () => {
  assert.throws(
    () => loadConfig({ NODE_ENV: 'prod' }),
    (e: Error) =>
      e instanceof ConfigError && /NODE_ENV must be one of development, test, production, got "prod"/.test(e.message),
  );
  assert.equal(loadConfig({ NODE_ENV: 'test' }).production, false);
  assert.equal(loadConfig({ NODE_ENV: 'development' }).production, false);
});

test('HOST defaults to 127.0.0.1 (local only); HOST=0.0.0.0 exposes the server', () => {
  assert.equal(loadConfig({}).host, '127.0.0.1');
  assert.equal(loadConfig({ HOST: '0.0.0.0' }).host, '0.0.0.0');
  assert.equal(CONFIG_VARIABLES.find((v) => v.name === 'HOST')?.default_text, '127.0.0.1');
});

test('every variable read by loadConfig is documented', async () => {
  const source = await import('node:fs').then((fs) =>
    fs.readFileSync(new URL('../../src/platform/config.ts', import.meta.url), 'utf8'),
  );
  const read = new Set(
    [...source.matchAll(/(?:env\.|integerVar\(env, |urlVar\(env, |secret\()'?([A-Z_]+)'?/g)].map((m) => m[1]),
  );
  const documented = new Set(CONFIG_VARIABLES.map((v) => v.name));
  for (const name of read) assert.ok(documented.has(name), `${name} is read but not documented`);
});

test('the README configuration tables list every variable croupier start --help prints', async () => {
  const { CONFIG_VARIABLES } = await import('../../src/platform/config.ts');
  const { TRANSACTIONS_MOCK_VARIABLES } = await import('../../src/upstream/index.ts');
  const readme = (await import('node:fs')).readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const documented = new Set([...readme.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
  const missing = [...CONFIG_VARIABLES, ...TRANSACTIONS_MOCK_VARIABLES]
    .map((v) => v.name)
    .filter((name) => !documented.has(name));
  assert.deepEqual(missing, []);
});
