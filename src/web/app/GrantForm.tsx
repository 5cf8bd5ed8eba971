import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, newIdempotencyKey, type Asset, type Grant, type GrantRequest } from './api.ts';
import { formatMinor, groupDigits, parseMajor, type ParsedAmount } from './money.ts';

/** SPEC §5: wagering_multiplier is an integer 1..100. */
const MULTIPLIER_MIN = 1;
const MULTIPLIER_MAX = 100;
const MULTIPLIER_DEFAULT = '10';
const EXPIRES_DEFAULT_DAYS = 7;
const DAY_MS = 86_400_000;

/** `YYYY-MM-DDTHH:mm` in local time, what a datetime-local input holds. */
function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** An optional amount: empty is "no limit"; 0 is allowed where the API allows it (max_conversion). */
function parseOptional(text: string, scale: number, zero_allowed: boolean): ParsedAmount | null {
  if (text.trim() === '') return null;
  if (zero_allowed && /^\s*0*(\.0*)?\s*$/.test(text) && /\d/.test(text)) return { ok: true, minor: 0n };
  return parseMajor(text, scale);
}

/** The fields' problems, each naming its field; empty when the grant can be sent. */
function problemsOf(fields: {
  amount: ParsedAmount | null;
  multiplier: string;
  expires: string;
  max_bet: ParsedAmount | null;
  max_conversion: ParsedAmount | null;
  reason: string;
}): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!fields.amount) problems.amount = 'Enter the bonus amount.';
  else if (!fields.amount.ok) problems.amount = fields.amount.reason;
  const multiplier = Number(fields.multiplier);
  if (!/^\d+$/.test(fields.multiplier.trim()) || multiplier < MULTIPLIER_MIN || multiplier > MULTIPLIER_MAX)
    problems.multiplier = `A whole number from ${MULTIPLIER_MIN} to ${MULTIPLIER_MAX}.`;
  const expires = new Date(fields.expires);
  if (fields.expires === '' || Number.isNaN(expires.getTime())) problems.expires = 'Pick the date and time it expires.';
  else if (expires.getTime() <= Date.now()) problems.expires = 'The expiry must be in the future.';
  if (fields.max_bet && !fields.max_bet.ok) problems.max_bet = fields.max_bet.reason;
  if (fields.max_conversion && !fields.max_conversion.ok) problems.max_conversion = fields.max_conversion.reason;
  if (!fields.reason.trim()) problems.reason = 'A reason is required: it is recorded with your name on the grant.';
  return problems;
}

interface Props {
  apiKey: string;
  playerId: string;
  assets: Asset[];
  onGranted(grant: Grant): Promise<void> | void;
  onApiError(error: unknown): void;
}

/**
 * Grants a bonus (SPEC §5). Amounts are typed in the asset's major unit and read exactly, with a preview in
 * minor units; the wagering requirement is shown as it will be computed (amount × multiplier). One
 * Idempotency-Key per submission: a double click, or a retry after a network failure, sends the same key, so
 * the bonus is granted once; a definite answer ends the key.
 */
