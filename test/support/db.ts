import { randomBytes } from 'node:crypto';
import { migrate } from '../../src/db/migrate.ts';
import { adminSql, createSql, type Sql } from '../../src/db/sql.ts';
import { Ledger } from '../../src/ledger/service.ts';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import type { FastifyInstance } from 'fastify';
import type { AppContext, DomainRoutes } from '../../src/ledger/context.ts';
import { buildApp } from '../../src/platform/http.ts';
import { mapError } from '../../src/app/errors.ts';
import { ROLES } from '../../src/platform/module.ts';
import { PARTICIPANTS } from '../../src/app/modules.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type { WriterOptions } from '../../src/ledger/writer.ts';
import { KeyResolver } from '../../src/operators/resolver.ts';
import { createOperatorAuth } from '../../src/platform/operator.ts';

function adminUrl(): string {
  const url = process.env.CROUPIER_TEST_ADMIN_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('run tests with `npm test` (it provides a PostgreSQL), or set DATABASE_URL');
  return url;
}

export interface TestDatabase {
  url: string;
  sql: Sql;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file (`migrations_dir`: only the migrations there). */
export async function createTestDatabase(migrations_dir?: string): Promise<TestDatabase> {
  const name = `croupier_t_${randomBytes(6).toString('hex')}`;
  const admin = adminSql(adminUrl());
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const sql = createSql(url.toString(), 10);
  await migrate(sql, migrations_dir);
  return {
    url: url.toString(),
    sql,
    drop: async () => {
      await sql.end({ timeout: 1 });
      const a = adminSql(adminUrl());
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', PORT: '0', HOST: '127.0.0.1', ...overrides });
}

/** A context on a test database without HTTP (ledger and services). */
export function testContext(db: TestDatabase, writer: WriterOptions = {}): AppContext {
  const config = testConfig({ DATABASE_URL: db.url });
  const logger = createLogger(config.log_level);
  const ledger = new Ledger(db.sql, logger, { participants: PARTICIPANTS, ...writer });
  return {
    config,
    logger,
    sql: db.sql,
    ledger,
    roles: new Set(ROLES),
    self_url: () => '',
    operator_auth: createOperatorAuth(new KeyResolver(db.sql, () => config.admin_api_key)),
  };
}

/** An HTTP app of just these routes on a test context (the composition root's error mapping and readiness). */
export async function testApp(ctx: AppContext, routes: DomainRoutes[]): Promise<FastifyInstance> {
  return buildApp(ctx, { mapError, ready: async () => ({ ready: true }) }, async (app) => {
    for (const plugin of routes) await app.register(async (scope) => plugin(scope, ctx));
  });
}
