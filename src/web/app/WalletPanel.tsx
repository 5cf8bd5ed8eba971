import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, formatMinor, type Asset, type HistoryItem } from './api.ts';
import { MoveForm } from './MoveForm.tsx';

interface Props {
  apiKey: string;
  playerId: string;
  assets: Asset[];
  onApiError(error: unknown): void;
}

/** One player's wallet: balances per asset, the money forms, recent history. */
export function WalletPanel({ apiKey, playerId, assets, onApiError }: Props) {
  const [balances, setBalances] = useState<Record<string, number> | null>(null);
  const [history, setHistory] = useState<HistoryItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const scaleOf = (code: string) => assets.find((a) => a.code === code)?.scale ?? 0;

  const refresh = useCallback(async () => {
    try {
      const [wallet, page] = await Promise.all([api.wallet(apiKey, playerId), api.history(apiKey, playerId)]);
      setBalances(wallet.balances);
      setHistory(page.items);
      setCursor(page.next_cursor);
      setError(null);
    } catch (e) {
      onApiError(e);
      setBalances(null);
      setHistory([]);
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }, [apiKey, playerId, onApiError]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const older = async () => {
    if (!cursor) return;
    try {
      const page = await api.history(apiKey, playerId, cursor);
      setHistory((current) => [...current, ...page.items]);
      setCursor(page.next_cursor);
    } catch (e) {
      onApiError(e);
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  return (
    <section className="wallet" aria-labelledby="wallet-heading">
      <h2 id="wallet-heading">Wallet of {playerId}</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {balances && <Balances balances={balances} scaleOf={scaleOf} playerId={playerId} />}
      <MoveForm apiKey={apiKey} playerId={playerId} assets={assets} onDone={refresh} onApiError={onApiError} />
      <History items={history} scaleOf={scaleOf} />
      {cursor && (
        <button type="button" className="secondary" onClick={() => void older()}>
          Older transactions
        </button>
      )}
    </section>
  );
}

function Balances({ balances, scaleOf, playerId }: { balances: Record<string, number>; scaleOf(code: string): number; playerId: string }) {
  const rows = Object.entries(balances);
  return (
    <table className="card">
      <caption>Balances of {playerId}</caption>
      <thead>
        <tr>
          <th scope="col">Asset</th>
          <th scope="col" className="num">Balance</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={2}>No balances yet.</td>
          </tr>
        )}
        {rows.map(([asset, amount]) => (
          <tr key={asset}>
            <th scope="row">{asset}</th>
            <td className="num">{formatMinor(amount, scaleOf(asset))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function History({ items, scaleOf }: { items: HistoryItem[]; scaleOf(code: string): number }) {
  return (
    <table className="card history">
      <caption>Recent transactions</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Type</th>
          <th scope="col">Asset</th>
          <th scope="col" className="num">Amount</th>
          <th scope="col">Counterparty</th>
          <th scope="col" className="num">Balance after</th>
          <th scope="col">Description</th>
        </tr>
      </thead>
      <tbody>
        {items.length === 0 && (
          <tr>
            <td colSpan={7}>No transactions yet.</td>
          </tr>
        )}
        {items.map((t) => (
          <tr key={`${t.transactionId}-${t.asset}`}>
            <td>
              <time dateTime={t.created_at}>{new Date(t.created_at).toLocaleString()}</time>
            </td>
            <td>{t.type}</td>
            <td>{t.asset}</td>
            <td className={`num ${t.direction}`}>
              {t.direction === 'credit' ? '+' : '−'}
              {formatMinor(t.amount, scaleOf(t.asset))}
            </td>
            <td>
              {t.counterparty} <span className="muted">({t.counterparty_kind})</span>
            </td>
            <td className="num">{formatMinor(t.balance_after, scaleOf(t.asset))}</td>
            <td>{t.description ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
