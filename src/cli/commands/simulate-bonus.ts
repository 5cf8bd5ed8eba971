import { randomUUID } from 'node:crypto';
import { mapLimited } from '../../platform/map-limited.ts';
import { amountFromJson, amountToJson } from '../../platform/money.ts';
import type { PlayerResult } from '../../provider/simulation.ts';

/**
 * `croupier simulate --bonus`: every player starts with a bonus grant (SPEC §5) instead of cash, made
 * through the operator API as any operator would; after the run the grants and their transfers are read
 * back through the API, so it works the same in-process and against --url.
 */

/** Requests in flight while granting and reading back (the side path, not the measured play). */
const BONUS_SIDE_CONCURRENCY = 16;
/** Transfers of one kind a player can have from one grant: one; a page of this many is plenty. */
const HISTORY_PAGE = 100;

export interface BonusSettings {
  amount_minor: bigint;
  multiplier: number;
  max_conversion_minor: bigint | null;
  expires_s: number;
}

interface Grant {
  bonusId: string;
  status: 'pending' | 'active' | 'converted' | 'expired' | 'forfeited';
  bonus_balance: number;
  wagered: number;
  required: number;
}

/** What became of one player's grant. */
export interface PlayerBonus {
  user_id: string;
  status: Grant['status'];
  wagered_minor: bigint;
  balance_minor: bigint;
  /** bonus_convert: bonus money that became cash. */
  converted_minor: bigint;
  /** bonus_convert_excess: beyond max_conversion, back to bonus_pool. */
  excess_minor: bigint;
  /** bonus_expire / bonus_forfeit: the balance returned to bonus_pool. */
  expired_minor: bigint;
  forfeited_minor: bigint;
}

export interface BonusTotals {
  granted: number;
  amount_minor: bigint;
  multiplier: number;
  max_conversion_minor: bigint | null;
  wagered_minor: bigint;
  converted: { count: number; to_cash_minor: bigint; excess_minor: bigint };
  expired: { count: number; returned_minor: bigint };
  forfeited: { count: number; returned_minor: bigint };
  active: { count: number; balance_minor: bigint };
  pending: number;
}

