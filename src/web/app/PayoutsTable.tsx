import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiError } from './api.ts';
import { ingestionApi, type PayoutsPage, type SettleAnswer } from './ingestion-api.ts';
import { formatMinor } from './money.ts';
import { href } from './router.ts';
import { SCR_SCALE, SettlePanel } from './SettlePanel.tsx';

const PAGE_SIZE = 20;

interface Props {
  apiKey: string;
  /** Changes whenever new items were ingested: the list is read again (a 304 when nothing changed). */
  revision: bigint | null;
  onSettled(answer: SettleAnswer): void;
  onApiError(error: unknown): void;
}

/**
 * The requested, unsettled payouts (GET /reports/payouts: one row per user, by userId), paged, each
 * row with a settle button that opens SettlePanel under it.
 */
export function PayoutsTable({ apiKey, revision, onSettled, onApiError }: Props) {
  const [page, setPage] = useState(1);
  const [payouts, setPayouts] = useState<PayoutsPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [settling, setSettling] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let live = true;
    ingestionApi.payouts(page, PAGE_SIZE).then(
      (p) => {
        if (!live) return;
        setPayouts(p);
        setError(null);
        // A page that emptied (everything on it settled) moves back to the last one that has rows.
        if (p.data.length === 0 && page > 1) setPage(Math.max(1, Number(p.pagination.total_pages)));
      },
      (e: unknown) => {
        if (!live) return;
        setError(e instanceof ApiError ? e.message : String(e));
      },
    );
    return () => {
      live = false;
    };
  }, [page, revision, reloads]);

  const settled = useCallback(
    (answer: SettleAnswer) => {
      setSettling(null);
      setDone(
        `Settled ${formatMinor(answer.settled, SCR_SCALE)} SCR for ${answer.userId}. ` +
          `Still requested: ${formatMinor(answer.payout, SCR_SCALE)} SCR; paid out in all: ${formatMinor(answer.paidOut, SCR_SCALE)} SCR.`,
      );
      setReloads((n) => n + 1);
      onSettled(answer);
    },
    [onSettled],
  );

  const total = payouts ? Number(payouts.pagination.total) : 0;
  const pages = payouts ? Number(payouts.pagination.total_pages) : 0;

  return (
    <section className="card flush ing-payouts" aria-labelledby="payouts-heading">
      <div className="ing-card-head">
        <div>
          <h2 id="payouts-heading">Requested payouts</h2>
          <small className="muted">
            {payouts ? `${total.toLocaleString('en-US')} user${total === 1 ? '' : 's'} waiting, by user ID` : ' '}
          </small>
        </div>
        <button type="button" className="secondary small" onClick={() => setReloads((n) => n + 1)}>
          Refresh
        </button>
      </div>
      {done && (
        <p role="status" className="success ing-done">
          {done}
        </p>
      )}
      {error && (
        <p role="alert" className="error ing-done">
          {error}
        </p>
      )}
      <table className="stack" aria-label="Requested payouts">
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col" className="num">
              Requested (SCR)
            </th>
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {payouts === null && !error && (
            <tr>
              <td colSpan={3} className="muted">
                Loading…
              </td>
            </tr>
          )}
          {payouts?.data.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                No payout is waiting: every requested payout has been settled.
              </td>
            </tr>
          )}
          {payouts?.data.map((row) => (
            <PayoutRowView
              key={row.userId}
              userId={row.userId}
              amount={row.amount}
              open={settling === row.userId}
              onOpen={() => {
                setDone(null);
                setSettling(row.userId);
              }}
              panel={
                <SettlePanel
                  apiKey={apiKey}
                  userId={row.userId}
                  requested={row.amount}
                  onDone={settled}
                  onCancel={() => setSettling(null)}
                  onApiError={onApiError}
                />
              }
            />
          ))}
        </tbody>
      </table>
      {pages > 1 && (
        <div className="pager">
          <button type="button" className="secondary" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
            ← Previous
          </button>
          <span className="muted">
            Page {page} of {pages}
          </span>
          <button type="button" className="secondary" disabled={page >= pages} onClick={() => setPage((p) => p + 1)}>
            Next →
          </button>
        </div>
      )}
    </section>
  );
}

function PayoutRowView(props: { userId: string; amount: bigint; open: boolean; onOpen(): void; panel: ReactNode }) {
  return (
    <>
      <tr>
        <td data-label="User">
          <a href={href('ingestion', { user: props.userId })}>{props.userId}</a>
        </td>
        <td data-label="Requested" className="num">
          {formatMinor(props.amount, SCR_SCALE)}
        </td>
        <td className="ing-row-action">
          <button
            type="button"
            className="small"
            disabled={props.open}
            aria-label={`Settle ${props.userId}`}
            onClick={props.onOpen}
          >
            Settle…
          </button>
        </td>
      </tr>
      {props.open && (
        <tr className="ing-settle-row">
          <td colSpan={3}>{props.panel}</td>
        </tr>
      )}
    </>
  );
}
