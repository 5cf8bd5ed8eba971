import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DB_MIGRATION_TIMEOUT_MS } from '../platform/limits.ts';
import type { Sql } from './sql.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Numbered SQL files `NNN_name.sql`, in order (numbers leave gaps between domains); a duplicate number is refused. */
export function listMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const migrations = files.map((file) => {
    const match = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new Error(`migration file ${file} must be named NNN_name.sql`);
    return { version: Number(match[1]), name: match[2], sql: fs.readFileSync(path.join(dir, file), 'utf8') };
  });
  const seen = new Set<number>();
  for (const m of migrations) {
    if (seen.has(m.version)) throw new Error(`two migrations share number ${m.version}`);
    seen.add(m.version);
  }
  return migrations;
}

// Any fixed 64-bit key: only croupier migrators take this advisory lock.
const MIGRATION_LOCK_KEY = 7_351_902_114;

/**
 * Applies each pending migration once, in its own transaction, recorded in schema_migrations.
 * An advisory lock makes concurrent migrators (two processes starting together) take turns.
 */
export async function migrate(sql: Sql, dir?: string): Promise<{ applied: string[]; current: number }> {
  const migrations = listMigrations(dir);
  const applied: string[] = [];
  await sql.reserve().then(async (conn) => {
    try {
      // The pool's deadlines are for requests: a migration may wait its turn and rewrite a big table.
      await conn.unsafe(
        `set statement_timeout = ${DB_MIGRATION_TIMEOUT_MS}; set lock_timeout = ${DB_MIGRATION_TIMEOUT_MS}`,
      );
      await conn`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
      await conn`create table if not exists schema_migrations (
        version integer primary key, name text not null, applied_at timestamptz not null default now())`;
      const done = new Set((await conn`select version from schema_migrations`).map((r) => r.version as number));
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await conn.unsafe('begin');
        try {
          await conn.unsafe(m.sql);
          await conn`insert into schema_migrations (version, name) values (${m.version}, ${m.name})`;
          await conn.unsafe('commit');
        } catch (error) {
          await conn.unsafe('rollback');
          throw new Error(`migration ${m.version}_${m.name} failed: ${(error as Error).message}`);
        }
        applied.push(`${String(m.version).padStart(3, '0')}_${m.name}`);
      }
    } finally {
      await conn`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.catch(() => {});
      await conn.unsafe('reset statement_timeout; reset lock_timeout').catch(() => {});
      conn.release();
    }
  });
  return { applied, current: migrations.length ? migrations[migrations.length - 1].version : 0 };
}

/** True when every migration file is recorded as applied (for /ready). */
export async function migrationsCurrent(sql: Sql, dir?: string): Promise<boolean> {
  const expected = listMigrations(dir).map((m) => m.version);
  const rows = await sql`select version from schema_migrations`.catch(() => []);
  const done = new Set(rows.map((r) => r.version as number));
  return expected.every((v) => done.has(v));
}
