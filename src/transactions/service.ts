import { TRANSACTIONS_ERRORS } from './errors.ts';
import type { Sql } from '../db/sql.ts';
import type { Ledger } from '../ledger/service.ts';
import { valueOrThrow } from '../platform/outcome.ts';
import { AppError } from '../platform/errors.ts';
import { totalToJson } from '../platform/money.ts';
import { InFlightKeys, loadSettleResponses, scopeToken, type IdempotencyScope } from './idempotency.ts';
import { changedUsersPayload } from './notify.ts';
import { NOTIFY_CHANNEL } from './limits.ts';
import { SETTLE_ACCOUNTS, settleHandler, type SettleResult } from './settle.ts';
import { readState } from './state.ts';
import { readPayoutsPage, readTotals } from './store.ts';
import type { ManualMovementStamp } from '../platform/operator.ts';

export interface StatusAnswer {
  checkpoint: string | null;
  lag_s: number | null;
  items_total: number | bigint;
  requests_total: number | bigint;
  throttled_total: number | bigint;
  errors_total: number | bigint;
  quarantined_total: number | bigint;
  last_error: string | null;
  last_error_at: string | null;
}

/** A reporter answer before rendering: 200 with the body, or 404 with the error body. */
export interface ReportAnswer {
  status: number;
  body: unknown;
}

/** SPEC §7 reads and settlement. No HTTP here: routes.ts translates. */
export class TransactionsService {
  private readonly in_flight = new InFlightKeys();

  constructor(
    private readonly sql: Sql,
    private readonly ledger: Ledger,
  ) {}

  async status(): Promise<StatusAnswer> {
    const s = await readState(this.sql);
    return {
      checkpoint: s.checkpoint?.toISOString() ?? null,
      // Whole seconds, never negative (the checkpoint may sit a moment ahead of a lagging clock).
      lag_s: s.checkpoint ? Math.max(0, Math.floor((s.now.getTime() - s.checkpoint.getTime()) / 1000)) : null,
      items_total: totalToJson(s.items_total),
      requests_total: totalToJson(s.requests_total),
      throttled_total: totalToJson(s.throttled_total),
      errors_total: totalToJson(s.errors_total),
      quarantined_total: totalToJson(s.quarantined_total),
      last_error: s.last_error,
      last_error_at: s.last_error_at?.toISOString() ?? null,
    };
  }

  /** balance = earned − spent − payout − paidOut (SPEC §7), all in cents. */
  async user(user_id: string): Promise<ReportAnswer> {
    const t = await readTotals(this.sql, user_id);
    await this.ledger.durable();
    if (!t)
      return {
        status: 404,
        body: new AppError(
          TRANSACTIONS_ERRORS.TRANSACTIONS_USER_NOT_FOUND,
          `No transaction of user ${user_id} has been ingested.`,
        ).body(),
      };
    const balance = t.earned_minor - t.spent_minor - t.payout_minor - t.paid_out_minor;
    return {
      status: 200,
      body: {
        userId: user_id,
        currency: 'SCR',
        balance: totalToJson(balance),
        earned: totalToJson(t.earned_minor),
        spent: totalToJson(t.spent_minor),
        payout: totalToJson(t.payout_minor),
        paidOut: totalToJson(t.paid_out_minor),
        updatedAt: t.updated_at.toISOString(),
      },
    };
  }

  /** Requested, unsettled payouts, one row per user (by user id). */
  async payouts(page: number, limit: number): Promise<ReportAnswer> {
    const { rows, total } = await readPayoutsPage(this.sql, limit, (page - 1) * limit);
    await this.ledger.durable();
    return {
      status: 200,
      body: {
        data: rows.map((r) => ({ userId: r.user_id, amount: totalToJson(r.payout_minor) })),
        pagination: { page, limit, total, total_pages: Math.ceil(total / limit) },
      },
    };
  }

  /** In flight → 409; stored → replayed (or 422); otherwise one ledger command, then one NOTIFY. */
  settle(
    user_id: string,
    request: { amount_minor: bigint | null; stamp: ManualMovementStamp },
    scope: IdempotencyScope,
  ): Promise<SettleResult> {
    const token = scopeToken(scope);
    return this.in_flight.run(token, async () => {
      const stored = (await loadSettleResponses(this.sql, [scope])).get(token);
      if (stored) {
        if (!stored.request_hash.equals(scope.request_hash))
          throw new AppError(TRANSACTIONS_ERRORS.TRANSACTIONS_IDEMPOTENCY_KEY_REUSED);
        return {
          status: stored.response_status,
          body: stored.response_body,
          replayed: true,
          transfer_id: stored.transfer_id,
        };
      }
      const outcome = await this.ledger.submit({
        handler: settleHandler,
        input: { user_id, ...request, scope },
        accounts: SETTLE_ACCOUNTS,
      });
      const result = valueOrThrow(outcome);
      if (!result.replayed) await this.sql.notify(NOTIFY_CHANNEL, changedUsersPayload([user_id]));
      await this.ledger.durable();
      return result;
    });
  }
}
