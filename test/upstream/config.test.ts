import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/platform/config.ts';
import pino from 'pino';
import {
  startTransactionsMockRole,
  TRANSACTIONS_MOCK_VARIABLES,
  transactionsMockOptionsFromEnv,
} from '../../src/upstream/index.ts';

describe('the mock reads its options from TRANSACTIONS_MOCK_* variables', () => {
  test('with nothing set it serves on port 3001 the SPEC defaults: 100 a minute, 2 % late within 60 s, 5 requests per 60 s', () => {
    assert.deepEqual(transactionsMockOptionsFromEnv({}), {
      port: 3001,
      host: '127.0.0.1',
      seed: 1,
      rate_per_min: 100,
      late_share: 0.02,
      late_max_s: 60,
      budget: '5/60s',
      users: 1000,
      start_ms: undefined,
      speed: 1,
      rate_scale: 1,
    });
  });

  test('every variable is read', () => {
    const options = transactionsMockOptionsFromEnv({
      TRANSACTIONS_MOCK_PORT: '0',
      TRANSACTIONS_MOCK_HOST: '0.0.0.0',
      TRANSACTIONS_MOCK_SEED: '42',
      TRANSACTIONS_MOCK_RATE_PER_MIN: '5000',
      TRANSACTIONS_MOCK_LATE_SHARE: '0.5',
      TRANSACTIONS_LATE_MAX_S: '10',
      TRANSACTIONS_MOCK_BUDGET: '5/6s',
      TRANSACTIONS_MOCK_USERS: '10',
      TRANSACTIONS_MOCK_START: '2023-02-01 00:00:00',
      TRANSACTIONS_MOCK_SPEED: '10',
      TRANSACTIONS_MOCK_RATE_SCALE: '10',
    });
    assert.deepEqual(options, {
      port: 0,
      host: '0.0.0.0',
      seed: 42,
      rate_per_min: 5000,
      late_share: 0.5,
      late_max_s: 10,
      budget: '5/6s',
      users: 10,
      start_ms: Date.UTC(2023, 1, 1),
      speed: 10,
      rate_scale: 10,
    });
  });

  const bad: [string, string][] = [
    ['TRANSACTIONS_MOCK_PORT', '70000'],
    ['TRANSACTIONS_MOCK_SEED', '-1'],
    ['TRANSACTIONS_MOCK_RATE_PER_MIN', '5001'],
    ['TRANSACTIONS_MOCK_RATE_PER_MIN', '0'],
    ['TRANSACTIONS_MOCK_LATE_SHARE', '1.5'],
    ['TRANSACTIONS_LATE_MAX_S', '601'],
    ['TRANSACTIONS_MOCK_BUDGET', '5/minute'],
    ['TRANSACTIONS_MOCK_USERS', '0'],
    ['TRANSACTIONS_MOCK_START', 'yesterday'],
    ['TRANSACTIONS_MOCK_SPEED', 'fast'],
    ['TRANSACTIONS_MOCK_RATE_SCALE', '101'],
  ];
  for (const [name, value] of bad) {
    test(`${name}=${value} stops start-up with a message naming ${name}`, () => {
      const names_it = (error: unknown) => error instanceof ConfigError && error.message.startsWith(name);
      assert.throws(() => transactionsMockOptionsFromEnv({ [name]: value }), names_it);
    });
  }

  test('every variable read is listed for --help', () => {
    const listed = TRANSACTIONS_MOCK_VARIABLES.map((v) => v.name).sort();
    const read = new Set([...bad.map(([name]) => name), 'TRANSACTIONS_MOCK_HOST']);
    assert.deepEqual(listed, [...read].sort());
  });
});

describe('the transactions-mock role', () => {
  test('starts from the environment, logs where it serves, answers on its own port and stops', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const mock = await startTransactionsMockRole({ TRANSACTIONS_MOCK_PORT: '0', TRANSACTIONS_MOCK_SEED: '5' }, logger);
    try {
      assert.equal(lines.length, 1);
      assert.equal(lines[0].url, mock.url);
      assert.equal(lines[0].budget, '5/60s');
      assert.equal((await fetch(`${mock.url}/health`)).status, 200);
      assert.equal((await fetch(`${mock.url}/transactions`)).status, 200);
    } finally {
      await mock.stop();
    }
    await assert.rejects(fetch(`${mock.url}/health`));
  });

  test('a wrong variable stops it before it listens', async () => {
    const logger = pino({ level: 'silent' });
    await assert.rejects(startTransactionsMockRole({ TRANSACTIONS_MOCK_BUDGET: 'lots' }, logger), ConfigError);
  });
});
