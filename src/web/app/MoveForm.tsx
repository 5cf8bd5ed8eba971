import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, formatMinor, newIdempotencyKey, type Asset, type MoveKind } from './api.ts';

const OPERATIONS: { kind: MoveKind; label: string }[] = [
  { kind: 'topup', label: 'Top up' },
  { kind: 'bonus', label: 'Bonus' },
  { kind: 'spend', label: 'Spend' },
  { kind: 'withdraw', label: 'Withdraw' },
];

interface Props {
  apiKey: string;
  playerId: string;
  assets: Asset[];
  onDone(): Promise<void> | void;
  onApiError(error: unknown): void;
}

/**
 * Top-up / bonus / spend / withdraw. Each new request gets a fresh Idempotency-Key; after a network
 * failure the same form submitted again reuses its key, so a retry can never move money twice.
 */
export function MoveForm({ apiKey, playerId, assets, onDone, onApiError }: Props) {
  const [kind, setKind] = useState<MoveKind>('topup');
  const [asset, setAsset] = useState('');
  const [amount, setAmount] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const pending = useRef<{ fingerprint: string; key: string } | null>(null);

  useEffect(() => {
    if (!asset && assets.length > 0) setAsset(assets.find((a) => a.code === 'GOLD_COINS')?.code ?? assets[0].code);
  }, [assets, asset]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!/^\d+$/.test(amount.trim()) || !Number.isSafeInteger(Number(amount))) {
      setResult({ ok: false, text: 'Amount must be a whole number of minor units, e.g. 250.' });
      return;
    }
    const body = { asset, amount: Number(amount), ...(description.trim() ? { description: description.trim() } : {}) };
    const fingerprint = JSON.stringify([playerId, kind, body]);
    if (pending.current?.fingerprint !== fingerprint) pending.current = { fingerprint, key: newIdempotencyKey() };
    setBusy(true);
    setResult(null);
    try {
      const done = await api.move(apiKey, playerId, kind, body, pending.current.key);
      pending.current = null;
      const scale = assets.find((a) => a.code === done.asset)?.scale ?? 0;
      const label = OPERATIONS.find((o) => o.kind === kind)!.label;
      setResult({ ok: true, text: `${label} of ${formatMinor(done.amount, scale)} ${done.asset} done. New balance: ${formatMinor(done.balance, scale)} ${done.asset}.` });
      setAmount('');
      setDescription('');
      await onDone();
    } catch (e) {
      // A definite answer (4xx) ends this request; only an unknown outcome keeps the key for a retry.
      if (!(e instanceof ApiError) || e.status !== 0) pending.current = null;
      onApiError(e);
      setResult({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card move" onSubmit={submit} aria-labelledby="move-heading">
      <h3 id="move-heading">Move money</h3>
      <div className="fields">
        <div>
          <label htmlFor="move-kind">Operation</label>
          <select id="move-kind" value={kind} onChange={(e) => setKind(e.target.value as MoveKind)}>
            {OPERATIONS.map((o) => (
              <option key={o.kind} value={o.kind}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="move-asset">Asset</label>
          <select id="move-asset" value={asset} onChange={(e) => setAsset(e.target.value)}>
            {assets.map((a) => (
              <option key={a.code} value={a.code}>
                {a.code}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="move-amount">Amount (minor units)</label>
          <input id="move-amount" inputMode="numeric" required value={amount} onChange={(e) => setAmount(e.target.value)} aria-describedby="amount-hint" />
          <small id="amount-hint">Whole minor units: cents for USD, 1 per coin for GOLD_COINS.</small>
        </div>
        <div>
          <label htmlFor="move-description">Description (optional)</label>
          <input id="move-description" maxLength={255} value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
      </div>
      <button type="submit" disabled={busy || !asset}>
        {busy ? 'Working…' : 'Submit'}
      </button>
      {result && (
        <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'success' : 'error'}>
          {result.text}
        </p>
      )}
    </form>
  );
}
