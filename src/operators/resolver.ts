import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sql } from '../db/sql.ts';
import { BoundedCache } from '../platform/bounded-cache.ts';
import type { Operator, OperatorResolver } from '../platform/operator.ts';
import { OPERATOR_KEY_BYTES, OPERATOR_KEY_CACHE_TTL_MS, OPERATOR_KEYS_CACHED_MAX } from './limits.ts';
import { operatorByKeyHash } from './store.ts';

/** The operator behind ADMIN_API_KEY (SPEC §4: the bootstrap key, role admin). Not a row: it cannot be revoked, only rotated. */
export const BOOTSTRAP_OPERATOR: Operator = Object.freeze({ id: 'bootstrap', name: 'bootstrap admin', role: 'admin' });

const KEY_PREFIX = 'crp_';

/**
 * A new API key: 32 random bytes. Stored as its sha256 only. A slow hash (bcrypt, scrypt, argon2)
 * protects low-entropy secrets such as passwords against guessing after a database leak; a 256-bit
 * random key cannot be guessed at any speed, so one fast hash is as safe and lets every request
 * find its operator with one indexed lookup.
 */
export function generateApiKey(): { api_key: string; key_hash: Buffer } {
  const api_key = KEY_PREFIX + randomBytes(OPERATOR_KEY_BYTES).toString('base64url');
  return { api_key, key_hash: keyHash(api_key) };
}

export function keyHash(api_key: string): Buffer {
  return createHash('sha256').update(api_key, 'utf8').digest();
}

interface Cached {
  operator: Operator;
  expires_at_ms: number;
}

/**
 * Resolves a key: the bootstrap key, then this process's short cache, then the database (active
 * operators only). Keys are compared as sha256 digests with timingSafeEqual, so the comparison takes
 * the same time whatever the key; the database finds the row by the digest's index, which could at
 * most reveal a prefix of a digest, and a digest prefix does not help anyone build a key.
 * Wrong keys are never cached (a stream of guesses cannot evict the real ones).
 */
export class KeyResolver implements OperatorResolver {
  private cache = new BoundedCache<string, Cached>(OPERATOR_KEYS_CACHED_MAX);

  constructor(
    private readonly sql: Sql,
    private readonly bootstrap_key: () => string,
    private readonly ttl_ms: number = OPERATOR_KEY_CACHE_TTL_MS,
  ) {}

  async resolve(api_key: string): Promise<Operator | undefined> {
    const digest = keyHash(api_key);
    if (timingSafeEqual(digest, keyHash(this.bootstrap_key()))) return BOOTSTRAP_OPERATOR;
    const token = digest.toString('base64');
    const now_ms = Date.now();
    const cached = this.cache.peek(token);
    if (cached && cached.expires_at_ms > now_ms) return cached.operator;
    const row = await operatorByKeyHash(this.sql, digest);
    if (!row || !timingSafeEqual(row.key_hash, digest)) return undefined;
    const operator: Operator = Object.freeze({ id: row.id, name: row.name, role: row.role });
    this.cache.set(token, { operator, expires_at_ms: now_ms + this.ttl_ms });
    return operator;
  }

  forget(): void {
    this.cache = new BoundedCache<string, Cached>(OPERATOR_KEYS_CACHED_MAX);
  }
}