async function operator(
  base: string,
  api_key: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any; text: string }> {
  const response = await fetch(new URL(path, base), {
    method,
    headers: {
      authorization: `Bearer ${api_key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': randomUUID() }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

/** One grant per player through POST /v1/players/{id}/bonuses; each must come back active. */
export async function grantBonuses(
  base: string,
  api_key: string,
  user_ids: string[],
  currency: string,
  settings: BonusSettings,
): Promise<void> {
  const expires_at = new Date(Date.now() + settings.expires_s * 1000).toISOString();
  await mapLimited(user_ids, BONUS_SIDE_CONCURRENCY, async (id) => {
    const r = await operator(base, api_key, 'POST', `/v1/players/${encodeURIComponent(id)}/bonuses`, {
      asset: currency,
      amount: amountToJson(settings.amount_minor),
      wagering_multiplier: settings.multiplier,
      expires_at,
      ...(settings.max_conversion_minor === null
        ? {}
        : { max_conversion: amountToJson(settings.max_conversion_minor) }),
      reason: 'croupier simulate --bonus',
    });
    if (r.status !== 201)
      throw new Error(
        `granting a bonus to ${id} through POST /v1/players/{id}/bonuses answered ${r.status}: ${r.text.slice(0, 200)}`,
      );
    if (r.json.status !== 'active') throw new Error(`the bonus granted to ${id} is ${r.json.status}, not active`);
  });
}

/** Sum of one kind's postings on one of the player's accounts, read from the wallet history (SPEC §4). */
async function postings(
  base: string,
  api_key: string,
  id: string,
  currency: string,
  kind: string,
  account: 'cash' | 'bonus',
  direction: 'credit' | 'debit',
): Promise<bigint> {
  const query = new URLSearchParams({ asset: currency, kind, limit: String(HISTORY_PAGE) });
  const r = await operator(base, api_key, 'GET', `/v1/wallets/${encodeURIComponent(id)}/transactions?${query}`);
  if (r.status !== 200) throw new Error(`reading ${id}'s ${kind} transfers answered ${r.status}: ${r.text}`);
  let sum = 0n;
  for (const item of r.json.items as { account: string; direction: string; amount: unknown }[])
    if (item.account === account && item.direction === direction) sum += amountFromJson(item.amount) ?? 0n;
  return sum;
}

/** Each player's grant as it ended (or stands), with the money its end moved. */
export async function readBonuses(
  base: string,
  api_key: string,
  user_ids: string[],
  currency: string,
): Promise<PlayerBonus[]> {
  return mapLimited(user_ids, BONUS_SIDE_CONCURRENCY, async (id) => {
    const r = await operator(base, api_key, 'GET', `/v1/players/${encodeURIComponent(id)}/bonuses`);
    if (r.status !== 200) throw new Error(`reading ${id}'s bonuses answered ${r.status}: ${r.text}`);
    const [grant] = r.json.data as Grant[];
    if (!grant) throw new Error(`${id} has no bonus`);
    const of = (kind: string, account: 'cash' | 'bonus', direction: 'credit' | 'debit') =>
      postings(base, api_key, id, currency, kind, account, direction);
    return {
      user_id: id,
      status: grant.status,
      wagered_minor: BigInt(grant.wagered),
      balance_minor: BigInt(grant.bonus_balance),
      converted_minor: grant.status === 'converted' ? await of('bonus_convert', 'cash', 'credit') : 0n,
      excess_minor: grant.status === 'converted' ? await of('bonus_convert_excess', 'bonus', 'debit') : 0n,
      expired_minor: grant.status === 'expired' ? await of('bonus_expire', 'bonus', 'debit') : 0n,
      forfeited_minor: grant.status === 'forfeited' ? await of('bonus_forfeit', 'bonus', 'debit') : 0n,
    };
  });
}

export function bonusTotals(settings: BonusSettings, players: PlayerBonus[]): BonusTotals {
  const sum = (f: (p: PlayerBonus) => bigint, only?: Grant['status']) =>
    players.filter((p) => !only || p.status === only).reduce((s, p) => s + f(p), 0n);
  const count = (status: Grant['status']) => players.filter((p) => p.status === status).length;
  return {
    granted: players.length,
    amount_minor: settings.amount_minor,
    multiplier: settings.multiplier,
    max_conversion_minor: settings.max_conversion_minor,
    wagered_minor: sum((p) => p.wagered_minor),
    converted: {
      count: count('converted'),
      to_cash_minor: sum((p) => p.converted_minor),
      excess_minor: sum((p) => p.excess_minor),
    },
    expired: { count: count('expired'), returned_minor: sum((p) => p.expired_minor) },
    forfeited: { count: count('forfeited'), returned_minor: sum((p) => p.forfeited_minor) },
    active: { count: count('active'), balance_minor: sum((p) => p.balance_minor, 'active') },
    pending: count('pending'),
  };
}

/**
 * A bonus player's playable balance (cash + bonus, what the callbacks answer) moved exactly as the
 * provider's record says, less what a capped conversion sent back to the pool. Not checkable when the
 * grant expired or was forfeited: a win or refund settled after that pays its bonus part to the pool,
 * which no account of the player shows.
 */
export function bonusBalanceMatches(p: PlayerResult, bonus: PlayerBonus | undefined): boolean | undefined {
  if (!bonus || bonus.status === 'expired' || bonus.status === 'forfeited') return undefined;
  if (p.failure || p.unresolved > 0 || p.initial_balance === undefined || p.final_balance === undefined)
    return undefined;
  return p.final_balance - p.initial_balance === p.expected_delta_minor - bonus.excess_minor;
}

export function bonusLines(t: BonusTotals): string[] {
  const cap = t.max_conversion_minor === null ? 'no conversion cap' : `conversion capped at ${t.max_conversion_minor}`;
  return [
    `Bonuses: ${t.granted} players started with a bonus of ${t.amount_minor} minor units (wagering ×${t.multiplier}, required ${t.amount_minor * BigInt(t.multiplier)}, ${cap}) instead of cash`,
    `  wagered ${t.wagered_minor} in total; converted ${t.converted.count} (${t.converted.to_cash_minor} to cash, ${t.converted.excess_minor} over the cap back to the pool); expired ${t.expired.count} (${t.expired.returned_minor} back to the pool); forfeited ${t.forfeited.count} (${t.forfeited.returned_minor}); still active ${t.active.count} (bonus balance ${t.active.balance_minor})${t.pending ? `; pending ${t.pending}` : ''}`,
  ];
}

export function bonusJson(t: BonusTotals): unknown {
  return {
    granted: t.granted,
    amount_minor: amountToJson(t.amount_minor),
    wagering_multiplier: t.multiplier,
    max_conversion_minor: t.max_conversion_minor === null ? null : amountToJson(t.max_conversion_minor),
    wagered_minor: amountToJson(t.wagered_minor),
    converted: {
      count: t.converted.count,
      to_cash_minor: amountToJson(t.converted.to_cash_minor),
      excess_minor: amountToJson(t.converted.excess_minor),
    },
    expired: { count: t.expired.count, returned_minor: amountToJson(t.expired.returned_minor) },
    forfeited: { count: t.forfeited.count, returned_minor: amountToJson(t.forfeited.returned_minor) },
    active: { count: t.active.count, balance_minor: amountToJson(t.active.balance_minor) },
    pending: t.pending,
  };
}
