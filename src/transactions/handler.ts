import type { TransactionSql } from '../db/sql.ts';
import type { Book } from '../ledger/book.ts';
import type { AccountNeed, CommandHandler, Decided } from '../ledger/command.ts';
import { playerAccount, refuse, succeed, systemAccount, type AccountKey, type Outcome, type SystemAccountName } from '../ledger/types.ts';
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
    needs: [{ key: player, create: true, overdraft_limit_minor: SCR_PLAYER_OVERDRAFT_LIMIT_MINOR }, { key: system, create: true }],
  };
}

export interface IngestResult {
  /** false: the id was already in the ledger (a re-read), nothing moved. */
  applied: boolean;
}

/** Ids committed before this batch, plus those this batch applied (a duplicate in one batch is skipped). */
interface IngestState {
  seen: Set<string>;
  rows: IngestRow[];
  totals: Map<string, TotalsDelta>;
}

export function zeroDelta(user_id: string): TotalsDelta {
  return { user_id, earned_minor: 0n, spent_minor: 0n, payout_minor: 0n, paid_out_minor: 0n };
}

/**
 * One upstream item = one ledger command. Its ingest_items row (the dedupe key) and the per-user
 * totals commit in the same transaction as its transfer, so an item counts exactly once in both the
 * ledger and the read model. State is written only after the transfer succeeded, so a refusal leaves
 * nothing to undo.
 */
export const ingestHandler: CommandHandler<UpstreamItem, IngestResult, IngestState> = {
  name: 'transactions.ingest',

  async load(tx: TransactionSql, inputs: UpstreamItem[]): Promise<IngestState> {
    return { seen: await loadIngestedIds(tx, [...new Set(inputs.map((i) => i.id))]), rows: [], totals: new Map() };
  },

  apply(book: Book, item: UpstreamItem, state: IngestState): Outcome<IngestResult> {
    if (state.seen.has(item.id)) return succeed({ applied: false });
    const { player, system } = itemAccounts(item);
    const flow = FLOWS[item.type];
    const moved = book.transfer({
      from: flow.to_player ? system : player, to: flow.to_player ? player : system, amount_minor: item.amount_minor,
      kind: `ingest_${item.type}`, metadata: { upstream_id: item.id },
    });
    if (!moved.ok) return refuse(moved.error, `the ledger refused item ${item.id}: ${moved.error}`);
    state.seen.add(item.id);
    state.rows.push({ ...item, transfer_id: moved.value.id });
    const delta = state.totals.get(item.user_id) ?? zeroDelta(item.user_id);
    if (item.type === 'earned') delta.earned_minor += item.amount_minor;
    else if (item.type === 'spent') delta.spent_minor += item.amount_minor;
    else delta.payout_minor += item.amount_minor;
    state.totals.set(item.user_id, delta);
    return succeed({ applied: true });
  },

  // Unawaited: pipelined behind the ledger's writes and COMMIT (docs/ledger.md).
  persist(tx: TransactionSql, _decided: Decided<UpstreamItem, IngestResult>[], state: IngestState) {
    return [...insertIngestRows(tx, state.rows), ...addTotals(tx, [...state.totals.values()])];
  },
};
