import type { Ledger } from '../ledger/service.ts';
import type { PostingFilter } from '../ledger/service.ts';
import type { AccountState } from '../ledger/types.ts';
import { amountToJson } from '../platform/money.ts';
import { encodeHistoryCursor } from './cursor.ts';

type Posting = Awaited<ReturnType<Ledger['postings']>>[number];

/** One line of a player's history, as the wire shows it (SPEC §4). */
export interface HistoryItem {
  transactionId: string;
  type: string;
  asset: string;
  /** Which of the player's accounts moved: `cash`, or `bonus` (SPEC §5 bonus money). */
  account: string;
  amount: number;
  direction: 'credit' | 'debit';
  counterparty_kind: string;
  counterparty: string;
  balance_after: number;
  created_at: string;
  description: string | null;
  /** Game money only (the transfer's round, src/play/money.ts); null on manual moves. */
  game: string | null;
  round: string | null;
  provider: string | null;
  /**
   * The transfer's metadata as stored (client metadata of a manual move); for game money, its round as
   * { surface, provider, game, round }. Null when none.
   */
  metadata: Record<string, unknown> | null;
}

export interface HistoryPage {
  items: HistoryItem[];
  next_cursor: string | null;
}

/**
 * Newest first across several accounts (one per asset): a k-way merge of each account's own
 * history, which the ledger pages by version. The cursor remembers, per account, the version to
 * continue below — so a page never skips or repeats a posting, even while new ones arrive (those
 * appear on a fresh first page, not in the middle of a walk). Versions are 1..N without gaps, so
 * what remains after a page is exactly sum(position − 1).
 */
export async function readHistoryPage(
  ledger: Ledger,
  accounts: AccountState[],
  positions: Map<bigint, bigint>,
  limit: number,
  filter: PostingFilter = {},
): Promise<HistoryPage> {
  const walked = accounts.filter((a) => positions.has(a.id));
  const lists = await Promise.all(walked.map((a) => ledger.postings(a.id, limit, positions.get(a.id)!, filter)));
  const heads = lists.map(() => 0);
  const items: HistoryItem[] = [];
  const next = new Map(positions);
  while (items.length < limit) {
    const pick = newestHead(lists, heads);
    if (pick < 0) break;
    const posting = lists[pick][heads[pick]++];
    next.set(walked[pick].id, posting.version);
    items.push(toItem(posting, walked[pick].key.asset, walked[pick].key.purpose));
  }
  // A list shorter than the page that was read to its end holds nothing more that matches: with a
  // filter, versions below it may exist but none of them qualifies, so the account is finished (1).
  walked.forEach((account, i) => {
    if (lists[i].length < limit && heads[i] === lists[i].length) next.set(account.id, 1n);
  });
  const remaining = [...next.values()].reduce((sum, before) => sum + before - 1n, 0n);
  return { items, next_cursor: remaining > 0n ? encodeHistoryCursor(next) : null };
}

/** Index of the list whose next posting is the newest (time, then transfer id), or -1 when all are spent. */
function newestHead(lists: Posting[][], heads: number[]): number {
  let best = -1;
  for (let i = 0; i < lists.length; i++) {
    const candidate = lists[i][heads[i]];
    if (!candidate) continue;
    if (best < 0 || isNewer(candidate, lists[best][heads[best]])) best = i;
  }
  return best;
}

function isNewer(a: Posting, b: Posting): boolean {
  const dt = a.created_at.getTime() - b.created_at.getTime();
  return dt !== 0 ? dt > 0 : a.transfer_id > b.transfer_id;
}

/**
 * Transfers written before the ledger's insert was fixed (it once stored metadata as a JSON *string*
 * inside jsonb) still hold that shape in existing databases; transfers are immutable, so both are read.
 */
function metadataOf(posting: Posting): Record<string, unknown> | null {
  const raw: unknown = posting.metadata;
  if (typeof raw !== 'string') return (raw as Record<string, unknown> | null) ?? null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A string field of the metadata, or null (absent, or another type). */
function textOf(metadata: Record<string, unknown> | null, field: string): string | null {
  const value = metadata?.[field];
  return typeof value === 'string' ? value : null;
}

/**
 * A game transfer's round, shown as its metadata: the round's own columns since migration 090, the
 * metadata it was copied into before.
 */
function roundMetadataOf(posting: Posting): Record<string, unknown> | null {
  if (posting.round_surface === null) return metadataOf(posting);
  return {
    surface: posting.round_surface,
    provider: posting.round_provider,
    game: posting.round_game,
    round: posting.round_id,
  };
}

function toItem(posting: Posting, asset: string, account: string): HistoryItem {
  const credit = posting.delta_minor > 0n;
  const metadata = roundMetadataOf(posting);
  return {
    transactionId: posting.transfer_id,
    type: posting.kind,
    asset,
    account,
    amount: amountToJson(credit ? posting.delta_minor : -posting.delta_minor),
    direction: credit ? 'credit' : 'debit',
    counterparty_kind: posting.counterparty_kind,
    counterparty: posting.counterparty_owner,
    balance_after: amountToJson(posting.balance_after_minor),
    created_at: posting.created_at.toISOString(),
    description: textOf(metadata, 'description'),
    game: textOf(metadata, 'game'),
    round: textOf(metadata, 'round'),
    provider: textOf(metadata, 'provider'),
    metadata,
  };
}
