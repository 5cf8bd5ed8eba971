import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionTarget, createSql } from '../../src/db/sql.ts';

test('a TCP DATABASE_URL is passed on unchanged', () => {
  const url = 'postgres://app:secret@db.internal:6432/croupier?sslmode=require';
  assert.deepEqual(connectionTarget(url), { url });
});

test('?host=/dir (the libpq spelling) becomes the socket path with the port, and leaves the URL', () => {
  const target = connectionTarget('postgres://app@localhost:6543/croupier?host=/run/postgresql/&application_name=x');
  assert.equal(target.path, '/run/postgresql/.s.PGSQL.6543');
  assert.equal(new URL(target.url).searchParams.get('host'), null);
  assert.equal(new URL(target.url).searchParams.get('application_name'), 'x');
  assert.equal(connectionTarget('postgres://app@localhost/croupier?host=/tmp').path, '/tmp/.s.PGSQL.5432');
});

test('a host parameter that is not a directory stays a connection parameter', () => {
  assert.equal(connectionTarget('postgres://app@localhost/croupier?host=db2').path, undefined);
});

// `npm test` gives its embedded cluster a Unix socket; on an outside DATABASE_URL this one check is not run.
const socket_dir = process.env.CROUPIER_TEST_SOCKET_DIR;
test(
  'the pool connects over the Unix socket named by ?host=',
  { skip: socket_dir ? false : 'no socket directory from npm test (DATABASE_URL set)' },
  async () => {
    const tcp = new URL(process.env.CROUPIER_TEST_ADMIN_URL!);
    // A host name that does not resolve: only the socket can answer.
    const url = `postgres://${tcp.username}:${tcp.password}@no-such-host.invalid:${tcp.port}/postgres?host=${socket_dir}`;
    const sql = createSql(url, 1);
    try {
      const [row] = await sql<{ addr: string | null }[]>`select inet_client_addr()::text as addr`;
      assert.equal(row.addr, null, 'a Unix-socket session has no client address');
    } finally {
      await sql.end({ timeout: 1 });
    }
  },
);
