/**
 * The upstream's time on the wire. Query bounds come in the seed's form `2023-02-01 00:00:00`
 * (read as UTC) or as ISO-8601 (`2023-02-01T00:00:00Z`, `…T01:00:00.250+01:00`; no zone = UTC);
 * a date alone is refused because an inclusive end of `2023-02-01` would be ambiguous.
 * createdAt goes out as ISO-8601 with milliseconds and `Z` (`2023-02-01T00:00:00.000Z`).
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:\d{2})?$/;

/** Epoch milliseconds of a query bound, or undefined when the text is not one of the accepted forms. */
export function parseQueryDate(text: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const ms = Number((m[7] ?? '').padEnd(3, '0'));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const local_ms = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 2023-02-30 over to March: a day that does not exist is refused, not moved.
  if (new Date(local_ms).getUTCDate() !== day) return undefined;
  const offset_ms = zoneOffsetMs(m[8]);
  return offset_ms === undefined ? undefined : local_ms - offset_ms;
}

function zoneOffsetMs(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes) * 60_000;
}

/** createdAt on the wire: ISO-8601 with milliseconds, UTC (`Z`). */
export function isoFromMs(at_ms: number): string {
  return new Date(at_ms).toISOString();
}
