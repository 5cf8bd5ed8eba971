import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, newIdempotencyKey, type Asset, type MoveKind } from './api.ts';
import { formatMinor, groupDigits, parseMajor } from './money.ts';

const OPERATIONS: { kind: MoveKind; label: string; verb: string }[] = [
  { kind: 'topup', label: 'Top up', verb: 'to' },
  { kind: 'bonus', label: 'Bonus', verb: 'to' },
  { kind: 'spend', label: 'Spend', verb: 'from' },
  { kind: 'withdraw', label: 'Withdraw', verb: 'from' },
];
/** Debits always ask for confirmation; credits only above the threshold. */
const ALWAYS_CONFIRM: MoveKind[] = ['spend', 'withdraw'];

const THRESHOLD_STORAGE = 'croupier.confirmAboveMajor';
const THRESHOLD_DEFAULT_MAJOR = '1000';

/** The amount (in any asset's major units) above which every move asks for confirmation; kept per browser. */
const threshold = {
  get: (): string => localStorage.getItem(THRESHOLD_STORAGE) ?? THRESHOLD_DEFAULT_MAJOR,
  set: (value: string): void => localStorage.setItem(THRESHOLD_STORAGE, value),
};

interface Props {
  apiKey: string;
  playerId: string;
  assets: Asset[];
  /** The player's balances, to show what a debit leaves; absent for a wallet being opened. */
  balances?: Record<string, number>;
  /** The operations offered: all four, or only a top-up to open a wallet. */
  kinds?: MoveKind[];
  title?: string;
  onDone(): Promise<void> | void;
  onApiError(error: unknown): void;
}

/**
 * Top-up / bonus / spend / withdraw. The amount is typed in the asset's major unit and read exactly
 * (money.ts) with a live preview in minor units; a reason is required (sent as `reason`, recorded with
 * the operator on the transfer and in the audit log, SPEC §4); spend, withdraw and any amount above the threshold go
 * through a confirmation step. Each request gets its own Idempotency-Key; after a network failure
 * the same request submitted again reuses its key, so a retry can never move money twice.
 */
