import type { TransactionSql } from '../db/sql.ts';
import { assert } from '../platform/assert.ts';
import { checkedStatement, type PendingStatement } from '../ledger/command.ts';
import type { ActionRow } from './types.ts';

/** SQL of the aggregator. Every write runs inside the ledger's batch transaction (see handler.ts). */

const ACTION_COLUMNS =
  'action_id, user_id, currency, action, amount_minor, original_action_id, tx_id, rolled_back, game, game_id, bonus_minor, bonus_id, contribution_minor, created_at';

/**
 * One statement per batch: the actions named by id (replays, originals of rollbacks), the rollbacks
 * that name one of the batch's ids (pre-rollbacks waiting for their original), and the standing bets
 * staked with a bonus in the rounds (game_id) the batch's wins are paid in (their split, for the win's
 * proportion: index aggregator_actions_bonus_rounds, which holds bonus bets only). A row may come twice.
 */
export async function loadActions(
  tx: TransactionSql,
  ids: string[],
  named_by_rollback: string[],
  win_rounds: string[],
): Promise<ActionRow[]> {
  if (ids.length === 0) return [];
  const columns = tx.unsafe(ACTION_COLUMNS);
  return tx<ActionRow[]>`
    select ${columns} from aggregator_actions where action_id = any(${ids}::text[])
    union all
    select ${columns} from aggregator_actions where original_action_id = any(${named_by_rollback}::text[])
    union all
    select ${columns} from aggregator_actions
    where game_id = any(${win_rounds}::text[]) and bonus_id is not null and not rolled_back`;
}

// Booleans travel as text: postgres.js serializes a boolean[] parameter's elements as false unless they are
// JS booleans, and JS boolean arrays are not typed as arrays. text[] → boolean[] is exact.
// The rows a batch inserts share its instant, sent once rather than per row.
export function insertActions(tx: TransactionSql, rows: ActionRow[]): PendingStatement[] {
  if (rows.length === 0) return [];
  const created_at = rows[0].created_at;
  assert(
    rows.every((r) => r.created_at === created_at),
    'the actions a batch inserts carry the batch instant',
  );
  const col = <T>(f: (r: ActionRow) => T) => rows.map(f);
  return [
    tx`
    insert into aggregator_actions (action_id, user_id, currency, action, amount_minor, original_action_id, tx_id, rolled_back, game, game_id, bonus_minor, bonus_id, contribution_minor, created_at)
    select *, ${created_at.toISOString()}::timestamptz from unnest(
      ${col((r) => r.action_id)}::text[], ${col((r) => r.user_id)}::text[], ${col((r) => r.currency)}::text[],
      ${col((r) => r.action)}::text[], ${col((r) => (r.amount_minor === null ? null : String(r.amount_minor)))}::bigint[],
      ${col((r) => r.original_action_id)}::text[], ${col((r) => r.tx_id)}::uuid[], ${col((r) => (r.rolled_back ? 't' : 'f'))}::text[]::boolean[],
      ${col((r) => r.game)}::text[], ${col((r) => r.game_id)}::text[], ${col((r) => String(r.bonus_minor))}::bigint[],
      ${col((r) => r.bonus_id)}::uuid[], ${col((r) => (r.contribution_minor === null ? null : String(r.contribution_minor)))}::bigint[])`,
  ];
}

/** Bets and wins committed by earlier batches that this batch rolled back. */
export function markRolledBack(tx: TransactionSql, action_ids: string[]): PendingStatement[] {
  if (action_ids.length === 0) return [];
  const update = tx`
    update aggregator_actions set rolled_back = true
    where action_id = any(${action_ids}::text[]) and not rolled_back and action <> 'rollback'`;
  return [
    checkedStatement(update, (result) =>
      assert(result.count === action_ids.length, `marked ${result.count} of ${action_ids.length} actions rolled back`),
    ),
  ];
}
