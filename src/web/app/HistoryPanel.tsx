import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, type Asset, type HistoryFilter, type HistoryItem } from './api.ts';
import { download, toCsv } from './csv.ts';
import { formatMinor } from './money.ts';
import { href } from './router.ts';

/** The transfer kinds a player's history can hold (wallet moves, seeding, game money). */
export const HISTORY_KINDS = [
  'topup',
  'bonus',
  'spend',
  'withdraw',
  'transfer',
  'bet',
  'win',
  'rollback',
  'seed_funding',
];

interface Props {
  apiKey: string;
  playerId: string;
  assets: Asset[];
  onApiError(error: unknown): void;
}

/** A date input's day (YYYY-MM-DD) as the instant it starts in UTC; `next` gives the following day's start. */
function dayStart(day: string, next = false): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const at = new Date(`${day}T00:00:00.000Z`);
  if (next) at.setUTCDate(at.getUTCDate() + 1);
  return at.toISOString();
}

/**
 * A player's ledger history: filters (asset, kind, a range of days in UTC), pages of 25 with "Older",
 * the game / round / provider of game money (the round links to its detail), the stored metadata,
 * and a CSV of exactly the rows shown.
 */
export function HistoryPanel({ apiKey, playerId, assets, onApiError }: Props) {
  const [draft, setDraft] = useState({ asset: '', kind: '', from: '', to: '' });
  const [filter, setFilter] = useState<HistoryFilter>({});
  const [items, setItems] = useState<HistoryItem[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const scaleOf = (code: string) => assets.find((a) => a.code === code)?.scale ?? 0;

  const load = useCallback(
    async (after?: string) => {
      try {
        const page = await api.history(apiKey, playerId, filter, after);
        setItems((current) => (after ? [...(current ?? []), ...page.items] : page.items));
        setCursor(page.next_cursor);
        setError(null);
      } catch (e) {
        onApiError(e);
        setError(e instanceof ApiError ? e.message : String(e));
      }
    },
    [apiKey, playerId, filter, onApiError],
  );

  useEffect(() => {
    setItems(null);
    void load();
  }, [load]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter({
      asset: draft.asset || undefined,
      kind: draft.kind || undefined,
      from: dayStart(draft.from),
      to: dayStart(draft.to, true),
    });
  };

  const exportCsv = () => {
    const header = [
      'created_at',
      'transaction_id',
      'type',
      'asset',
      'direction',
      'amount',
      'amount_minor',
      'balance_after',
      'counterparty',
      'game',
      'round',
      'provider',
      'description',
      'metadata',
    ];
    const rows = (items ?? []).map((t) => [
      t.created_at,
      t.transactionId,
      t.type,
      t.asset,
      t.direction,
      formatMinor(t.amount, scaleOf(t.asset), false),
      t.amount,
      formatMinor(t.balance_after, scaleOf(t.asset), false),
      t.counterparty,
      t.game,
      t.round,
      t.provider,
      t.description,
      t.metadata ? JSON.stringify(t.metadata) : null,
    ]);
    download(`${playerId}-history.csv`, toCsv(header, rows));
  };

  return (
    <div>
      <form className="card filters" onSubmit={apply} aria-label="History filters">
        <div>
          <label htmlFor="history-asset">Asset</label>
          <select
            id="history-asset"
            value={draft.asset}
            onChange={(e) => setDraft({ ...draft, asset: e.target.value })}
          >
            <option value="">All assets</option>
            {assets.map((a) => (
              <option key={a.code}>{a.code}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="history-kind">Kind</label>
          <select id="history-kind" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value })}>
            <option value="">All kinds</option>
            {HISTORY_KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="history-from">From (UTC day)</label>
          <input
            id="history-from"
            type="date"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </div>
        <div>
          <label htmlFor="history-to">To (UTC day, inclusive)</label>
          <input
            id="history-to"
            type="date"
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
        </div>
        <div className="filter-actions">
          <button type="submit">Apply filters</button>
          <button type="button" className="secondary" disabled={!items?.length} onClick={exportCsv}>
            Export CSV ({items?.length ?? 0} rows)
          </button>
        </div>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <table className="card stack history" aria-label="Transactions">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Kind</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col" className="num">
              Balance after
            </th>
            <th scope="col">Counterparty</th>
            <th scope="col">Game</th>
            <th scope="col">Round</th>
            <th scope="col">Provider</th>
            <th scope="col">Description</th>
            <th scope="col">Metadata</th>
          </tr>
        </thead>
        <tbody>
          {items === null && (
            <tr>
              <td colSpan={10} className="muted">
                Loading…
              </td>
            </tr>
          )}
          {items?.length === 0 && (
            <tr>
              <td colSpan={10} className="muted">
                No transactions match.
              </td>
            </tr>
          )}
          {items?.map((t) => (
            <tr key={`${t.transactionId}-${t.asset}`}>
              <td data-label="Time">
                <time dateTime={t.created_at} title={t.created_at}>
                  {new Date(t.created_at).toLocaleString()}
                </time>
              </td>
              <td data-label="Kind">
                <span className={`kind kind-${t.type}`}>{t.type}</span>
              </td>
              <td data-label="Amount" className={`num ${t.direction}`}>
                {t.direction === 'credit' ? '+' : '−'}
                {formatMinor(t.amount, scaleOf(t.asset))} <span className="muted">{t.asset}</span>
              </td>
              <td data-label="Balance after" className="num">
                {formatMinor(t.balance_after, scaleOf(t.asset))}
              </td>
              <td data-label="Counterparty">{t.counterparty}</td>
              <td data-label="Game" className={t.game ? undefined : 'empty'}>
                {t.game ?? <span className="muted">—</span>}
              </td>
              <td data-label="Round" className={t.round ? undefined : 'empty'}>
                {t.round ? (
                  <a href={href('players', playerId, 'rounds', { round: t.round })} title="Open this round">
                    {t.round}
                  </a>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td data-label="Provider" className={t.provider ? undefined : 'empty'}>
                {t.provider ?? <span className="muted">—</span>}
              </td>
              <td data-label="Description" className={t.description ? undefined : 'empty'}>
                {t.description ?? <span className="muted">—</span>}
              </td>
              <td data-label="Metadata" className={t.metadata ? undefined : 'empty'}>
                {t.metadata ? (
                  <details>
                    <summary>Show</summary>
                    <pre>{JSON.stringify(t.metadata, null, 2)}</pre>
                  </details>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {cursor && (
        <button type="button" className="secondary" onClick={() => void load(cursor)}>
          Older transactions
        </button>
      )}
    </div>
  );
}
