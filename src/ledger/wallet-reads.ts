import type { Queryable } from '../db/sql.ts';

/**
 * Read-only queries on the ledger's accounts table that the wallet surface needs and the Ledger
 * class does not offer (added by the wallet module; it writes nothing).
 */

export interface PlayerBalances {
  owner: string;
  /** Cash accounts only, by asset code. */
  balances: { asset: string; balance_minor: bigint }[];
}

/** Players in owner order after `after_owner` (exclusive), each with its cash balances. */
export async function readPlayersPage(db: Queryable, limit: number, after_owner: string | null): Promise<PlayerBalances[]> {
  const rows = await db<{ owner: string; asset: string | null; balance_minor: bigint | null }[]>`
    with owners as (
      select distinct owner from accounts
      where kind = 'player' and (${after_owner}::text is null or owner > ${after_owner}::text)
      order by owner limit ${limit}
    )
    select o.owner, a.asset, a.balance_minor from owners o
    left join accounts a on a.kind = 'player' and a.owner = o.owner and a.purpose = 'cash'
    order by o.owner, a.asset`;
  const players: PlayerBalances[] = [];
  for (const row of rows) {
    let last = players[players.length - 1];
    if (!last || last.owner !== row.owner) players.push((last = { owner: row.owner, balances: [] }));
    if (row.asset !== null && row.balance_minor !== null) last.balances.push({ asset: row.asset, balance_minor: row.balance_minor });
  }
  return players;
}
