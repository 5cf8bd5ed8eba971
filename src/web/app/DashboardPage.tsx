import { useEffect, useState } from 'react';
import { api, ApiError, type ReportRow } from './api.ts';
import { Chart } from './Chart.tsx';
import { exact } from './exact-json.ts';
import type { PageProps } from './pages.tsx';
import {
  addDays,
  count,
  dayStart,
  daysBetween,
  money,
  plotMoney,
  plotRtp,
  rtpPercent,
  utcDay,
} from './report-format.ts';
import { ReportTable } from './ReportTable.tsx';
import { href } from './router.ts';

/** Days the chart covers, today included. */
const CHART_DAYS = 30;

interface Today {
  /** Per currency with activity today: the NGR report's totals (bets, wins, GGR, bonus cost, NGR). */
  totals: ReportRow[];
  /** Players with a bet or a win today, per currency. */
  players: Record<string, number>;
}

interface Month {
  /** The 30 days' totals per currency. */
  totals: ReportRow[];
  currency: string | null;
  /** The chart's currency, one row per day with activity. */
  days: ReportRow[];
}

/**
 * The landing page (SPEC §8): today's figures per currency, from the game reports (SPEC §6) over today's
 * UTC day — bets, wins, GGR, NGR and active players (the row count of the report grouped by player) —
 * and GGR and RTP by day over the last 30 days, with the table behind the chart.
 */
