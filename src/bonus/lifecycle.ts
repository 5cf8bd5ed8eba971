import type { Batch } from '../ledger/command.ts';
import { playerAccount, systemAccount } from '../ledger/types.ts';
import { assert } from '../platform/assert.ts';
import type { ManualMovementStamp } from '../platform/operator.ts';
import { bonusAccount } from '../play/bonus.ts';
import { activeOf, liveKey, putBonus, type BonusRow, type BonusState, type BonusStatus } from './state.ts';

/**
 * A grant's life (SPEC §5): pending → active (its money moves bonus_pool → bonus account) → converted,
 * expired or forfeited (its balance leaves the bonus account). Every movement is a ledger transfer with
 * its own kind, in the same command as whatever caused it.
 */
export const BONUS_TRANSFER_KINDS = {
  grant: 'bonus_grant',
  convert: 'bonus_convert',
  /** The part of a converting balance beyond max_conversion, back to the pool. */
  convert_excess: 'bonus_convert_excess',
  expire: 'bonus_expire',
  forfeit: 'bonus_forfeit',
} as const;

/** Adds a new grant: active at once (its money moves) when the player has none active, else pending. */
export function addGrant(batch: Batch, state: BonusState, row: BonusRow): BonusRow {
  const key = liveKey(row.player, row.asset);
  const live = state.live.get(key) ?? [];
  state.bonuses.set(row.id, { ...row, status: 'pending' });
  state.inserted.push(row.id);
  state.live.set(key, [...live, row.id]);
  if (!activeOf(state, row.player, row.asset)) activateNext(batch, state, row.player, row.asset);
  return state.bonuses.get(row.id)!;
}

/**
 * Activates the first pending grant of (player, asset): its amount moves bonus_pool → bonus account.
 * A pending grant already past its expires_at never activates: it expires without moving money.
 */
export function activateNext(batch: Batch, state: BonusState, player: string, asset: string): void {
  const key = liveKey(player, asset);
  for (;;) {
    const [next] = state.live.get(key) ?? [];
    if (next === undefined) return;
    const row = state.bonuses.get(next)!;
    assert(row.status === 'pending', 'only a pending grant waits in line');
    if (row.expires_at.getTime() <= batch.book.created_at.getTime()) {
      finish(batch, state, row, 'expired');
      continue;
    }
    const moved = batch.book.transfer({
      from: systemAccount('bonus_pool', asset),
      to: bonusAccount(player, asset),
      amount_minor: row.amount_minor,
      kind: BONUS_TRANSFER_KINDS.grant,
      // The operator who granted it and why (SPEC §4), also when it activates long after the request.
      metadata: { bonus_id: row.id, ...row.granted_by },
    });
    assert(moved.ok, `bonus ${row.id}: the grant's accounts are locked and the pool has no floor`);
    putBonus(state, { ...row, status: 'active' });
    return;
  }
}

/**
 * Ends the active grant with `status`: converted moves min(balance, max_conversion) to cash and the rest
 * to the pool; expired and forfeited return the whole balance to the pool. The next pending grant activates.
 * An operator's forfeit passes its `stamp` (operator and reason, SPEC §4) for the transfers it makes.
 */
export function endActive(
  batch: Batch,
  state: BonusState,
  row: BonusRow,
  status: Exclude<BonusStatus, 'pending' | 'active'>,
  stamp?: ManualMovementStamp,
): void {
  assert(row.status === 'active', `bonus ${row.id} is ${row.status}, not active`);
  const bonus = bonusAccount(row.player, row.asset);
  const balance_minor = batch.book.balanceOrZero(bonus);
  const to_cash_minor =
    status !== 'converted'
      ? 0n
      : row.max_conversion_minor === null || row.max_conversion_minor > balance_minor
        ? balance_minor
        : row.max_conversion_minor;
  const to_pool_minor = balance_minor - to_cash_minor;
  const metadata = { bonus_id: row.id, ...stamp };
  if (to_cash_minor > 0n) {
    const moved = batch.book.transfer({
      from: bonus,
      to: playerAccount(row.player, row.asset),
      amount_minor: to_cash_minor,
      kind: BONUS_TRANSFER_KINDS.convert,
      metadata,
    });
    assert(moved.ok, `bonus ${row.id}: conversion within the bonus balance`);
  }
  if (to_pool_minor > 0n) {
    const kind =
      status === 'converted'
        ? BONUS_TRANSFER_KINDS.convert_excess
        : status === 'expired'
          ? BONUS_TRANSFER_KINDS.expire
          : BONUS_TRANSFER_KINDS.forfeit;
    const moved = batch.book.transfer({
      from: bonus,
      to: systemAccount('bonus_pool', row.asset),
      amount_minor: to_pool_minor,
      kind,
      metadata,
    });
    assert(moved.ok, `bonus ${row.id}: the balance returns to the pool`);
  }
  finish(batch, state, row, status);
  activateNext(batch, state, row.player, row.asset);
}

/** A pending grant ended before it moved money (forfeited, or expired while waiting). */
export function endPending(batch: Batch, state: BonusState, row: BonusRow, status: 'expired' | 'forfeited'): void {
  assert(row.status === 'pending', `bonus ${row.id} is ${row.status}, not pending`);
  finish(batch, state, row, status);
}

/** The grant leaves the live line with its final status. */
function finish(batch: Batch, state: BonusState, row: BonusRow, status: BonusStatus): void {
  const key = liveKey(row.player, row.asset);
  state.live.set(
    key,
    (state.live.get(key) ?? []).filter((id) => id !== row.id),
  );
  putBonus(state, { ...state.bonuses.get(row.id)!, status, ended_at: batch.book.created_at });
}

/** The active grant, ended first if its expires_at has come (SPEC §5: never used after it, sweep or not). */
export function currentActive(batch: Batch, state: BonusState, player: string, asset: string): BonusRow | undefined {
  for (;;) {
    const active = activeOf(state, player, asset);
    if (!active || active.expires_at.getTime() > batch.book.created_at.getTime()) return active;
    endActive(batch, state, active, 'expired');
  }
}

/**
 * The sweep's work for one player and asset: the active grant ends if its time has come (the next one
 * activates), and pending grants whose time came while they waited end too, without moving money.
 */
export function expireDue(batch: Batch, state: BonusState, player: string, asset: string): void {
  currentActive(batch, state, player, asset);
  for (const id of state.live.get(liveKey(player, asset)) ?? []) {
    const row = state.bonuses.get(id)!;
    if (row.status === 'pending' && row.expires_at.getTime() <= batch.book.created_at.getTime())
      endPending(batch, state, row, 'expired');
  }
}

/** Adds a bet's contribution; converts in the same command when the requirement is reached. */
export function addWagering(batch: Batch, state: BonusState, bonus_id: string, contribution_minor: bigint): void {
  const row = state.bonuses.get(bonus_id)!;
  const updated = { ...row, wagered_minor: row.wagered_minor + contribution_minor };
  putBonus(state, updated);
  if (updated.wagered_minor >= updated.required_minor) endActive(batch, state, updated, 'converted');
}
