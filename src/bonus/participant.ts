import type { TransactionSql } from '../db/sql.ts';
import type { AccountNeed, Batch, BatchReferences, LedgerCommand, PendingStatement } from '../ledger/command.ts';
import type { Journal } from '../ledger/journal.ts';
import { contributionOf } from '../play/catalog.ts';
import { bonusAccountNeeds, type BonusDestination, type BonusHook } from '../play/bonus.ts';
import { roundKey, type Round } from '../play/round.ts';
import {
  activeOf,
  addStake,
  distinctPairs,
  liveKey,
  newState,
  putBonus,
  type BonusRows,
  type BonusState,
  type PlayRow,
} from './state.ts';
import { bonusBalanceIn, liveGrant } from './grant.ts';
import type { Book } from '../ledger/book.ts';
import type { LiveMessage } from '../platform/live.ts';
import { addWagering, currentActive, endActive, expireDue } from './lifecycle.ts';
import { persistBonusState, readBonusGrants, readBonusPlays } from './store.ts';
import { BonusHint } from './hint.ts';
import { PairSet } from './pair-set.ts';
import { BONUS_PLAY_WINDOW_MS } from './limits.ts';

type Pairs = { players: string[]; assets: string[] };

// One per process: what it learnt serves every ledger it runs (a stale entry is only a wasted lock).
const hint = new BonusHint();

/**
 * A batch's pairs, and those of them this process last saw with a grant: worked out once per batch, so
 * the accounts expects() names and whether read() reads the catalog come from the same look-up.
 */
const pairs_of_batch = new WeakMap<readonly LedgerCommand[], { all: Pairs; expected: Pairs }>();

function batchPairs(commands: readonly LedgerCommand[]): { all: Pairs; expected: Pairs } {
  let found = pairs_of_batch.get(commands);
  if (found === undefined) {
    // Every game, wallet or bonus command names the player's cash account: its (player, asset) pair,
    // each once, in first-seen order (a batch's hot path).
    found = { all: { players: [], assets: [] }, expected: { players: [], assets: [] } };
    const seen = new PairSet();
    for (const command of commands)
      for (const { key } of command.accounts) {
        if (key.kind !== 'player' || key.purpose !== 'cash') continue;
        if (!seen.add(key.owner, key.asset)) continue;
        found.all.players.push(key.owner);
        found.all.assets.push(key.asset);
        if (!hint.has(key.owner, key.asset)) continue;
        found.expected.players.push(key.owner);
        found.expected.assets.push(key.asset);
      }
    pairs_of_batch.set(commands, found);
  }
  return found;
}

/** The bonus accounts of (player, asset) pairs, and each asset's pool once (not once per player). */
function pairNeeds(players: string[], assets: string[]): AccountNeed[] {
  const needs: AccountNeed[] = [];
  const pools = new Set<string>();
  players.forEach((player, i) => {
    const [bonus, pool] = bonusAccountNeeds(player, assets[i]);
    needs.push(bonus);
    if (pools.has(assets[i])) return;
    pools.add(assets[i]);
    needs.push(pool);
  });
  return needs;
}

/** A split as the participant keeps and stores it: one object literal, one shape for every split. */
function play(
  round: Round,
  kind: 'bet' | 'win',
  split: { transfer_id: string; bonus_id: string; cash_minor: bigint; bonus_minor: bigint },
  bonus_to: BonusDestination,
  contribution_minor: bigint,
  at: Date,
): PlayRow {
  return {
    transfer_id: split.transfer_id,
    kind,
    bonus_id: split.bonus_id,
    round_key: roundKey(round),
    cash_minor: split.cash_minor,
    bonus_minor: split.bonus_minor,
    bonus_to,
    contribution_minor,
    rolled_back: false,
    player: round.player,
    currency: round.currency,
    created_at: at,
  };
}

