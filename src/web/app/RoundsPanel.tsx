import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type Asset, type RoundItem } from './api.ts';
import { formatMinor } from './money.ts';
import { href } from './router.ts';

interface Props {
  apiKey: string;
  playerId: string;
  assets: Asset[];
  /** One round only (the link from a history row), or every round, newest first. */
  round?: string;
  onApiError(error: unknown): void;
}

/** Every round of the player across both game surfaces, each with its bets, wins and rollbacks and their ids. */
export function RoundsPanel({ apiKey, playerId, assets, round, onApiError }: Props) {
  const [rounds, setRounds] = useState<RoundItem[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const scaleOf = (code: string) => assets.find((a) => a.code === code)?.scale ?? 0;

  const load = useCallback(
    async (after?: string) => {
      try {
        const page = await api.rounds(apiKey, playerId, { round, cursor: after });
        setRounds((current) => (after ? [...(current ?? []), ...page.rounds] : page.rounds));
        setCursor(page.next_cursor);
        setError(null);
      } catch (e) {
        onApiError(e);
        setError(e instanceof ApiError ? e.message : String(e));
      }
    },
    [apiKey, playerId, round, onApiError],
  );

  useEffect(() => {
    setRounds(null);
    void load();
  }, [load]);

  return (
    <div>
      {round && (
        <p className="filter-note">
          Showing round <code>{round}</code>. <a href={href('players', playerId, 'rounds')}>All rounds of {playerId}</a>
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {rounds === null && <p className="muted">Loading…</p>}
      {rounds?.length === 0 && (
        <p className="card muted">
          {round ? 'No round with this id for this player.' : 'No game rounds yet. Play some on the Play page.'}
        </p>
      )}
      <ol className="rounds" aria-label="Rounds">
        {rounds?.map((r) => {
          const scale = scaleOf(r.asset);
          return (
            <li
              key={`${r.surface}:${r.provider}:${r.game}:${r.round}`}
              className="card round"
              aria-label={`Round ${r.round}`}
            >
              <div className="round-head">
                <h3>
                  Round <code>{r.round}</code>
                </h3>
                <span className={`net ${r.net >= 0 ? 'credit' : 'debit'}`}>
                  {r.net >= 0 ? '+' : ''}
                  {formatMinor(r.net, scale)} {r.asset}
                </span>
              </div>
              <p className="muted round-meta">
                {r.provider ?? '—'} · game {r.game ?? '—'} · {r.surface ?? '—'} ·{' '}
                <time dateTime={r.started_at}>{new Date(r.started_at).toLocaleString()}</time>
              </p>
              <dl className="totals">
                <div>
                  <dt>Bets</dt>
                  <dd className="num">{formatMinor(r.bet, scale)}</dd>
                </div>
                <div>
                  <dt>Wins</dt>
                  <dd className="num">{formatMinor(r.win, scale)}</dd>
                </div>
                <div>
                  <dt>Rolled back</dt>
                  <dd className="num">{formatMinor(r.rolled_back, scale)}</dd>
                </div>
              </dl>
              <table className="stack transfers" aria-label={`Transfers of round ${r.round}`}>
                <thead>
                  <tr>
                    <th scope="col">Kind</th>
                    <th scope="col" className="num">
                      Amount
                    </th>
                    <th scope="col">Transaction</th>
                    <th scope="col">Reverses</th>
                  </tr>
                </thead>
                <tbody>
                  {r.transfers.map((t) => (
                    <tr key={t.transactionId}>
                      <td data-label="Kind">
                        <span className={`kind kind-${t.kind}`}>{t.kind}</span>
                      </td>
                      <td data-label="Amount" className={`num ${t.direction}`}>
                        {t.direction === 'credit' ? '+' : '−'}
                        {formatMinor(t.amount, scale)}
                      </td>
                      <td data-label="Transaction">
                        <code className="id">{t.transactionId}</code>
                      </td>
                      <td data-label="Reverses">
                        {t.reverses ? <code className="id">{t.reverses}</code> : <span className="muted">—</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </li>
          );
        })}
      </ol>
      {cursor && (
        <button type="button" className="secondary" onClick={() => void load(cursor)}>
          Older rounds
        </button>
      )}
    </div>
  );
}
