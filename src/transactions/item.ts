import { AMOUNT_MINOR_MAX, STRING_LENGTH_MAX } from '../platform/limits.ts';
import { JsonNumber, type ExactJson } from './json-exact.ts';

export type ItemType = 'earned' | 'spent' | 'payout';
export const ITEM_TYPES: ItemType[] = ['earned', 'spent', 'payout'];

/** One upstream transaction, read exactly (SPEC §7). */
export interface UpstreamItem {
  id: string;
  user_id: string;
  created_at: Date;
  type: ItemType;
  amount_minor: bigint;
}

export type ItemReading = { ok: true; item: UpstreamItem } | { ok: false; item_id: string | null; reason: string };

/** SCR has scale 2: at most two fractional digits; trailing zeros beyond them change nothing and are accepted. */
const DECIMAL = /^(0|[1-9]\d*)(?:\.(\d+))?$/;
/** The seed's `2023-02-01 00:00:00` (UTC when no zone is given) or ISO-8601 with a zone. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** A decimal amount of SCR as cents, from its JSON text; undefined with the reason otherwise. */
export function amountMinorFromText(text: string): bigint | string {
  const m = DECIMAL.exec(text);
  if (!m) return `amount ${text} is not a plain non-negative decimal number`;
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > 2) return `amount ${text} has more than 2 fractional digits`;
  const minor = BigInt(m[1]) * 100n + BigInt(fraction.padEnd(2, '0'));
  if (minor === 0n) return 'amount must be greater than 0';
  if (minor > AMOUNT_MINOR_MAX) return `amount ${text} exceeds ${AMOUNT_MINOR_MAX} cents`;
  return minor;
}

export function timestampFromText(text: string): Date | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const iso = text.replace(' ', 'T') + (m[1] ? '' : 'Z');
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** An id or user id: a string of 1..255 characters, or an integer (read as its digits). */
function identifier(value: ExactJson | undefined): string | undefined {
  if (value instanceof JsonNumber)
    return /^\d+$/.test(value.text) && value.text.length <= STRING_LENGTH_MAX ? value.text : undefined;
  if (typeof value === 'string' && value.length > 0 && value.length <= STRING_LENGTH_MAX) return value;
  return undefined;
}

/** Validates one item; a bad one is reported with the field at fault, never thrown. */
export function readItem(value: ExactJson): ItemReading {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof JsonNumber) {
    return { ok: false, item_id: null, reason: 'item is not an object' };
  }
  const id = identifier(value.id);
  if (id === undefined)
    return { ok: false, item_id: null, reason: 'id must be a string of 1 to 255 characters or an integer' };
  const bad = (reason: string): ItemReading => ({ ok: false, item_id: id, reason });
  const user_id = identifier(value.userId);
  if (user_id === undefined) return bad('userId must be a string of 1 to 255 characters or an integer');
  const created_at = typeof value.createdAt === 'string' ? timestampFromText(value.createdAt) : undefined;
  if (created_at === undefined) return bad('createdAt must be an ISO-8601 timestamp');
  const type = value.type;
  if (typeof type !== 'string' || !ITEM_TYPES.includes(type as ItemType))
    return bad(`type must be one of ${ITEM_TYPES.join(', ')}`);
  if (!(value.amount instanceof JsonNumber)) return bad('amount must be a JSON number');
  const amount_minor = amountMinorFromText(value.amount.text);
  if (typeof amount_minor === 'string') return bad(amount_minor);
  return { ok: true, item: { id, user_id, created_at, type: type as ItemType, amount_minor } };
}
