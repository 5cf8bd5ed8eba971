import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, CONFIG_VARIABLES, defaultSecretsInUse } from '../../src/platform/config.ts';

test('defaults apply in development and the default secrets are reported', () => {
  const config = loadConfig({});
  assert.equal(config.port, 3000);
  assert.equal(config.aggregator_secret, 'test');
  assert.equal(config.database_url, undefined);
  assert.deepEqual(Object.keys(defaultSecretsInUse(config)).sort(), ['ADMIN_API_KEY', 'AGGREGATOR_SECRET', 'CASINO_SECRET', 'PROVIDER_SECRET']);
});

test('a wrong value stops start-up with a message naming the variable', () => {
  assert.throws(() => loadConfig({ PORT: 'abc' }), (e: Error) => e instanceof ConfigError && /PORT/.test(e.message));
  assert.throws(() => loadConfig({ PORT: '70000' }), /PORT must be between/);
  assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
  assert.throws(() => loadConfig({ DATABASE_URL: 'not a url' }), /DATABASE_URL/);
  assert.throws(() => loadConfig({ DB_POOL_SIZE: '0' }), /DB_POOL_SIZE/);
});

test('production refuses to start without every secret', () => {
  assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /AGGREGATOR_SECRET is required/);
  const all = { NODE_ENV: 'production', AGGREGATOR_SECRET: 'a', CASINO_SECRET: 'b', PROVIDER_SECRET: 'c', ADMIN_API_KEY: 'd' };
  assert.equal(loadConfig(all).production, true);
  assert.deepEqual(defaultSecretsInUse(loadConfig(all)), {});
});

test('every variable read by loadConfig is documented', async () => {
  const source = await import('node:fs').then((fs) => fs.readFileSync(new URL('../../src/platform/config.ts', import.meta.url), 'utf8'));
  const read = new Set([...source.matchAll(/(?:env\.|integerVar\(env, |urlVar\(env, |secret\()'?([A-Z_]+)'?/g)].map((m) => m[1]));
  const documented = new Set(CONFIG_VARIABLES.map((v) => v.name));
  for (const name of read) assert.ok(documented.has(name), `${name} is read but not documented`);
});

test('the README configuration tables list every variable croupier start --help prints', async () => {
  const { CONFIG_VARIABLES } = await import('../../src/platform/config.ts');
  const { TRANSACTIONS_MOCK_VARIABLES } = await import('../../src/upstream/index.ts');
  const readme = (await import('node:fs')).readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const documented = new Set([...readme.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
  const missing = [...CONFIG_VARIABLES, ...TRANSACTIONS_MOCK_VARIABLES].map((v) => v.name).filter((name) => !documented.has(name));
  assert.deepEqual(missing, []);
});