export function GrantForm({ apiKey, playerId, assets, onGranted, onApiError }: Props) {
  const [asset, setAsset] = useState('');
  const [amount, setAmount] = useState('');
  const [multiplier, setMultiplier] = useState(MULTIPLIER_DEFAULT);
  const [expires, setExpires] = useState(() => localInput(new Date(Date.now() + EXPIRES_DEFAULT_DAYS * DAY_MS)));
  const [max_bet, setMaxBet] = useState('');
  const [max_conversion, setMaxConversion] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const pending = useRef<{ fingerprint: string; key: string } | null>(null);
  const sending = useRef(false);

  useEffect(() => {
    if (!asset && assets.length > 0) setAsset(assets.find((a) => a.code === 'USD')?.code ?? assets[0].code);
  }, [assets, asset]);

  const scale = assets.find((a) => a.code === asset)?.scale ?? 0;
  const parsed = amount.trim() === '' ? null : parseMajor(amount, scale);
  const parsed_bet = parseOptional(max_bet, scale, false);
  const parsed_conversion = parseOptional(max_conversion, scale, true);
  const problems = problemsOf({
    amount: parsed,
    multiplier,
    expires,
    max_bet: parsed_bet,
    max_conversion: parsed_conversion,
    reason,
  });
  const show = (field: string) => (shown ? problems[field] : undefined);
  const required =
    parsed?.ok && !problems.multiplier ? parsed.minor * BigInt(Number(multiplier)) : (null as bigint | null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setShown(true);
    setResult(null);
    if (sending.current) return;
    if (Object.keys(problems).length > 0 || !parsed?.ok) {
      setResult({ ok: false, text: 'Check the fields marked below.' });
      return;
    }
    const body: GrantRequest = {
      asset,
      amount: Number(parsed.minor),
      wagering_multiplier: Number(multiplier),
      expires_at: new Date(expires).toISOString(),
      ...(parsed_bet?.ok ? { max_bet: Number(parsed_bet.minor) } : {}),
      ...(parsed_conversion?.ok ? { max_conversion: Number(parsed_conversion.minor) } : {}),
      reason: reason.trim(),
    };
    const fingerprint = JSON.stringify([playerId, body]);
    if (pending.current?.fingerprint !== fingerprint) pending.current = { fingerprint, key: newIdempotencyKey() };
    sending.current = true;
    setBusy(true);
    try {
      const granted = await api.grant(apiKey, playerId, body, pending.current.key);
      pending.current = null;
      const s = assets.find((a) => a.code === granted.asset)?.scale ?? 0;
      setResult({
        ok: true,
        text:
          granted.status === 'active'
            ? `Granted ${formatMinor(granted.amount, s)} ${granted.asset}: active now, wagering requirement ${formatMinor(granted.required, s)} ${granted.asset}.`
            : `Granted ${formatMinor(granted.amount, s)} ${granted.asset}: pending — it activates when the player's current ${granted.asset} bonus ends.`,
      });
      setAmount('');
      setMaxBet('');
      setMaxConversion('');
      setReason('');
      setShown(false);
      await onGranted(granted);
    } catch (e) {
      // A definite answer (4xx) ends this request; only an unknown outcome keeps the key for a retry.
      if (!(e instanceof ApiError) || e.status !== 0) pending.current = null;
      onApiError(e);
      setResult({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  const preview = (value: ParsedAmount | null, empty: string) =>
    value === null ? empty : value.ok ? `= ${groupDigits(value.minor)} minor units` : value.reason;

  return (
    <form className="card grant" onSubmit={submit} aria-labelledby="grant-heading" noValidate>
      <h2 id="grant-heading">Grant a bonus</h2>
      <div className="fields">
        <div>
          <label htmlFor="grant-asset">Asset</label>
          <select id="grant-asset" value={asset} onChange={(e) => setAsset(e.target.value)}>
            {assets.map((a) => (
              <option key={a.code} value={a.code}>
                {a.code}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="grant-amount">Bonus amount ({asset || 'major units'})</label>
          <input
            id="grant-amount"
            inputMode="decimal"
            autoComplete="off"
            value={amount}
            placeholder={scale > 0 ? `0.${'0'.repeat(scale)}` : '0'}
            onChange={(e) => setAmount(e.target.value)}
            aria-describedby="grant-amount-preview"
            aria-invalid={show('amount') ? true : undefined}
          />
          <small
            id="grant-amount-preview"
            aria-live="polite"
            className={(parsed && !parsed.ok) || show('amount') ? 'invalid' : undefined}
          >
            {show('amount') && !parsed
              ? show('amount')
              : preview(
                  parsed,
                  `In ${asset || 'the asset'}'s major unit${scale > 0 ? `, up to ${scale} decimals` : ''}.`,
                )}
          </small>
        </div>
        <div>
          <label htmlFor="grant-multiplier">Wagering multiplier</label>
          <input
            id="grant-multiplier"
            inputMode="numeric"
            autoComplete="off"
            value={multiplier}
            onChange={(e) => setMultiplier(e.target.value)}
            aria-describedby="grant-required"
            aria-invalid={problems.multiplier ? true : undefined}
          />
          <small id="grant-required" aria-live="polite" className={problems.multiplier ? 'invalid' : undefined}>
            {problems.multiplier ??
              (required !== null
                ? `Requirement: ${formatMinor(required, scale)} ${asset} wagered`
                : `Requirement = amount × multiplier (${MULTIPLIER_MIN}–${MULTIPLIER_MAX}).`)}
          </small>
        </div>
        <div>
          <label htmlFor="grant-expires">Expires (your local time)</label>
          <input
            id="grant-expires"
            type="datetime-local"
            value={expires}
            onChange={(e) => setExpires(e.target.value)}
            aria-describedby="grant-expires-note"
            aria-invalid={show('expires') ? true : undefined}
          />
          <small id="grant-expires-note" className={show('expires') ? 'invalid' : undefined}>
            {show('expires') ?? 'Unused bonus money returns to the bonus pool then.'}
          </small>
        </div>
        <div>
          <label htmlFor="grant-max-bet">Max bet (optional)</label>
          <input
            id="grant-max-bet"
            inputMode="decimal"
            autoComplete="off"
            value={max_bet}
            placeholder="no limit"
            onChange={(e) => setMaxBet(e.target.value)}
            aria-describedby="grant-max-bet-preview"
          />
          <small id="grant-max-bet-preview" className={parsed_bet && !parsed_bet.ok ? 'invalid' : undefined}>
            {preview(parsed_bet, 'Largest stake while the bonus is active.')}
          </small>
        </div>
        <div>
          <label htmlFor="grant-max-conversion">Max conversion (optional)</label>
          <input
            id="grant-max-conversion"
            inputMode="decimal"
            autoComplete="off"
            value={max_conversion}
            placeholder="no cap"
            onChange={(e) => setMaxConversion(e.target.value)}
            aria-describedby="grant-max-conversion-preview"
          />
          <small
            id="grant-max-conversion-preview"
            className={parsed_conversion && !parsed_conversion.ok ? 'invalid' : undefined}
          >
            {preview(parsed_conversion, 'Most bonus money that becomes cash.')}
          </small>
        </div>
        <div className="wide">
          <label htmlFor="grant-reason">Reason (required)</label>
          <input
            id="grant-reason"
            maxLength={255}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="e.g. welcome offer, ticket #4411"
            aria-describedby="grant-reason-note"
            aria-invalid={show('reason') ? true : undefined}
          />
          <small id="grant-reason-note" className={show('reason') ? 'invalid' : undefined}>
            {show('reason') ?? 'Recorded with your operator name on the grant and in the audit log.'}
          </small>
        </div>
      </div>
      <div className="actions">
        <button type="submit" disabled={busy || !asset}>
          {busy ? 'Granting…' : 'Grant bonus'}
        </button>
      </div>
      {result && (
        <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'success' : 'error'}>
          {result.text}
        </p>
      )}
    </form>
  );
}
