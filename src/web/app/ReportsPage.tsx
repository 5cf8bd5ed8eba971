import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, ApiError, type GroupField, type ReportAnswer, type ReportQuery, type ReportRow } from './api.ts';
import { Chart } from './Chart.tsx';
import type { PageProps } from './pages.tsx';
import {
  count,
  daysBetween,
  fromUtcInput,
  GROUP_LABELS,
  groupName,
  lastDays,
  plotMoney,
  plotRtp,
  PRESETS,
  toUtcInput,
  windowText,
} from './report-format.ts';
import { downloadReportCsv, ReportTable } from './ReportTable.tsx';
import { href, navigate } from './router.ts';

type Kind = 'games' | 'ngr';

const GROUP_FIELDS: Record<Kind, GroupField[]> = {
  games: ['day', 'provider', 'game', 'player'],
  ngr: ['day', 'player'],
};
const PAGE_SIZES = [25, 50, 100, 500];
const PAGE_SIZE_DEFAULT = 50;
/** A CSV reads the whole grouping in pages of the API's largest size, up to this many rows. */
const CSV_PAGE = 1000;
const CSV_ROWS_MAX = 100_000;

type Measure = 'ggr' | 'bets' | 'wins' | 'ngr' | 'bonus_converted';
const MEASURES: { id: Measure; label: string; ngrOnly?: boolean }[] = [
  { id: 'ggr', label: 'GGR' },
  { id: 'bets', label: 'Bets' },
  { id: 'wins', label: 'Wins' },
  { id: 'ngr', label: 'NGR', ngrOnly: true },
  { id: 'bonus_converted', label: 'Bonus cost', ngrOnly: true },
];

/** The report the hash names (#/reports?kind=games&from=…&to=…&group_by=day…), with defaults. */
interface Shown {
  kind: Kind;
  from: string;
  to: string;
  fields: GroupField[];
  currency: string;
  provider: string;
  game: string;
  player: string;
  page: number;
  limit: number;
}

function readQuery(query: URLSearchParams): Shown {
  const kind: Kind = query.get('kind') === 'ngr' ? 'ngr' : 'games';
  const week = lastDays(7);
  const grouping = query.get('group_by');
  const fields = (grouping === null ? 'day' : grouping)
    .split(',')
    .filter((f): f is GroupField => (GROUP_FIELDS[kind] as string[]).includes(f));
  const page = Number(query.get('page') ?? '1');
  const limit = Number(query.get('limit') ?? PAGE_SIZE_DEFAULT);
  return {
    kind,
    from: query.get('from') ?? week.from,
    to: query.get('to') ?? week.to,
    fields: GROUP_FIELDS[kind].filter((f) => fields.includes(f)),
    currency: query.get('currency') ?? '',
    provider: kind === 'games' ? (query.get('provider') ?? '') : '',
    game: kind === 'games' ? (query.get('game') ?? '') : '',
    player: query.get('player') ?? '',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    limit: PAGE_SIZES.includes(limit) ? limit : PAGE_SIZE_DEFAULT,
  };
}

function writeQuery(shown: Shown): string {
  return href('reports', {
    kind: shown.kind === 'games' ? undefined : shown.kind,
    from: shown.from,
    to: shown.to,
    // An empty grouping is written out, so it is not read back as the default (day).
    group_by: shown.fields.join(',') || 'none',
    currency: shown.currency,
    provider: shown.provider,
    game: shown.game,
    player: shown.player,
    page: shown.page === 1 ? undefined : String(shown.page),
    limit: shown.limit === PAGE_SIZE_DEFAULT ? undefined : String(shown.limit),
  });
}

/** The form's fields: the window as UTC datetime-local values, and the filters. */
interface Draft {
  from: string;
  to: string;
  currency: string;
  provider: string;
  game: string;
  player: string;
}

function draftOf(shown: Shown): Draft {
  return {
    from: toUtcInput(shown.from),
    to: toUtcInput(shown.to),
    currency: shown.currency,
    provider: shown.provider,
    game: shown.game,
    player: shown.player,
  };
}

function apiQuery(shown: Shown): ReportQuery {
  return {
    from: shown.from,
    to: shown.to,
    group_by: shown.fields.join(','),
    currency: shown.currency || undefined,
    provider: shown.provider || undefined,
    game: shown.game || undefined,
    player: shown.player || undefined,
  };
}

/**
 * Reports (SPEC §6, §8): the game report (bets, wins, GGR, RTP) or the NGR report over a window of UTC
 * time, grouped by any allowed combination of day, provider, game and player, filtered; a chart when
 * the grouping has one field (by day, provider, game or player) and the table behind it, paged, with a
 * CSV of every row of the grouping. Everything shown lives in the hash, so a reload or a link keeps it.
 */
