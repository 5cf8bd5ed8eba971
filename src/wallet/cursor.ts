import { CURSOR_LENGTH_MAX } from './limits.ts';

/**
 * Opaque cursors: base64url of a small JSON document. Clients must not build them; anything that
 * does not decode to the expected shape is undefined here, answered 400 INVALID_CURSOR, never a 500.
 */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): unknown {
  if (cursor.length > CURSOR_LENGTH_MAX || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** History cursor: for each account of the page, the version to continue below (exclusive). */
export function encodeHistoryCursor(positions: Map<bigint, bigint>): string {
  return encodeCursor({ h: [...positions].map(([id, before]) => [String(id), String(before)]) });
}

/**
 * Positions for the accounts still being walked, or undefined. Every account named must be one of
 * `allowed` (the player's accounts of the requested asset), with a position within its history.
 */
export function decodeHistoryCursor(cursor: string, allowed: Map<bigint, bigint>): Map<bigint, bigint> | undefined {
  const value = decodeCursor(cursor) as { h?: unknown } | undefined;
  if (!value || typeof value !== 'object' || !Array.isArray(value.h)) return undefined;
  const positions = new Map<bigint, bigint>();
  for (const entry of value.h) {
    if (
      !Array.isArray(entry) ||
      entry.length !== 2 ||
      !entry.every((x) => typeof x === 'string' && /^\d{1,19}$/.test(x))
    )
      return undefined;
    const id = BigInt(entry[0]);
    const before = BigInt(entry[1]);
    const version = allowed.get(id);
    if (version === undefined || before < 1n || before > version + 1n || positions.has(id)) return undefined;
    positions.set(id, before);
  }
  return positions;
}

export function encodePlayersCursor(after_owner: string): string {
  return encodeCursor({ p: after_owner });
}

/** The owner to continue after, or undefined for a cursor this endpoint did not return. */
export function decodePlayersCursor(cursor: string): string | undefined {
  const value = decodeCursor(cursor) as { p?: unknown } | undefined;
  if (!value || typeof value !== 'object' || typeof value.p !== 'string' || value.p.length === 0) return undefined;
  return value.p;
}

export function encodeRoundsCursor(started_key: string, round_key: string): string {
  return encodeCursor({ r: [started_key, round_key] });
}

/** The round to continue after (its start time as the database printed it, and its key), or undefined. */
export function decodeRoundsCursor(cursor: string): { started_key: string; round_key: string } | undefined {
  const value = decodeCursor(cursor) as { r?: unknown } | undefined;
  if (!value || typeof value !== 'object' || !Array.isArray(value.r) || value.r.length !== 2) return undefined;
  const [started_key, round_key] = value.r as unknown[];
  if (typeof started_key !== 'string' || typeof round_key !== 'string') return undefined;
  // The start time goes back into SQL as a timestamptz: only the shape PostgreSQL prints is accepted.
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.test(started_key)) return undefined;
  const iso = started_key.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
  if (Number.isNaN(Date.parse(iso))) return undefined;
  return { started_key, round_key };
}
