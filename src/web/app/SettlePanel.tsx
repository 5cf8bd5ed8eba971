import { useRef, useState, type FormEvent } from 'react';
import { ApiError, newIdempotencyKey } from './api.ts';
import { ingestionApi, type SettleAnswer } from './ingestion-api.ts';
import { formatMinor, groupDigits, parseMajor } from './money.ts';

/** SCR has scale 2 (SPEC §7: 1 SCR = 1 EUR, cents). */
export const SCR_SCALE = 2;

interface Props {
  apiKey: string;
  userId: string;
  /** The requested amount the table showed, in cents. */
  requested: bigint;
  onDone(answer: SettleAnswer): void;
  onCancel(): void;
  onApiError(error: unknown): void;
}

/**
 * Settles one user's requested payouts (POST /v1/payouts/{userId}/settle): the amount is prefilled
 * with what the table showed (so what is confirmed is what is paid, even if more requests arrive
 * meanwhile) and may be lowered; a reason is required (recorded with the operator, SPEC §4). Review,
 * then confirm. Each intended settlement has its own Idempotency-Key; after a network failure the same
 * settlement submitted again reuses it, so a retry can never pay twice.
 */
export function SettlePanel({ apiKey, userId, requested, onDone, onCancel, onApiError }: Props) {
  const [amount, setAmount] = useState(() => formatMinor(requested, SCR_SCALE, false));
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const pending = useRef<{ fingerprint: string; key: string } | null>(null);
  const parsed = parseMajor(amount, SCR_SCALE);

  const review = (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    if (!parsed.ok) return setProblem(parsed.reason);
    if (parsed.minor > requested) return setProblem(`At most the ${formatMinor(requested, SCR_SCALE)} SCR requested.`);
    if (!reason.trim()) return setProblem('A reason is required for a manual money movement.');
    setConfirming(true);
  };

  const send = async () => {
    if (!parsed.ok) return;
    const fingerprint = JSON.stringify([userId, parsed.minor.toString(), reason.trim()]);
    if (pending.current?.fingerprint !== fingerprint) pending.current = { fingerprint, key: newIdempotencyKey() };
    setBusy(true);
    try {
      const answer = await ingestionApi.settle(apiKey, userId, parsed.minor, reason.trim(), pending.current.key);
      pending.current = null;
      onDone(answer);
    } catch (e) {
      // A definite answer ends this settlement; only an unknown outcome keeps the key for a retry.
      if (!(e instanceof ApiError) || e.status !== 0) pending.current = null;
      onApiError(e);
      setConfirming(false);
      setProblem(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (confirming && parsed.ok) {
    return (
      <div className="ing-settle" role="alertdialog" aria-labelledby="settle-heading" aria-describedby="settle-text">
        <h3 id="settle-heading">Confirm settlement</h3>
        <p id="settle-text">
          Pay out <strong>{formatMinor(parsed.minor, SCR_SCALE)} SCR</strong> ({groupDigits(parsed.minor)} cents) of{' '}
          <strong>{userId}</strong>'s requested payouts: payouts_pending → treasury.
        </p>
        <dl className="summary">
          <dt>Reason</dt>
          <dd>{reason.trim()}</dd>
          <dt>Still requested after</dt>
          <dd>{formatMinor(requested - parsed.minor, SCR_SCALE)} SCR</dd>
        </dl>
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => void send()}>
            {busy ? 'Settling…' : `Confirm: settle ${formatMinor(parsed.minor, SCR_SCALE)} SCR`}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(false)}>
            Back
          </button>
        </div>
      </div>
    );
  }

  return (
    <form className="ing-settle" onSubmit={review} aria-label={`Settle ${userId}`} noValidate>
      <div className="fields">
        <div>
          <label htmlFor="settle-amount">Amount (SCR)</label>
          <input
            id="settle-amount"
            inputMode="decimal"
            autoComplete="off"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            aria-describedby="settle-amount-preview"
          />
          <small id="settle-amount-preview" aria-live="polite" className={parsed.ok ? undefined : 'invalid'}>
            {parsed.ok ? `= ${groupDigits(parsed.minor)} cents of ${groupDigits(requested)} requested` : parsed.reason}
          </small>
        </div>
        <div className="wide">
          <label htmlFor="settle-reason">Reason (required)</label>
          <input
            id="settle-reason"
            maxLength={255}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="e.g. weekly payout run, bank batch 2026-14"
          />
        </div>
      </div>
      <div className="actions">
        <button type="submit">Review…</button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
    </form>
  );
}
