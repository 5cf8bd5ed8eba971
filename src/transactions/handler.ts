import type { TransactionSql } from '../db/sql.ts';
import type { AccountNeed, CommandHandler } from '../ledger/command.ts';
import { LEDGER_ERRORS } from '../ledger/errors.ts';
import { JournaledList, JournaledMap, type Journal } from '../ledger/journal.ts';
import { playerAccount, systemAccount, type AccountKey, type SystemAccountName } from '../ledger/types.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import type { ItemType, UpstreamItem } from './item.ts';
import { SCR_PLAYER_OVERDRAFT_LIMIT_MINOR } from './limits.ts';
import { addTotals, insertIngestRows, loadIngestedIds, type IngestRow, type TotalsDelta } from './store.ts';

export const SCR = 'SCR';

/** SPEC §7: earned = treasury → player, spent = player → revenue, payout = player → payouts_pending. */
const FLOWS: Record<ItemType, { system: SystemAccountName; to_player: boolean }> = {
  earned: { system: 'treasury', to_player: true },
  spent: { system: 'revenue', to_player: false },
  payout: { system: 'payouts_pending', to_player: false },
};

export function itemAccounts(item: UpstreamItem): { player: AccountKey; system: AccountKey; needs: AccountNeed[] } {
  const player = playerAccount(item.user_id, SCR);
  const system = systemAccount(FLOWS[item.type].system, SCR);
  return {
    player,
    system,
    // The player's SCR account may go negative: the upstream, not this ledger, decides what happened.
    needs: [
      { key: player, create: true, overdraft_limit_minor: SCR_PLAYER_OVERDRAFT_LIMIT_MINOR },
      { key: system, create: true },
    ],
  };
}

export interface IngestResult {
  /** false: the id was already in the ledger (a re-read), nothing moved. */
  applied: boolean;
}

/** Ids committed before this batch, plus those this batch applied (a duplicate in one batch is skipped). Journaled. */
interface IngestState {
  seen: JournaledMap<string, true>;
  rows: JournaledList<IngestRow>;
  totals: JournaledMap<string, TotalsDelta>;
}

export function zeroDelta(user_id: string): TotalsDelta {
  return { user_id, earned_minor: 0n, spent_minor: 0n, payout_minor: 0n, paid_out_minor: 0n };
}

/**
 * One upstream item = one ledger command. Its ingest_items row (the dedupe key) and the per-user
 * totals commit in the same transaction as its transfer, so an item counts exactly once in both the
 * ledger and the read model. The state is journaled: a refused item leaves nothing behind.
 */
export const ingestHandler: CommandHandler<UpstreamItem, IngestResult, IngestState, Set<string>> = {
  name: 'transactions.ingest',

  read(tx: TransactionSql, inputs: UpstreamItem[]): Promise<Set<string>> {
    return loadIngestedIds(tx, [...new Set(inputs.map((i) => i.id))]);
  },

  state(rows: Set<string> | undefined, journal: Journal): IngestState {
    const seen = new JournaledMap<string, true>(journal);
    for (const id of rows ?? []) seen.set(id, true);
    return { seen, rows: new JournaledList(journal), totals: new JournaledMap(journal) };
  },

  apply({ book }, item: UpstreamItem, state: IngestState): Outcome<IngestResult> {
    if (state.seen.has(item.id)) return succeed({ applied: false });
    const { player, system } = itemAccounts(item);
    const flow = FLOWS[item.type];
    const moved = book.transfer({
      from: flow.to_player ? system : player,
      to: flow.to_player ? player : system,
      amount_minor: item.amount_minor,
      kind: `ingest_${item.type}`,
      metadata: { upstream_id: item.id },
    });
    if (!moved.ok) return refuse(LEDGER_ERRORS[moved.refusal], `the ledger refused item ${item.id}: ${moved.refusal}`);
    state.seen.set(item.id, true);
    state.rows.push({ ...item, transfer_id: moved.value.id });
    // Replaced, not mutated: the journal restores the previous object if this command is refused.
    const previous = state.totals.get(item.user_id);
    const delta = previous ? { ...previous } : zeroDelta(item.user_id);
    if (item.type === 'earned') delta.earned_minor += item.amount_minor;
    else if (item.type === 'spent') delta.spent_minor += item.amount_minor;
    else delta.payout_minor += item.amount_minor;
    state.totals.set(item.user_id, delta);
    return succeed({ applied: true });
  },

  // Unawaited: pipelined behind the ledger's writes and COMMIT (docs/ledger.md).
  persist(tx: TransactionSql, state: IngestState) {
    return [...insertIngestRows(tx, [...state.rows.toArray()]), ...addTotals(tx, [...state.totals.values()])];
  },
};