/** A split for the batch (bonusPartOf, stakedBonusOf, a rollback in the same batch), stored if `stored`. */
function recordPlay(state: BonusState, row: PlayRow, stored: boolean): void {
  state.plays.set(row.transfer_id, row);
  if (stored) state.new_plays.push(row.transfer_id);
}

/**
 * Bonus wagering inside every batch (SPEC §5). Reads once per batch the live and recent grants of the
 * players the batch names — one statement, one index probe each — and writes once per batch. For players
 * known to hold a grant (BonusHint) their bonus accounts are locked and the catalog read in the same
 * first round trip; a grant found for anyone else is read, with its accounts' late locks, in a second,
 * as are the stored splits a rollback names. A bet's split is not a row of its own: the protocol's row
 * of the bet keeps it. A batch of players who never had a bonus pays one statement.
 */
export const bonusParticipant: BonusHook<BonusState> = {
  name: 'bonus.wagering',
  bonus_hook: true,

  expects(commands: readonly LedgerCommand[]): AccountNeed[] {
    const { expected } = batchPairs(commands);
    return pairNeeds(expected.players, expected.assets);
  },

  read(
    tx: TransactionSql,
    commands: readonly LedgerCommand[],
    references: () => BatchReferences,
  ): Promise<BonusRows | undefined> {
    const { all: pairs, expected } = batchPairs(commands);
    if (pairs.players.length === 0) return Promise.resolve(undefined);
    return readBonusGrants(tx, pairs, expected.players.length > 0 ? references().games : null).then((rows) => {
      hint.learn(expected, rows.bonuses);
      return rows;
    });
  },

  readLate(tx: TransactionSql, rows: BonusRows | undefined, references: () => BatchReferences) {
    // Splits are only made while a grant lives, so a batch without a live or recently ended one has none.
    return rows && rows.bonuses.length > 0 ? readBonusPlays(tx, rows, references) : undefined;
  },

  // The bonus accounts (and pool) of the players found with a grant, live or recently ended: the only
  // ones whose bonus money this batch may move. A player without one has an empty bonus account.
  accounts(rows: BonusRows | undefined): AccountNeed[] {
    if (!rows) return [];
    const { players, assets } = distinctPairs(rows.bonuses);
    return pairNeeds(players, assets);
  },

  state(rows: BonusRows | undefined, journal: Journal): BonusState {
    return newState(rows, journal);
  },

  // SPEC §5: at expires_at the bonus returns to the pool, whatever the batch's commands decide. Ended
  // inside a bet instead, a refused bet (no cash left) would take the expiry back with it.
  settleDue(batch: Batch, state: BonusState) {
    const now_ms = batch.book.created_at.getTime();
    const due = [...state.live.values()]
      .filter((ids) => ids.some((id) => state.bonuses.get(id)!.expires_at.getTime() <= now_ms))
      .map((ids) => state.bonuses.get(ids[0])!);
    for (const { player, asset } of due) expireDue(batch, state, player, asset);
  },

  persist(tx: TransactionSql, state: BonusState): PendingStatement[] {
    for (const id of state.inserted.toArray()) {
      const grant = state.bonuses.get(id)!;
      hint.granted(grant.player, grant.asset);
    }
    return persistBonusState(tx, state);
  },

  // Live progress (SPEC §5): every grant this batch created or changed, and the active grant of every
  // player whose bonus account moved — published by the writer once the batch is durable.
  live(state: BonusState, book: Book): LiveMessage[] {
    // Nobody subscribed anywhere when the batch read: a bet sent after a subscription was acknowledged
    // is in a later batch, which reads it (live_listeners is written before the acknowledgement).
    if (!state.listened) return [];
    const moved = new Set(
      book
        .touched()
        .filter((a) => a.key.kind === 'player' && a.key.purpose === 'bonus')
        .map((a) => liveKey(a.key.owner, a.key.asset)),
    );
    const ids = new Set<string>([...state.inserted.toArray(), ...[...state.changed].map(([id]) => id)]);
    for (const [key, live] of state.live) if (moved.has(key) && live.length > 0) ids.add(live[0]);
    return [...ids].map((id) => {
      const row = state.bonuses.get(id)!;
      return liveGrant(row, bonusBalanceIn(book, row.player, row.asset));
    });
  },

  usable(batch: Batch, state: BonusState, round: Round) {
    // Most batches hold no live grant at all: nothing to look up per bet.
    if (state.live.size === 0) return null;
    const active = currentActive(batch, state, round.player, round.currency);
    return active ? { bonus_id: active.id, max_bet_minor: active.max_bet_minor } : null;
  },

  staked(batch, state, round, split) {
    const at = batch.book.created_at;
    const contribution_minor = contributionOf(
      state.catalog,
      round.provider,
      round.game,
      split.cash_minor + split.bonus_minor,
    );
    // Not stored: the protocol's row of the bet keeps its split (stakedBonusOf, migration 093).
    const row = play(round, 'bet', split, 'bonus', contribution_minor, at);
    recordPlay(state, row, false);
    if (row.round_key !== null) addStake(state, row.round_key, row, 1n);
    if (contribution_minor > 0n) addWagering(batch, state, split.bonus_id, contribution_minor);
  },

  roundStakes(state, round) {
    if (state.rounds.size === 0) return null;
    const key = roundKey(round);
    // No round id and no request key: nothing ties the win to a stake, so it is paid as cash.
    return key === null ? null : (state.rounds.get(key) ?? null);
  },

  destination(state, bonus_id): BonusDestination {
    const status = state.bonuses.get(bonus_id)?.status;
    if (status === 'active') return 'bonus';
    if (status === 'converted') return 'cash';
    // Expired, forfeited, or ended so long ago it left the batch's reach: the bonus part is not the player's.
    return status === undefined ? 'cash' : 'pool';
  },

  // A win paid to the bonus account is not stored: its protocol row's counted bonus part is its split
  // (play/money.ts unstoredWin). One insert row fewer per bonus win; only a win whose bonus part went to
  // cash (converted) or to the pool (ended), which its row counts as 0, is stored.
  won(batch, state, round, split) {
    const row = play(round, 'win', split, split.bonus_to, 0n, batch.book.created_at);
    recordPlay(state, row, split.bonus_to !== 'bonus');
  },

  playOf(state, transfer_id) {
    return state.plays.get(transfer_id);
  },

  inReach(batch, state, player, currency, at) {
    const window_start_ms = batch.book.created_at.getTime() - BONUS_PLAY_WINDOW_MS;
    return state.read_pairs.has(player, currency) && at.getTime() > window_start_ms;
  },

  reversed(state, reversed_play) {
    const made = state.plays.get(reversed_play.transfer_id);
    if (made !== undefined) {
      state.plays.set(made.transfer_id, { ...made, rolled_back: true });
      if (state.committed_plays.has(made.transfer_id)) state.marked_plays.set(made.transfer_id, true);
    }
    // An earlier batch's win: nothing more (a win gives no contribution back).
    if (reversed_play.kind !== 'bet') return;
    // A bet of this batch, or an earlier batch's as its protocol row holds it (its row is marked by the protocol).
    const bet = made ?? { ...reversed_play, bonus_id: reversed_play.bonus_id! };
    if (bet.round_key !== null) addStake(state, bet.round_key, bet, -1n);
    const bonus = state.bonuses.get(bet.bonus_id);
    // The contribution comes back only while the bonus is active (a converted bonus stays converted).
    if (bonus?.status === 'active' && bet.contribution_minor > 0n) {
      const wagered_minor = bonus.wagered_minor - bet.contribution_minor;
      putBonus(state, { ...bonus, wagered_minor: wagered_minor < 0n ? 0n : wagered_minor });
    }
  },

  cashOut(batch, state, player, asset) {
    const active = activeOf(state, player, asset);
    if (active) endActive(batch, state, active, 'forfeited');
  },
};