export function DashboardPage({ apiKey, assets, onApiError }: PageProps) {
  const [today, setToday] = useState<Today | null>(null);
  const [month, setMonth] = useState<Month | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadedAt, setLoadedAt] = useState<Date | null>(null);
  const [refreshes, setRefreshes] = useState(0);
  const [loading, setLoading] = useState(true);
  const scaleOf = (code: string) => assets.find((a) => a.code === code)?.scale ?? 0;

  const now = loadedAt ?? new Date();
  const day = utcDay(now);
  const from30 = dayStart(addDays(day, 1 - CHART_DAYS));
  const tomorrow = dayStart(addDays(day, 1));

  useEffect(() => {
    let live = true;
    const at = new Date();
    const day = utcDay(at);
    const window = { from: dayStart(day), to: dayStart(addDays(day, 1)) };
    const month_window = { from: dayStart(addDays(day, 1 - CHART_DAYS)), to: window.to };
    setLoading(true);
    (async () => {
      const [ngr, month_totals] = await Promise.all([
        api.report(apiKey, 'ngr', { ...window, limit: 1 }),
        api.report(apiKey, 'games', { ...month_window, limit: 1 }),
      ]);
      const players = Object.fromEntries(
        await Promise.all(
          ngr.totals.map(async (t) => {
            const r = await api.report(apiKey, 'games', {
              ...window,
              group_by: 'player',
              currency: t.currency,
              limit: 1,
            });
            return [t.currency, r.pagination.total] as const;
          }),
        ),
      );
      // The chart's currency: the one chosen, else the busiest of the 30 days.
      const busiest = [...month_totals.totals].sort((a, b) => compare(exact(b.bet_count), exact(a.bet_count)))[0];
      const currency = month_totals.totals.some((t) => t.currency === chosen) ? chosen : (busiest?.currency ?? null);
      const days = currency
        ? (await api.report(apiKey, 'games', { ...month_window, group_by: 'day', currency, limit: 1000 })).data
        : [];
      if (!live) return;
      setToday({ totals: ngr.totals, players });
      setMonth({ totals: month_totals.totals, currency, days });
      setLoadedAt(at);
      setError(null);
    })()
      .catch((e: unknown) => {
        if (!live) return;
        onApiError(e);
        setError(e instanceof ApiError ? e.message : String(e));
      })
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [apiKey, onApiError, refreshes, chosen]);

  const chartDays = daysBetween(utcDay(new Date(Date.parse(from30))), day);
  const byDay = new Map((month?.days ?? []).map((r) => [r.day, r]));
  const currency = month?.currency ?? null;
  const monthTotal = month?.totals.find((t) => t.currency === currency);

  return (
    <section aria-labelledby="dashboard-heading">
      <div className="page-head">
        <h1 id="dashboard-heading">Dashboard</h1>
        <div className="refresh">
          <span className="muted" role="status" aria-label="Last update">
            {loading ? 'Updating…' : loadedAt ? `Updated ${loadedAt.toISOString().slice(11, 19)} UTC` : ''}
          </span>
          <button
            type="button"
            className="secondary small"
            onClick={() => setRefreshes((n) => n + 1)}
            disabled={loading}
          >
            Refresh
          </button>
        </div>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}

      <h2 className="section-title">
        Today <span className="muted">({day}, UTC day so far)</span>
      </h2>
      {today === null && !error && <p className="card muted">Loading today’s figures…</p>}
      {today?.totals.length === 0 && (
        <p className="card muted">
          No bets or wins yet today (UTC). Figures appear here as soon as any game surface takes a bet — try the{' '}
          <a href={href('play')}>Play</a> page.
        </p>
      )}
      {today?.totals.map((t) => (
        <section key={t.currency} className="card today" aria-labelledby={`today-${t.currency}`}>
          <h3 id={`today-${t.currency}`}>Today in {t.currency}</h3>
          <dl className="figures">
            <Figure label="Bets" value={money(t.bets, scaleOf(t.currency))} note={`${count(t.bet_count)} placed`} />
            <Figure label="Wins" value={money(t.wins, scaleOf(t.currency))} />
            <Figure
              label="GGR"
              value={money(t.ggr, scaleOf(t.currency))}
              note={`RTP ${rtpPercent(t.rtp)}`}
              negative={exact(t.ggr) < 0n}
            />
            <Figure
              label="NGR"
              value={money(t.ngr, scaleOf(t.currency))}
              note={`bonus cost ${money(t.bonus_converted, scaleOf(t.currency))}`}
              negative={t.ngr !== undefined && exact(t.ngr) < 0n}
            />
            <Figure label="Active players" value={count(today.players[t.currency] ?? 0)} note="with a bet or a win" />
          </dl>
        </section>
      ))}

      <section className="card" aria-labelledby="month-heading">
        <div className="page-head">
          <h2 id="month-heading">
            GGR and RTP by day, last {CHART_DAYS} days{currency ? ` (${currency})` : ''}
          </h2>
          {month && month.totals.length > 1 && (
            <div className="inline-field">
              <label htmlFor="dashboard-currency">Currency</label>
              <select id="dashboard-currency" value={currency ?? ''} onChange={(e) => setChosen(e.target.value)}>
                {month.totals.map((t) => (
                  <option key={t.currency}>{t.currency}</option>
                ))}
              </select>
            </div>
          )}
        </div>
        {month === null && !error && <p className="muted">Loading…</p>}
        {month && currency === null && <p className="muted">No bets or wins in the last {CHART_DAYS} days (UTC).</p>}
        {month && currency !== null && (
          <>
            <Chart
              label={`GGR (bars) and RTP (line) by day in ${currency}, ${chartDays[0]} to ${day}`}
              categories={chartDays}
              days
              bars={{
                label: `GGR (${currency})`,
                // A day without play has no bar (and no RTP).
                values: chartDays.map((d) => {
                  const r = byDay.get(d);
                  return r ? plotMoney(r.ggr, scaleOf(currency)) : null;
                }),
              }}
              line={{ label: 'RTP', values: chartDays.map((d) => plotRtp(byDay.get(d)?.rtp ?? null)) }}
            />
            {monthTotal && (
              <p className="chart-summary">
                {CHART_DAYS} days: bets <strong>{money(monthTotal.bets, scaleOf(currency))}</strong>, wins{' '}
                <strong>{money(monthTotal.wins, scaleOf(currency))}</strong>, GGR{' '}
                <strong>{money(monthTotal.ggr, scaleOf(currency))}</strong>, RTP{' '}
                <strong>{rtpPercent(monthTotal.rtp)}</strong>.{' '}
                <a href={href('reports', { from: from30, to: tomorrow, group_by: 'day', currency })}>
                  Open in Reports →
                </a>
              </p>
            )}
            <details className="behind">
              <summary>
                The figures behind the chart ({month.days.length} {month.days.length === 1 ? 'day' : 'days'} with play)
              </summary>
              <ReportTable
                label="GGR and RTP by day"
                fields={['day']}
                ngr={false}
                rows={month.days}
                totals={monthTotal ? [monthTotal] : []}
                scaleOf={scaleOf}
                empty="No play in these days."
              />
            </details>
          </>
        )}
      </section>
    </section>
  );
}

function Figure({ label, value, note, negative }: { label: string; value: string; note?: string; negative?: boolean }) {
  return (
    <div className="figure">
      <dt>{label}</dt>
      <dd className={negative ? 'negative' : undefined}>{value}</dd>
      {note && <dd className="figure-note">{note}</dd>}
    </div>
  );
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
