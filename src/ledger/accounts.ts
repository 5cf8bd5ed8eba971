import type { TransactionSql } from '../db/sql.ts';
import { BoundedCache } from '../platform/bounded-cache.ts';
import { ACCOUNT_CACHE_ENTRIES_MAX } from '../platform/limits.ts';
import type { AccountNeed } from './command.ts';
import { createAccounts, findAccountIds } from './store.ts';
import { accountKeyString } from './types.ts';

/**
 * A player's cash account is created with its bonus account (SPEC §5; migration 050 did the same for the
 * players before it). Every game command lists the bonus account without creating it; were it missing,
 * the look-up of a missing account — never cached — would cost every batch of that player two round
 * trips. With the twin it is found once, cached, and a player without a bonus costs nothing.
 */
function withBonusTwins(needs: AccountNeed[]): AccountNeed[] {
  const twins = needs
    .filter((n) => n.key.kind === 'player' && n.key.purpose === 'cash')
    .map((n): AccountNeed => ({ key: { ...n.key, purpose: 'bonus' }, create: true }));
  return twins.length === 0 ? needs : [...needs, ...twins];
}

/**
 * Account key → id, cached: ids never change once an account exists, so the hot path skips the
 * lookup for every account it has seen. Bounded; when full it starts over (a cold lookup is cheap).
 */
export class AccountDirectory {
  private readonly cache: BoundedCache<string, bigint>;

  constructor(entries_max: number = ACCOUNT_CACHE_ENTRIES_MAX) {
    this.cache = new BoundedCache(entries_max);
  }

  /** Ids of the needed accounts that exist (creating those marked `create`), unique. */
  async resolve(
    tx: TransactionSql,
    needs: AccountNeed[],
    begun: Promise<unknown>,
  ): Promise<{ ids: bigint[]; created: Map<string, bigint> }> {
    const ids = new Set<bigint>();
    const missing = new Map<string, AccountNeed>();
    for (const need of needs) {
      const k = accountKeyString(need.key);
      const id = this.cache.peek(k);
      if (id !== undefined) ids.add(id);
      else {
        const seen = missing.get(k);
        if (!seen || (need.create && !seen.create)) missing.set(k, need);
        else if (need.create && (need.overdraft_limit_minor ?? 0n) > (seen.overdraft_limit_minor ?? 0n))
          missing.set(k, need);
      }
    }
    const found = new Map<string, bigint>();
    if (missing.size > 0) {
      // Nothing may run outside the transaction if BEGIN failed. Then insert and look-up pipelined:
      // the look-up runs after the insert on the connection and sees its rows.
      await begun;
      const toCreate: AccountNeed[] = withBonusTwins([...missing.values()].filter((n) => n.create));
      const creating = createAccounts(tx, toCreate);
      const [rows] = await Promise.all([
        findAccountIds(
          tx,
          [...missing.values()].map((n) => n.key),
        ),
        creating,
      ]);
      for (const [k, id] of rows) {
        found.set(k, id);
        ids.add(id);
      }
    }
    return { ids: [...ids], created: found };
  }

  /** Ids of the needed accounts already in the cache, unique (no query: the others are simply left out). */
  known(needs: AccountNeed[]): bigint[] {
    const ids = new Set<bigint>();
    for (const need of needs) {
      const id = this.cache.peek(accountKeyString(need.key));
      if (id !== undefined) ids.add(id);
    }
    return [...ids];
  }

  remember(found: Map<string, bigint>): void {
    for (const [k, id] of found) this.cache.set(k, id);
  }
}
