import type { GroupField, ReportRow } from './api.ts';
import { exact, type Exact } from './exact-json.ts';
import { formatMinor } from './money.ts';

/**
 * Shared by the dashboard and the reports page: UTC days and windows, and report figures as text.
 * Amounts are formatted from their exact digits (bigint); only a chart turns them into numbers.
 */

const DAY_MS = 86_400_000;

/** The UTC day (YYYY-MM-DD) of an instant. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** `day` moved by `days` (negative: back). */
export function addDays(day: string, days: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00.000Z`) + days * DAY_MS));
}

/** The instant a UTC day starts, as the API takes it. */
export function dayStart(day: string): string {
  return `${day}T00:00:00.000Z`;
}

/** Every day from `first` to `last`, both included. */
export function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  for (let d = first; d <= last && days.length < 3_660; d = addDays(d, 1)) days.push(d);
  return days;
}

export type Preset = 'today' | '7d' | '30d';

export const PRESETS: { id: Preset; label: string; days: number }[] = [
  { id: 'today', label: 'Today', days: 1 },
  { id: '7d', label: 'Last 7 days', days: 7 },
  { id: '30d', label: 'Last 30 days', days: 30 },
];

/** Whole UTC days ending with today: [today − (n − 1) days, tomorrow). */
export function lastDays(days: number, now = new Date()): { from: string; to: string } {
  const today = utcDay(now);
  return { from: dayStart(addDays(today, 1 - days)), to: dayStart(addDays(today, 1)) };
}

/** An ISO instant → the value of a datetime-local input, read as UTC ("2026-11-30T00:00"). */
export function toUtcInput(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? '' : new Date(at).toISOString().slice(0, 16);
}

/** A datetime-local value read as UTC → the ISO instant; undefined when incomplete. */
export function fromUtcInput(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) return undefined;
  const at = Date.parse(`${value}Z`);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/** A window as a person reads it: "2026-11-24 00:00 → 2026-12-01 00:00 UTC". */
export function windowText(from: string, to: string): string {
  const text = (iso: string) => toUtcInput(iso).replace('T', ' ');
  return `${text(from)} → ${text(to)} UTC`;
}

/** An amount in major units with separators ("1,234.50", "−50.00"), exact from its digits. */
export function money(value: Exact | undefined, scale: number): string {
  return value === undefined ? '—' : formatMinor(exact(value), scale);
}

/** An amount as a CSV or spreadsheet wants it: major units, ASCII minus, no separators ("-1234.50"). */
export function plainMoney(value: Exact, scale: number): string {
  const minor = exact(value);
  const text = formatMinor(minor < 0n ? -minor : minor, scale, false);
  return minor < 0n ? `-${text}` : text;
}

/** A count with separators, exact ("12,345"). */
export function count(value: Exact): string {
  return formatMinor(exact(value), 0);
}

/** RTP (a ratio with 4 decimals) as a percentage with 2 ("96.12 %"); "—" when nothing was bet. */
export function rtpPercent(rtp: number | null): string {
  if (rtp === null) return '—';
  return `${formatMinor(BigInt(Math.round(rtp * 10_000)), 2)} %`;
}

/** For plotting only: an amount in major units as a number (may round beyond 2^53). */
export function plotMoney(value: Exact, scale: number): number {
  return Number(exact(value)) / 10 ** scale;
}

/** For plotting only: RTP in percent. */
export function plotRtp(rtp: number | null): number | null {
  return rtp === null ? null : rtp * 100;
}

export const GROUP_LABELS: Record<GroupField, string> = {
  day: 'Day',
  provider: 'Provider',
  game: 'Game',
  player: 'Player',
};

/** The name of a row's group on one field: a game is named with its provider ("acme:slot"). */
export function groupName(row: ReportRow, field: GroupField): string {
  if (field === 'game') return `${row.provider}:${row.game}`;
  return row[field] ?? '';
}
