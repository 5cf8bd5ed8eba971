import type { TransactionSql } from '../db/sql.ts';
import { ACCOUNT_CACHE_ENTRIES_MAX } from '../platform/limits.ts';
import { AccountKeyMap } from './account-key-map.ts';
import type { AccountNeed } from './command.ts';
import { createAccounts, findAccountIds } from './store.ts';
import { accountKeyString, type AccountKey } from './types.ts';

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
  private readonly cache = new AccountKeyMap<bigint>();

  constructor(private readonly entries_max: number = ACCOUNT_CACHE_ENTRIES_MAX) {}

  /** Ids of the needed accounts that exist (creating those marked `create`), unique. */
  async resolve(
    tx: TransactionSql,
    needs: AccountNeed[],
    begun: Promise<unknown>,
  ): Promise<{ ids: bigint[]; created: [AccountKey, bigint][] }> {
    const ids = new Set<bigint>();
    // Keyed by string: misses are few (an account seen for the first time by this process).
    const missing = new Map<string, AccountNeed>();
    for (const need of needs) {
      const id = this.cache.get(need.key);
      if (id !== undefined) ids.add(id);
      else {
        const k = accountKeyString(need.key);
        const seen = missing.get(k);
        if (!seen || (need.create && !seen.create)) missing.set(k, need);
        else if (need.create && (need.overdraft_limit_minor ?? 0n) > (seen.overdraft_limit_minor ?? 0n))
          missing.set(k, need);
      }
    }
    const found: [AccountKey, bigint][] = [];
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
      for (const [key, id] of rows) {
        found.push([key, id]);
        ids.add(id);
      }
    }
    return { ids: [...ids], created: found };
  }

  /** Ids of the needed accounts already in the cache, unique (no query: the others are simply left out). */
  known(needs: AccountNeed[]): bigint[] {
    const ids = new Set<bigint>();
    for (const need of needs) {
      const id = this.cache.get(need.key);
      if (id !== undefined) ids.add(id);
    }
    return [...ids];
  }

  /** Ids of committed accounts. When full, the cache starts over (a cold look-up is cheap). */
  remember(found: [AccountKey, bigint][]): void {
    for (const [key, id] of found) {
      if (this.cache.size >= this.entries_max) this.cache.clear();
      this.cache.set(key, id);
    }
  }
}
