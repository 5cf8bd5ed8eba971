import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/platform/logger.ts';
import { AuditLog } from '../../src/operators/audit.ts';
import { BOOTSTRAP_OPERATOR, KeyResolver, generateApiKey } from '../../src/operators/resolver.ts';
import { insertOperator, revokeOperator } from '../../src/operators/store.ts';
import { uuidv7 } from '../../src/platform/uuid.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;

before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.drop();
});

async function storedOperator(name: string) {
  const { api_key, key_hash } = generateApiKey();
  const id = uuidv7();
  await insertOperator(db.sql, { id, name, role: 'operator', key_hash, created_by: 'bootstrap' });
  return { id, api_key };
}

describe('KeyResolver', () => {
  test('the bootstrap key resolves to the bootstrap admin; a near miss resolves to nobody', async () => {
    const resolver = new KeyResolver(db.sql, () => 'the-bootstrap-key');
    assert.deepEqual(await resolver.resolve('the-bootstrap-key'), BOOTSTRAP_OPERATOR);
    assert.equal(await resolver.resolve('the-bootstrap-ke'), undefined);
    assert.equal(await resolver.resolve('the-bootstrap-keyy'), undefined);
  });

  test('a stored key is trusted from the cache until its TTL, then checked again; forget() drops it at once', async () => {
    const { id, api_key } = await storedOperator('cached');
    const resolver = new KeyResolver(db.sql, () => 'bootstrap', 300);
    assert.equal((await resolver.resolve(api_key))?.id, id);
    await revokeOperator(db.sql, id);
    assert.equal((await resolver.resolve(api_key))?.id, id, 'still cached within the TTL');
    await new Promise((resolve) => setTimeout(resolve, 350));
    assert.equal(await resolver.resolve(api_key), undefined, 'the TTL passed: the database says revoked');

    const other = await storedOperator('forgotten');
    const fresh = new KeyResolver(db.sql, () => 'bootstrap', 60_000);
    assert.equal((await fresh.resolve(other.api_key))?.id, other.id);
    await revokeOperator(db.sql, other.id);
    fresh.forget();
    assert.equal(await fresh.resolve(other.api_key), undefined);
  });

  test('generated keys are distinct, 256-bit, and hash to 32 bytes', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    assert.notEqual(a.api_key, b.api_key);
    assert.equal(Buffer.from(a.api_key.slice('crp_'.length), 'base64url').length, 32);
    assert.equal(a.key_hash.length, 32);
  });
});

describe('AuditLog', () => {
  test('an entry that cannot be written is logged, and recording it never throws', async () => {
    const lines: string[] = [];
    const logger = createLogger('error');
    const log = new AuditLog(
      db.sql,
      Object.assign(Object.create(logger), { error: (obj: unknown, msg: string) => lines.push(msg) }),
    );
    // status 99 breaks the table's CHECK: the insert fails like a database outage would.
    await log.record({
      operator_id: 'bootstrap',
      operator_name: 'bootstrap admin',
      method: 'POST',
      path: '/x',
      status: 99,
      reason: null,
      transaction_id: null,
    });
    assert.deepEqual(lines, ['audit entry not written']);
  });
});
