import { startServer, type Server } from '../../src/app/runtime.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createTestDatabase, testConfig, type TestDatabase } from './db.ts';
import type { Role } from '../../src/platform/module.ts';

export interface TestServer extends Server {
  db: TestDatabase;
  /** Stops the server and drops its database. */
  close(): Promise<void>;
}

/** The whole product on a fresh database, listening on a free port of 127.0.0.1, seeded. */
/**
 * The product's HTTP roles. The worker (the SPEC §7 puller) and the mock upstream it pulls from are left
 * out unless asked for: they would write SCR transactions into every test's ledger on their own clock.
 */
const TEST_ROLES: Role[] = ['api', 'provider'];

export async function startTestServer(
  env: Record<string, string> = {},
  roles: Set<Role> = new Set(TEST_ROLES),
): Promise<TestServer> {
  const db = await createTestDatabase();
  const config = testConfig({ DATABASE_URL: db.url, ...env });
  const server = await startServer(config, createLogger(config.log_level), roles);
  return {
    ...server,
    db,
    close: async () => {
      await server.stop();
      await db.drop();
    },
  };
}

/** fetch with JSON in and out. */
export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as any };
}
