import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from './api.ts';
import { ingestionApi, type UserReport } from './ingestion-api.ts';
import { formatMinor } from './money.ts';
import { href, navigate } from './router.ts';
import { SCR_SCALE } from './SettlePanel.tsx';

interface Props {
  /** The user in the hash (#/ingestion?user=074092), or '' for none. */
  userId: string;
  /** Changes when new items were ingested or a payout settled: the report is read again. */
  revision: string;
}

type State =
  { kind: 'idle' } | { kind: 'loading' } | { kind: 'found'; report: UserReport } | { kind: 'error'; text: string };

/**
 * One user's report as the public reporter serves it (GET /reports/users/{userId}): balance = earned −
 * spent − payout − paidOut, in SCR. The user lives in the hash, so a reload or a link keeps it.
 */
export function UserReportPanel({ userId, revision }: Props) {
  const [typed, setTyped] = useState(userId);
  const [state, setState] = useState<State>({ kind: 'idle' });

  useEffect(() => setTyped(userId), [userId]);

  useEffect(() => {
    if (!userId) return setState({ kind: 'idle' });
    let live = true;
    setState((s) => (s.kind === 'found' && s.report.userId === userId ? s : { kind: 'loading' }));
    ingestionApi.user(userId).then(
      (report) => live && setState({ kind: 'found', report }),
      (e: unknown) => {
        if (!live) return;
        const text =
          e instanceof ApiError && e.status === 404
            ? `No transaction of user “${userId}” has been ingested (yet).`
            : e instanceof ApiError
              ? e.message
              : String(e);
        setState({ kind: 'error', text });
      },
    );
    return () => {
      live = false;
    };
  }, [userId, revision]);

  const search = (event: FormEvent) => {
    event.preventDefault();
    navigate(href('ingestion', { user: typed.trim() }));
  };

  const r = state.kind === 'found' ? state.report : null;
  const amount = (minor: bigint) => `${formatMinor(minor, SCR_SCALE)} SCR`;

  return (
    <section className="card ing-report" aria-labelledby="report-heading">
      <h2 id="report-heading">A user's report</h2>
      <form className="row" onSubmit={search} role="search" aria-label="User report">
        <label htmlFor="report-user" className="visually-hidden">
          User ID
        </label>
        <input
          id="report-user"
          type="search"
          placeholder="User ID, e.g. 074092"
          value={typed}
          maxLength={255}
          autoComplete="off"
          onChange={(e) => setTyped(e.target.value)}
        />
        <button type="submit" disabled={!typed.trim()}>
          Show
        </button>
      </form>
      {state.kind === 'idle' && (
        <p className="muted">Enter a user ID, or pick a user in the payouts table, to see their totals.</p>
      )}
      {state.kind === 'loading' && <p className="muted">Loading…</p>}
      {state.kind === 'error' && (
        <p role="alert" className="error">
          {state.text}
        </p>
      )}
      {r && (
        <div aria-label={`Report of ${r.userId}`} role="group">
          <p className="ing-balance">
            <span className="muted">Balance of {r.userId}</span>
            <strong className={r.balance < 0n ? 'debit' : undefined} aria-label="Balance">
              {amount(r.balance)}
            </strong>
          </p>
          <dl className="ing-report-grid">
            <div>
              <dt>Earned</dt>
              <dd className="num">{amount(r.earned)}</dd>
            </div>
            <div>
              <dt>Spent</dt>
              <dd className="num">{amount(r.spent)}</dd>
            </div>
            <div>
              <dt>Payout requested</dt>
              <dd className="num" aria-label="Payout requested">
                {amount(r.payout)}
              </dd>
            </div>
            <div>
              <dt>Paid out</dt>
              <dd className="num" aria-label="Paid out">
                {amount(r.paidOut)}
              </dd>
            </div>
          </dl>
          <p className="muted">
            balance = earned − spent − payout − paid out · updated{' '}
            <time dateTime={r.updatedAt}>{new Date(r.updatedAt).toLocaleString()}</time>
          </p>
        </div>
      )}
    </section>
  );
}
