import { useEffect, useRef, useState } from 'react';
import { ApiError } from './api.ts';
import { ingestionApi, type IngestionStatus } from './ingestion-api.ts';
import { groupDigits } from './money.ts';

/** How often the status is asked for while the page is visible. */
export const STATUS_POLL_MS = 3_000;
/** SPEC §7: data less than 2 minutes old. */
const FRESHNESS_BOUND_S = 120n;
/** Rates are taken over the samples of about the last minute, once they span at least this long. */
const RATE_WINDOW_MS = 60_000;
const RATE_SPAN_MIN_MS = 5_000;

interface Sample {
  at_ms: number;
  items: bigint;
  requests: bigint;
  throttled: bigint;
}

interface Props {
  apiKey: string;
  onApiError(error: unknown): void;
  /** Called with items_total whenever it changes: new data may have reached the reporter. */
  onItems(items_total: bigint): void;
}

function duration(seconds: bigint): string {
  if (seconds < 60n) return `${seconds} s`;
  const m = seconds / 60n;
  const s = seconds % 60n;
  if (m < 60n) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${m / 60n} h ${String(m % 60n).padStart(2, '0')} min`;
}

/** Per minute over the window, from the oldest sample still in it to the newest; null until it spans enough. */
function perMinute(samples: Sample[], pick: (s: Sample) => bigint): number | null {
  if (samples.length < 2) return null;
  const first = samples[0];
  const last = samples[samples.length - 1];
  const span_ms = last.at_ms - first.at_ms;
  if (span_ms < RATE_SPAN_MIN_MS) return null;
  // A count of items is not money: a rate for the eye may be a float.
  return (Number(pick(last) - pick(first)) * 60_000) / span_ms;
}

function rateText(rate: number | null): string {
  if (rate === null) return '—';
  return `${rate >= 100 ? Math.round(rate).toLocaleString('en-US') : rate.toFixed(1)} / min`;
}

const MEASURING = 'rate: measuring…';

/**
 * Live ingestion status: polled every STATUS_POLL_MS while the tab is visible (and at once when it
 * becomes visible again). Lag against the 2-minute bound, counters, rates over the last minute
 * computed from the samples this page has seen, and the last upstream error.
 */
export function IngestionStatusPanel({ apiKey, onApiError, onItems }: Props) {
  const [status, setStatus] = useState<IngestionStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [updated, setUpdated] = useState<Date | null>(null);
  const samples = useRef<Sample[]>([]);
  const last_items = useRef<bigint | null>(null);
  const on_items = useRef(onItems);
  on_items.current = onItems;

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      if (document.visibilityState === 'visible') {
        try {
          const s = await ingestionApi.status(apiKey);
          if (!live) return;
          const now = Date.now();
          samples.current = [
            ...samples.current.filter((x) => now - x.at_ms <= RATE_WINDOW_MS),
            { at_ms: now, items: s.items_total, requests: s.requests_total, throttled: s.throttled_total },
          ];
          setStatus(s);
          setUpdated(new Date(now));
          setError(null);
          if (last_items.current !== s.items_total) {
            last_items.current = s.items_total;
            on_items.current(s.items_total);
          }
        } catch (e) {
          if (!live) return;
          onApiError(e);
          setError(e instanceof ApiError ? e.message : String(e));
        }
      }
      if (live) timer = setTimeout(() => void poll(), STATUS_POLL_MS);
    };
    const visible = () => {
      if (document.visibilityState !== 'visible') return;
      clearTimeout(timer);
      void poll();
    };
    void poll();
    document.addEventListener('visibilitychange', visible);
    return () => {
      live = false;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', visible);
    };
  }, [apiKey, onApiError]);

  const items_rate = perMinute(samples.current, (s) => s.items);
  const requests_rate = perMinute(samples.current, (s) => s.requests);
  const throttled_share =
    status && status.requests_total > 0n
      ? `${((Number(status.throttled_total) * 100) / Number(status.requests_total)).toFixed(1)} % of requests`
      : 'none yet';
  const lag = status?.lag_s ?? null;
  const state =
    status === null
      ? { label: 'Loading…', tone: 'unknown' }
      : lag === null
        ? { label: 'Not started', tone: 'unknown' }
        : lag < FRESHNESS_BOUND_S
          ? { label: 'Fresh', tone: 'ok' }
          : { label: 'Behind', tone: 'behind' };

  return (
    <section className="card ing-status" aria-labelledby="ing-status-heading">
      <div className="ing-status-head">
        <h2 id="ing-status-heading">Status</h2>
        <span className={`ing-badge ing-${state.tone}`} role="status" aria-label={`Ingestion ${state.label}`}>
          {state.label}
        </span>
      </div>
      {error && (
        <p role="alert" className="error">
          Status unavailable: {error}
        </p>
      )}
      <dl className="ing-metrics" aria-label="Ingestion status">
        <div className="ing-lag">
          <dt>Data age (lag)</dt>
          <dd aria-label="Lag">{lag === null ? '—' : duration(lag)}</dd>
          <small>
            {lag === null
              ? 'No walk has finished yet.'
              : lag < FRESHNESS_BOUND_S
                ? 'Within the 2-minute bound.'
                : 'Over the 2-minute bound: the upstream is ahead of its budget.'}
          </small>
        </div>
        <div>
          <dt>Items per minute</dt>
          <dd aria-label="Items per minute">{rateText(items_rate)}</dd>
          <small>
            {status ? `${groupDigits(status.items_total)} ingested in all` : '—'}
            {items_rate === null && status ? ` · ${MEASURING}` : ''}
          </small>
        </div>
        <div>
          <dt>Requests</dt>
          <dd aria-label="Requests">{status ? groupDigits(status.requests_total) : '—'}</dd>
          <small>{requests_rate === null ? MEASURING : rateText(requests_rate)}</small>
        </div>
        <div>
          <dt>Throttled (429)</dt>
          <dd aria-label="Throttled">{status ? groupDigits(status.throttled_total) : '—'}</dd>
          <small>{throttled_share}</small>
        </div>
        <div>
          <dt>Errors · quarantined</dt>
          <dd aria-label="Errors and quarantined">
            {status ? `${groupDigits(status.errors_total)} · ${groupDigits(status.quarantined_total)}` : '—'}
          </dd>
          <small>5xx and network failures · malformed items</small>
        </div>
      </dl>
      <div className="ing-last-error">
        <strong>Last error:</strong>{' '}
        {status?.last_error ? (
          <>
            <span className="ing-error-text">{status.last_error}</span>
            {status.last_error_at && (
              <span className="muted"> ({new Date(status.last_error_at).toLocaleString()})</span>
            )}
          </>
        ) : (
          <span className="muted">none</span>
        )}
      </div>
      <p className="muted ing-updated">
        Checkpoint {status?.checkpoint ? <time dateTime={status.checkpoint}>{status.checkpoint}</time> : '—'}
        {updated && ` · updated ${updated.toLocaleTimeString()} · refreshes every ${STATUS_POLL_MS / 1000} s`}
      </p>
    </section>
  );
}
