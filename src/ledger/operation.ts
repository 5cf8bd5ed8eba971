import type { TransactionSql } from '../db/sql.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import type { CommandHandler } from './command.ts';
import { LEDGER_ERRORS } from './errors.ts';
import { JournaledMap, type Journal } from './journal.ts';
import { readTransfersByExternalId } from './store.ts';
import type { LedgerRefusal, TransferRecord, TransferSpec } from './types.ts';

/**
 * The general ledger command: several transfers applied all-or-nothing, idempotent on the
 * (scope, external_id) of each transfer. All already applied with the same content → the stored
 * transfers are returned (`replayed`); some or different content → refused.
 */
export interface OperationInput {
  transfers: TransferSpec[];
}

export interface OperationResult {
  transfers: TransferRecord[];
  replayed: boolean;
}

/** Rows already committed, plus what earlier commands of this batch applied (a duplicate in the same batch replays). */
type State = { existing: JournaledMap<string, TransferRecord> };

const keyOf = (scope: string, external_id: string) => `${scope}\u0000${external_id}`;

export const operationHandler: CommandHandler<OperationInput, OperationResult, State, TransferRecord[]> = {
  name: 'ledger.operation',

  read(tx: TransactionSql, inputs: OperationInput[]): Promise<TransferRecord[]> {
    const pairs = inputs
      .flatMap((i) => i.transfers)
      .filter((t) => t.scope !== undefined && t.external_id !== undefined)
      .map((t) => ({ scope: t.scope!, external_id: t.external_id! }));
    return readTransfersByExternalId(tx, pairs);
  },

  state(rows: TransferRecord[] | undefined, journal: Journal): State {
    const existing = new JournaledMap<string, TransferRecord>(journal);
    for (const r of rows ?? []) existing.set(keyOf(r.scope!, r.external_id!), r);
    return { existing };
  },

  apply({ book }, input, state) {
    const keyed = input.transfers.filter((t) => t.scope !== undefined && t.external_id !== undefined);
    const found = keyed.map((t) => state.existing.get(keyOf(t.scope!, t.external_id!)));
    if (keyed.length > 0 && found.every((f) => f !== undefined)) {
      const same = keyed.every((t, i) => {
        const stored = found[i]!;
        return (
          t.amount_minor === stored.amount_minor &&
          t.kind === stored.kind &&
          t.from.asset === stored.asset &&
          book.account(t.from)?.id === stored.from_account_id &&
          book.account(t.to)?.id === stored.to_account_id
        );
      });
      if (!same || keyed.length !== input.transfers.length) return refuse(LEDGER_ERRORS.IDEMPOTENCY_CONFLICT);
      return succeed({ transfers: found as TransferRecord[], replayed: true });
    }
    if (found.some((f) => f !== undefined)) return refuse(LEDGER_ERRORS.IDEMPOTENCY_CONFLICT);
    const applied: TransferRecord[] = [];
    for (const spec of input.transfers) {
      const result = book.transfer(spec);
      if (!result.ok) return ledgerRefusal(result.refusal);
      applied.push(result.value);
      if (spec.scope && spec.external_id) state.existing.set(keyOf(spec.scope, spec.external_id), result.value);
    }
    return succeed({ transfers: applied, replayed: false });
  },
};

/** The book's refusal as the ledger's own registry row (for callers of the general operation). */
export function ledgerRefusal(refusal: LedgerRefusal): Outcome<never> {
  return refuse(LEDGER_ERRORS[refusal]);
}
