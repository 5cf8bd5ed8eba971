import type { GroupField, ReportRow } from './api.ts';
import { download, toCsv } from './csv.ts';
import { count, GROUP_LABELS, money, plainMoney, rtpPercent } from './report-format.ts';

/**
 * The table behind a chart: one row per group and currency with exact figures, the totals per
 * currency (over every page) in its footer. On a phone each row becomes a card (table.stack).
 */
interface Props {
  label: string;
  fields: GroupField[];
  ngr: boolean;
  rows: ReportRow[] | null;
  totals: ReportRow[];
  scaleOf(currency: string): number;
  empty: string;
  /** The totals row says over how many rows it adds up. */
  totalRows?: number;
}

/** The group columns of a grouping: `game` names its provider too (SPEC §6). */
export function groupColumns(fields: readonly GroupField[]): GroupField[] {
  const set = new Set(fields);
  if (set.has('game')) set.add('provider');
  return (['day', 'provider', 'game', 'player'] as const).filter((f) => set.has(f));
}

interface Column {
  label: string;
  csv: string;
  num: boolean;
  text(row: ReportRow, scale: number): string;
  plain(row: ReportRow, scale: number): string | number | null;
}

function figureColumns(ngr: boolean): Column[] {
  const amount = (label: string, csv: string, pick: (r: ReportRow) => ReportRow['bets'] | undefined): Column => ({
    label,
    csv,
    num: true,
    text: (r, scale) => money(pick(r), scale),
    plain: (r, scale) => {
      const v = pick(r);
      return v === undefined ? null : plainMoney(v, scale);
    },
  });
  return [
    {
      label: 'Bets placed',
      csv: 'bet_count',
      num: true,
      text: (r) => count(r.bet_count),
      plain: (r) => String(r.bet_count),
    },
    amount('Bets', 'bets', (r) => r.bets),
    amount('Wins', 'wins', (r) => r.wins),
    amount('Bonus bets', 'bonus_bets', (r) => r.bonus_bets),
    amount('Bonus wins', 'bonus_wins', (r) => r.bonus_wins),
    amount('GGR', 'ggr', (r) => r.ggr),
    { label: 'RTP', csv: 'rtp', num: true, text: (r) => rtpPercent(r.rtp), plain: (r) => r.rtp },
    ...(ngr
      ? [amount('Bonus cost', 'bonus_converted', (r) => r.bonus_converted), amount('NGR', 'ngr', (r) => r.ngr)]
      : []),
  ];
}

/** CSV of report rows: the group fields, the currency, counts, amounts in major units (exact), rtp as a ratio. */
export function reportCsv(fields: GroupField[], ngr: boolean, rows: ReportRow[], scaleOf: (c: string) => number) {
  const groups = groupColumns(fields);
  const columns = figureColumns(ngr);
  return toCsv(
    [...groups, 'currency', ...columns.map((c) => c.csv)],
    rows.map((r) => [
      ...groups.map((g) => r[g] ?? null),
      r.currency,
      ...columns.map((c) => c.plain(r, scaleOf(r.currency))),
    ]),
  );
}

export function downloadReportCsv(
  filename: string,
  fields: GroupField[],
  ngr: boolean,
  rows: ReportRow[],
  scaleOf: (c: string) => number,
) {
  download(filename, reportCsv(fields, ngr, rows, scaleOf));
}

export function ReportTable({ label, fields, ngr, rows, totals, scaleOf, empty, totalRows }: Props) {
  const groups = groupColumns(fields);
  const columns = figureColumns(ngr);
  const width = groups.length + 1 + columns.length;
  return (
    <div className="table-scroll">
      <table className="stack report" aria-label={label}>
        <thead>
          <tr>
            {groups.map((g) => (
              <th key={g} scope="col">
                {GROUP_LABELS[g]}
              </th>
            ))}
            <th scope="col">Currency</th>
            {columns.map((c) => (
              <th key={c.csv} scope="col" className="num">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows === null && (
            <tr>
              <td colSpan={width} className="muted">
                Loading…
              </td>
            </tr>
          )}
          {rows?.length === 0 && (
            <tr>
              <td colSpan={width} className="muted">
                {empty}
              </td>
            </tr>
          )}
          {rows?.map((r, i) => (
            <tr key={`${groups.map((g) => r[g]).join('|')}|${r.currency}|${i}`}>
              {groups.map((g) => (
                <td key={g} data-label={GROUP_LABELS[g]} className="group">
                  {r[g]}
                </td>
              ))}
              <td data-label="Currency">{r.currency}</td>
              {columns.map((c) => (
                <td key={c.csv} data-label={c.label} className={`num ${c.csv}${isNegative(c, r) ? ' negative' : ''}`}>
                  {c.text(r, scaleOf(r.currency))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {/* Without a grouping the rows are the totals already. */}
        {groups.length > 0 && rows !== null && rows.length > 0 && totals.length > 0 && (
          <tfoot>
            {totals.map((t) => (
              <tr key={t.currency} className="total">
                <th scope="row" colSpan={groups.length}>
                  Total{totalRows !== undefined ? ` of all ${count(totalRows)} rows` : ''}
                </th>
                <td data-label="Currency">{t.currency}</td>
                {columns.map((c) => (
                  <td key={c.csv} data-label={c.label} className={`num ${c.csv}`}>
                    {c.text(t, scaleOf(t.currency))}
                  </td>
                ))}
              </tr>
            ))}
          </tfoot>
        )}
      </table>
    </div>
  );
}

function isNegative(column: Column, row: ReportRow): boolean {
  if (column.csv !== 'ggr' && column.csv !== 'ngr') return false;
  const v = column.csv === 'ggr' ? row.ggr : row.ngr;
  return v !== undefined && String(v).startsWith('-');
}