export function MoveForm({ apiKey, playerId, assets, balances, kinds, title, onDone, onApiError }: Props) {
  const operations = OPERATIONS.filter((o) => !kinds || kinds.includes(o.kind));
  const [kind, setKind] = useState<MoveKind>(operations[0].kind);
  const [asset, setAsset] = useState('');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [limit, setLimit] = useState(threshold.get);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const pending = useRef<{ fingerprint: string; key: string } | null>(null);

  useEffect(() => {
    if (!asset && assets.length > 0) setAsset(assets.find((a) => a.code === 'USD')?.code ?? assets[0].code);
  }, [assets, asset]);

  const scale = assets.find((a) => a.code === asset)?.scale ?? 0;
  const parsed = amount.trim() === '' ? null : parseMajor(amount, scale);
  const limit_parsed = parseMajor(limit, scale);
  const operation = operations.find((o) => o.kind === kind) ?? operations[0];
  const needsConfirmation = (minor: bigint) =>
    ALWAYS_CONFIRM.includes(kind) || (limit_parsed.ok && minor > limit_parsed.minor);
  const balance = balances?.[asset];

  const edit = () => {
    setConfirming(false);
    setResult(null);
  };

  const review = (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    if (!parsed?.ok) return setResult({ ok: false, text: parsed ? parsed.reason : 'Enter an amount.' });
    if (!reason.trim()) return setResult({ ok: false, text: 'A reason is required for a manual money movement.' });
    if (needsConfirmation(parsed.minor)) setConfirming(true);
    else void send(parsed.minor);
  };

  const send = async (minor: bigint) => {
    const body = { asset, amount: Number(minor), reason: reason.trim() };
    const fingerprint = JSON.stringify([playerId, kind, body]);
    if (pending.current?.fingerprint !== fingerprint) pending.current = { fingerprint, key: newIdempotencyKey() };
    setBusy(true);
    try {
      const done = await api.move(apiKey, playerId, kind, body, pending.current.key);
      pending.current = null;
      const s = assets.find((a) => a.code === done.asset)?.scale ?? 0;
      setResult({
        ok: true,
        text: `${operation.label} of ${formatMinor(done.amount, s)} ${done.asset} done. New balance: ${formatMinor(done.balance, s)} ${done.asset}.`,
      });
      setAmount('');
      setReason('');
      setConfirming(false);
      await onDone();
    } catch (e) {
      // A definite answer (4xx) ends this request; only an unknown outcome keeps the key for a retry.
      if (!(e instanceof ApiError) || e.status !== 0) pending.current = null;
      onApiError(e);
      setConfirming(false);
      setResult({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  if (confirming && parsed?.ok) {
    const after =
      balance === undefined
        ? undefined
        : BigInt(balance) + (ALWAYS_CONFIRM.includes(kind) ? -parsed.minor : parsed.minor);
    return (
      <section
        className="card confirm"
        role="alertdialog"
        aria-labelledby="confirm-heading"
        aria-describedby="confirm-text"
      >
        <h2 id="confirm-heading">Confirm {operation.label.toLowerCase()}</h2>
        <p id="confirm-text">
          {operation.label}{' '}
          <strong>
            {formatMinor(parsed.minor, scale)} {asset}
          </strong>{' '}
          ({groupDigits(parsed.minor)} minor units) {operation.verb} <strong>{playerId}</strong>.
        </p>
        <dl className="summary">
          <dt>Reason</dt>
          <dd>{reason.trim()}</dd>
          {after !== undefined && (
            <>
              <dt>Balance after</dt>
              <dd className={after < 0n ? 'debit' : undefined}>
                {formatMinor(after, scale)} {asset}
                {after < 0n && ' — more than the balance: the API will refuse it'}
              </dd>
            </>
          )}
        </dl>
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => void send(parsed.minor)}>
            {busy ? 'Working…' : `Confirm ${operation.label.toLowerCase()}`}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={edit}>
            Back
          </button>
        </div>
      </section>
    );
  }

  return (
    <form className="card move" onSubmit={review} aria-labelledby="move-heading" noValidate>
      <h2 id="move-heading">{title ?? 'Move money'}</h2>
      <div className="fields">
        {operations.length > 1 && (
          <div>
            <label htmlFor="move-kind">Operation</label>
            <select id="move-kind" value={kind} onChange={(e) => setKind(e.target.value as MoveKind)}>
              {operations.map((o) => (
                <option key={o.kind} value={o.kind}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
        )}
        <div>
          <label htmlFor="move-asset">Asset</label>
          <select id="move-asset" value={asset} onChange={(e) => setAsset(e.target.value)}>
            {assets.map((a) => (
              <option key={a.code} value={a.code}>
                {a.code}
              </option>
            ))}
          </select>
          {balance !== undefined && (
            <small>
              Balance: {formatMinor(balance, scale)} {asset}
            </small>
          )}
        </div>
        <div>
          <label htmlFor="move-amount">Amount ({asset || 'major units'})</label>
          <input
            id="move-amount"
            inputMode="decimal"
            autoComplete="off"
            value={amount}
            placeholder={scale > 0 ? `0.${'0'.repeat(scale)}` : '0'}
            onChange={(e) => setAmount(e.target.value)}
            aria-describedby="amount-preview"
          />
          <small id="amount-preview" aria-live="polite" className={parsed && !parsed.ok ? 'invalid' : undefined}>
            {parsed === null
              ? `In ${asset || 'the asset'}'s major unit${scale > 0 ? `, up to ${scale} decimals` : ', whole numbers'}.`
              : parsed.ok
                ? `= ${groupDigits(parsed.minor)} minor units`
                : parsed.reason}
          </small>
        </div>
        <div className="wide">
          <label htmlFor="move-reason">Reason (required)</label>
          <input
            id="move-reason"
            maxLength={255}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="e.g. goodwill credit, ticket #4411"
          />
        </div>
      </div>
      <div className="actions">
        <button type="submit" disabled={busy || !asset}>
          {busy
            ? 'Working…'
            : ALWAYS_CONFIRM.includes(kind) || (parsed?.ok && needsConfirmation(parsed.minor))
              ? 'Review…'
              : operation.label}
        </button>
      </div>
      {result && (
        <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'success' : 'error'}>
          {result.text}
        </p>
      )}
      <details className="settings">
        <summary>Confirmation threshold</summary>
        <label htmlFor="confirm-threshold">Ask to confirm any move above (major units)</label>
        <input
          id="confirm-threshold"
          inputMode="decimal"
          value={limit}
          onChange={(e) => {
            setLimit(e.target.value);
            threshold.set(e.target.value);
          }}
        />
        <small>Spend and withdraw always ask. Kept in this browser.</small>
      </details>
    </form>
  );
}
