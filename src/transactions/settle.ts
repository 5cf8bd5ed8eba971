import { TRANSACTIONS_ERRORS } from './errors.ts';
import type { TransactionSql } from '../db/sql.ts';
import type { AccountNeed, CommandHandler, PendingStatement } from '../ledger/command.ts';
import { LEDGER_ERRORS } from '../ledger/errors.ts';
import { JournaledList, JournaledMap, type Journal } from '../ledger/journal.ts';
import { systemAccount } from '../ledger/types.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import { totalToJson } from '../platform/money.ts';
import { SCR } from './handler.ts';
import { stringifyTotals } from './json-out.ts';
import {
  insertSettleResponses,
  loadSettleResponses,
  scopeToken,
  type IdempotencyScope,
  type StoredSettle,
} from './idempotency.ts';
import { lockTotals, type UserTotals } from './store.ts';
import type { ManualMovementStamp } from '../platform/operator.ts';

/** Settle a user's requested payouts: all of them (amount null) or up to `amount_minor`. */
export interface SettleInput {
  user_id: string;
  amount_minor: bigint | null;
  /** Who settles and why (SPEC §4 manual movement), kept in the transfer's metadata. */
  stamp: ManualMovementStamp;
  scope: IdempotencyScope;
}

export interface SettleResult {
  status: number;
  body: Buffer;
  replayed: boolean;
  /** The transfer this settlement made (null when nothing was left to settle), for the audit entry. */
  transfer_id: string | null;
}

interface SettleState {
  stored: JournaledMap<string, StoredSettle>;
  /** Locked rows, replaced in memory as this batch settles (two settlements of one user in one batch add up). */
  totals: JournaledMap<string, UserTotals>;
  inserted: JournaledList<StoredSettle>;
  settled: JournaledMap<string, bigint>;
}

interface SettleRows {
  stored: Map<string, StoredSettle>;
  totals: Map<string, UserTotals>;
}

const OK = 200;
const pending = systemAccount('payouts_pending', SCR);
const treasury = systemAccount('treasury', SCR);

export const SETTLE_ACCOUNTS: AccountNeed[] = [
  { key: pending, create: true },
  { key: treasury, create: true },
];

/**
 * SPEC §7 settlement: payouts_pending → treasury, the read model and the stored response in the same
 * transaction. The user's totals row is locked (FOR UPDATE) in load, so two processes settling one
 * user take turns and never pay the same payout twice.
 */
export const settleHandler: CommandHandler<SettleInput, SettleResult, SettleState, SettleRows> = {
  name: 'transactions.settle',

  async read(tx: TransactionSql, inputs: SettleInput[]): Promise<SettleRows> {
    const [stored, totals] = await Promise.all([
      loadSettleResponses(
        tx,
        inputs.map((i) => i.scope),
      ),
      lockTotals(tx, [...new Set(inputs.map((i) => i.user_id))]),
    ]);
    return { stored, totals };
  },

  state(rows: SettleRows | undefined, journal: Journal): SettleState {
    const state: SettleState = {
      stored: new JournaledMap(journal),
      totals: new JournaledMap(journal),
      inserted: new JournaledList(journal),
      settled: new JournaledMap(journal),
    };
    for (const [token, row] of rows?.stored ?? []) state.stored.set(token, row);
    for (const [user, row] of rows?.totals ?? []) state.totals.set(user, row);
    return state;
  },

  apply({ book }, input: SettleInput, state: SettleState): Outcome<SettleResult> {
    const token = scopeToken(input.scope);
    const seen = state.stored.get(token);
    if (seen) {
      if (!seen.request_hash.equals(input.scope.request_hash))
        return refuse(TRANSACTIONS_ERRORS.TRANSACTIONS_IDEMPOTENCY_KEY_REUSED);
      return succeed({
        status: seen.response_status,
        body: seen.response_body,
        replayed: true,
        transfer_id: seen.transfer_id,
      });
    }
    const found = state.totals.get(input.user_id);
    if (!found)
      return refuse(
        TRANSACTIONS_ERRORS.TRANSACTIONS_USER_NOT_FOUND,
        `No transaction of user ${input.user_id} has been ingested.`,
      );
    const requested = found.payout_minor;
    const settled = input.amount_minor === null || input.amount_minor > requested ? requested : input.amount_minor;
    let transfer_id: string | null = null;
    if (settled > 0n) {
      const moved = book.transfer({
        from: pending,
        to: treasury,
        amount_minor: settled,
        kind: 'payout_settle',
        metadata: { user_id: input.user_id, idempotency_key: input.scope.idempotency_key, ...input.stamp },
      });
      if (!moved.ok) return refuse(LEDGER_ERRORS[moved.refusal]);
      transfer_id = moved.value.id;
    }
    const totals = {
      ...found,
      payout_minor: found.payout_minor - settled,
      paid_out_minor: found.paid_out_minor + settled,
    };
    state.totals.set(input.user_id, totals);
    state.settled.set(input.user_id, (state.settled.get(input.user_id) ?? 0n) + settled);
    const body = Buffer.from(
      stringifyTotals({
        userId: input.user_id,
        settled: totalToJson(settled),
        payout: totalToJson(totals.payout_minor),
        paidOut: totalToJson(totals.paid_out_minor),
      }),
      'utf8',
    );
    const row: StoredSettle = { ...input.scope, response_status: OK, response_body: body, transfer_id };
    state.stored.set(token, row);
    state.inserted.push(row);
    return succeed({ status: OK, body, replayed: false, transfer_id });
  },

  persist(tx: TransactionSql, state: SettleState): PendingStatement[] {
    const moved = [...state.settled].filter(([, s]) => s > 0n);
    const statements = insertSettleResponses(tx, [...state.inserted.toArray()]);
    if (moved.length > 0) {
      statements.push(tx`
        update ingest_user_totals t set payout_minor = t.payout_minor - v.s, paid_out_minor = t.paid_out_minor + v.s, updated_at = now()
        from unnest(${moved.map(([u]) => u)}::text[], ${moved.map(([, s]) => String(s))}::bigint[]) as v(u, s)
        where t.user_id = v.u`);
    }
    return statements;
  },
};