export function ReportsPage({ apiKey, assets, query, onApiError }: PageProps) {
  const fromHash = useMemo(() => readQuery(query), [query]);
  // What a click asked for, shown at once (a checkbox must not flick back while the hash changes).
  const [asked, setAsked] = useState<Shown | null>(null);
  useEffect(() => setAsked(null), [fromHash]);
  const shown = asked ?? fromHash;
  const [draft, setDraft] = useState(() => draftOf(shown));
  const [answer, setAnswer] = useState<ReportAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const [measure, setMeasure] = useState<Measure>('ggr');
  const [chartCurrency, setChartCurrency] = useState<string | null>(null);
  const scaleOf = (code: string) => assets.find((a) => a.code === code)?.scale ?? 0;
  const key = JSON.stringify(shown);

  // The form follows the hash when its window or filters change there (a preset, Back, a link from the
  // dashboard); a new grouping or page keeps what is being typed.
  const applied = JSON.stringify(draftOf(shown));
  useEffect(() => setDraft(JSON.parse(applied) as Draft), [applied]);

  useEffect(() => {
    let live = true;
    setAnswer(null);
    api.report(apiKey, shown.kind, { ...apiQuery(shown), page: shown.page, limit: shown.limit }).then(
      (a) => {
        if (!live) return;
        setAnswer(a);
        setError(null);
      },
      (e: unknown) => {
        if (!live) return;
        onApiError(e);
        setError(e instanceof ApiError ? e.message : String(e));
        setAnswer({ data: [], totals: [], pagination: { page: 1, limit: shown.limit, total: 0, total_pages: 0 } });
      },
    );
    return () => {
      live = false;
    };
  }, [apiKey, key, onApiError]); // `key` is `shown`, compared by value

  const show = (change: Partial<Shown>) => {
    const next = { ...shown, page: 1, ...change };
    setAsked(next);
    navigate(writeQuery(next));
  };

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const from = fromUtcInput(draft.from);
    const to = fromUtcInput(draft.to);
    if (!from || !to) {
      setError('Enter both ends of the window as a date and a time (UTC).');
      return;
    }
    setError(null);
    show({
      from,
      to,
      currency: draft.currency,
      provider: draft.provider.trim(),
      game: draft.game.trim(),
      player: draft.player.trim(),
    });
  };

  const toggle = (field: GroupField, on: boolean) =>
    show({ fields: GROUP_FIELDS[shown.kind].filter((f) => (f === field ? on : shown.fields.includes(f))) });

  const exportCsv = async () => {
    if (!answer) return;
    const rows: ReportRow[] = [];
    try {
      for (let page = 1; ; page++) {
        setExporting(
          `Reading rows ${count(rows.length + 1)}–${count(Math.min(rows.length + CSV_PAGE, answer.pagination.total))}…`,
        );
        const part = await api.report(apiKey, shown.kind, { ...apiQuery(shown), page, limit: CSV_PAGE });
        rows.push(...part.data);
        if (page >= part.pagination.total_pages) break;
      }
      const name = `${shown.kind}-report_${shown.fields.join('-') || 'total'}_${shown.from.slice(0, 16)}_${shown.to.slice(0, 16)}.csv`;
      downloadReportCsv(name.replace(/:/g, ''), shown.fields, shown.kind === 'ngr', rows, scaleOf);
      setExporting(null);
    } catch (e) {
      onApiError(e);
      setExporting(null);
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  const pagination = answer?.pagination;
  const first = pagination && pagination.total > 0 ? (pagination.page - 1) * pagination.limit + 1 : 0;
  const last = pagination ? Math.min(pagination.page * pagination.limit, pagination.total) : 0;
  const currencies = [...new Set((answer?.data ?? []).map((r) => r.currency))];
  const currency = chartCurrency && currencies.includes(chartCurrency) ? chartCurrency : (currencies[0] ?? null);
  const chartField = shown.fields.length === 1 ? shown.fields[0] : null;
  const measures = MEASURES.filter((m) => !m.ngrOnly || shown.kind === 'ngr');
  const measureLabel = measures.find((m) => m.id === measure)?.label ?? 'GGR';
  const activeMeasure: Measure = measures.some((m) => m.id === measure) ? measure : 'ggr';

  return (
    <section aria-labelledby="reports-heading">
      <div className="page-head">
        <h1 id="reports-heading">Reports</h1>
        <span className="muted">All times are UTC; windows are [from, to).</span>
      </div>
      <form className="card report-form" onSubmit={apply} aria-label="Report settings">
        <fieldset className="choice">
          <legend>Report</legend>
          <label className="check">
            <input
              type="radio"
              name="report-kind"
              checked={shown.kind === 'games'}
              onChange={() => show({ kind: 'games' })}
            />
            Games: bets, wins, GGR, RTP
          </label>
          <label className="check">
            <input
              type="radio"
              name="report-kind"
              checked={shown.kind === 'ngr'}
              onChange={() =>
                show({
                  kind: 'ngr',
                  fields: shown.fields.filter((f) => GROUP_FIELDS.ngr.includes(f)),
                  provider: '',
                  game: '',
                })
              }
            />
            NGR: GGR − bonus cost
          </label>
        </fieldset>
        <fieldset className="window">
          <legend>Window (UTC)</legend>
          <div className="presets" role="group" aria-label="Quick windows">
            {PRESETS.map((p) => (
              <button key={p.id} type="button" className="secondary small" onClick={() => show(lastDays(p.days))}>
                {p.label}
              </button>
            ))}
          </div>
          <div className="fields">
            <div>
              <label htmlFor="report-from">From (UTC, included)</label>
              <input
                id="report-from"
                type="datetime-local"
                value={draft.from}
                onChange={(e) => setDraft({ ...draft, from: e.target.value })}
              />
            </div>
            <div>
              <label htmlFor="report-to">To (UTC, excluded)</label>
              <input
                id="report-to"
                type="datetime-local"
                value={draft.to}
                onChange={(e) => setDraft({ ...draft, to: e.target.value })}
              />
            </div>
          </div>
          <small>Days are UTC days. Today, 7 and 30 days are whole UTC days ending with today.</small>
        </fieldset>
        <fieldset className="choice">
          <legend>Group by</legend>
          {GROUP_FIELDS.games.map((f) => {
            const allowed = GROUP_FIELDS[shown.kind].includes(f);
            return (
              <label key={f} className={`check${allowed ? '' : ' muted'}`}>
                <input
                  type="checkbox"
                  checked={shown.fields.includes(f)}
                  disabled={!allowed}
                  onChange={(e) => toggle(f, e.target.checked)}
                />
                {GROUP_LABELS[f]}
              </label>
            );
          })}
          <small>
            {shown.kind === 'ngr'
              ? 'NGR is reported by day and by player.'
              : 'Any combination; none gives one row per currency. A game is named with its provider.'}
          </small>
        </fieldset>
        <fieldset className="filters-set">
          <legend>Filters</legend>
          <div className="fields">
            <div>
              <label htmlFor="report-currency">Currency</label>
              <select
                id="report-currency"
                value={draft.currency}
                onChange={(e) => setDraft({ ...draft, currency: e.target.value })}
              >
                <option value="">All currencies</option>
                {assets.map((a) => (
                  <option key={a.code}>{a.code}</option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="report-provider">Provider</label>
              <input
                id="report-provider"
                value={draft.provider}
                maxLength={255}
                disabled={shown.kind === 'ngr'}
                placeholder={shown.kind === 'ngr' ? 'not for NGR' : 'any'}
                onChange={(e) => setDraft({ ...draft, provider: e.target.value })}
              />
            </div>
            <div>
              <label htmlFor="report-game">Game code</label>
              <input
                id="report-game"
                value={draft.game}
                maxLength={255}
                disabled={shown.kind === 'ngr'}
                placeholder={shown.kind === 'ngr' ? 'not for NGR' : 'any'}
                onChange={(e) => setDraft({ ...draft, game: e.target.value })}
              />
            </div>
            <div>
              <label htmlFor="report-player">Player</label>
              <input
                id="report-player"
                value={draft.player}
                maxLength={255}
                placeholder="any"
                onChange={(e) => setDraft({ ...draft, player: e.target.value })}
              />
            </div>
          </div>
        </fieldset>
        <div className="filter-actions">
          <button type="submit">Show report</button>
        </div>
      </form>

      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}

      <section className="card" aria-labelledby="chart-heading">
        <div className="page-head">
          <h2 id="chart-heading">
            {shown.kind === 'ngr' ? 'NGR report' : 'Games report'}
            {shown.fields.length ? ` by ${shown.fields.map((f) => GROUP_LABELS[f].toLowerCase()).join(', ')}` : ''}
          </h2>
          <span className="muted">{windowText(shown.from, shown.to)}</span>
        </div>
        {chartField && answer && answer.data.length > 0 && currency && (
          <>
            <div className="chart-controls">
              <div className="inline-field">
                <label htmlFor="chart-measure">Bars show</label>
                <select
                  id="chart-measure"
                  value={activeMeasure}
                  onChange={(e) => setMeasure(e.target.value as Measure)}
                >
                  {measures.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.label}
                    </option>
                  ))}
                </select>
              </div>
              {currencies.length > 1 && (
                <div className="inline-field">
                  <label htmlFor="chart-currency">Chart currency</label>
                  <select id="chart-currency" value={currency} onChange={(e) => setChartCurrency(e.target.value)}>
                    {currencies.map((c) => (
                      <option key={c}>{c}</option>
                    ))}
                  </select>
                </div>
              )}
            </div>
            <ReportChart
              rows={answer.data.filter((r) => r.currency === currency)}
              field={chartField}
              measure={activeMeasure}
              measureLabel={measureLabel}
              currency={currency}
              scale={scaleOf(currency)}
            />
            <p className="muted chart-note">
              The chart plots the rows on this page in {currency}
              {chartField === 'day' ? ' (a day without play has no bar)' : ''}; the table below has the exact figures.
            </p>
          </>
        )}
        {!chartField && answer && answer.data.length > 0 && (
          <p className="muted chart-note">
            A chart is drawn for one grouping field (by day, provider, game or player); this grouping is a table.
          </p>
        )}
        <div className="actions table-actions">
          <div className="inline-field">
            <label htmlFor="report-limit">Rows per page</label>
            <select id="report-limit" value={shown.limit} onChange={(e) => show({ limit: Number(e.target.value) })}>
              {PAGE_SIZES.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </div>
          <button
            type="button"
            className="secondary"
            disabled={!pagination || pagination.total === 0 || pagination.total > CSV_ROWS_MAX || exporting !== null}
            onClick={() => void exportCsv()}
            title={pagination && pagination.total > CSV_ROWS_MAX ? `At most ${count(CSV_ROWS_MAX)} rows` : undefined}
          >
            Export CSV ({count(pagination?.total ?? 0)} rows)
          </button>
          {exporting && <span className="muted">{exporting}</span>}
        </div>
        <ReportTable
          label="Report rows"
          fields={shown.fields}
          ngr={shown.kind === 'ngr'}
          rows={answer === null ? null : answer.data}
          totals={answer?.totals ?? []}
          totalRows={pagination?.total}
          scaleOf={scaleOf}
          empty="No bets or wins in this window."
        />
        <div className="pager">
          <button
            type="button"
            className="secondary"
            disabled={!pagination || pagination.page <= 1}
            onClick={() => show({ page: shown.page - 1 })}
          >
            ← Previous
          </button>
          <span className="muted" aria-live="polite">
            {pagination && pagination.total > 0
              ? `Rows ${count(first)}–${count(last)} of ${count(pagination.total)} · page ${pagination.page} of ${pagination.total_pages}`
              : ''}
          </span>
          <button
            type="button"
            className="secondary"
            disabled={!pagination || pagination.page >= pagination.total_pages}
            onClick={() => show({ page: shown.page + 1 })}
          >
            Next →
          </button>
        </div>
      </section>
    </section>
  );
}

function ReportChart({
  rows,
  field,
  measure,
  measureLabel,
  currency,
  scale,
}: {
  rows: ReportRow[];
  field: GroupField;
  measure: Measure;
  measureLabel: string;
  currency: string;
  scale: number;
}) {
  const value = (r: ReportRow | undefined) => {
    const v = r?.[measure];
    return v === undefined ? null : plotMoney(v, scale);
  };
  let categories: string[];
  let points: (ReportRow | undefined)[];
  if (field === 'day') {
    // Rows come in day order; the days between them without play are drawn at 0.
    const byDay = new Map(rows.map((r) => [r.day!, r]));
    categories = rows.length ? daysBetween(rows[0].day!, rows[rows.length - 1].day!) : [];
    points = categories.map((d) => byDay.get(d));
  } else {
    categories = rows.map((r) => groupName(r, field));
    points = rows;
  }
  const by = field === 'day' ? 'day' : GROUP_LABELS[field].toLowerCase();
  return (
    <Chart
      label={`${measureLabel} (bars) and RTP (line) by ${by} in ${currency}`}
      categories={categories}
      days={field === 'day'}
      bars={{ label: `${measureLabel} (${currency})`, values: points.map(value) }}
      line={{ label: 'RTP', values: points.map((r) => plotRtp(r?.rtp ?? null)) }}
    />
  );
}
