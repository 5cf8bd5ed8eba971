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
    if (!Array.isArray(entry) || entry.length !== 2 || !entry.every((x) => typeof x === 'string' && /^\d{1,19}$/.test(x))) return undefined;
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
