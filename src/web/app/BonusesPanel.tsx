import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, newIdempotencyKey, type Asset, type BonusProgress, type Grant } from './api.ts';
import { GrantForm } from './GrantForm.tsx';
import { useLiveBonuses, type LiveState } from './live.ts';
import { formatMinor } from './money.ts';
import './bonus.css';

interface Props {
  apiKey: string;
  playerId: string;
  assets: Asset[];
  /** After a grant or a forfeit: the page reloads its balances. */
  onChanged(): Promise<void> | void;
  onApiError(error: unknown): void;
}

const STATUS_TEXT: Record<Grant['status'], string> = {
  pending: 'Pending',
  active: 'Active',
  converted: 'Converted',
  expired: 'Expired',
  forfeited: 'Forfeited',
};

/** The player's balances in the page head follow live updates at most this often. */
const BALANCES_REFRESH_MS = 1_000;

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A grant with the moment its last live update arrived (the card flashes then). */
type Shown = Grant & { updated_at?: number };

/**
 * A player's bonuses (SPEC §5, §8): the grant form, then every grant newest first with its wagering progress,
 * which moves while bets arrive — the live socket's messages update the cards in place, no reload — and a
 * forfeit button with a confirmation and a reason.
 */
export function BonusesPanel({ apiKey, playerId, assets, onChanged, onApiError }: Props) {
  const [grants, setGrants] = useState<Shown[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // What the page shows now, for the socket's handler (which must not wait for a render to know it).
  const shown = useRef<Shown[] | null>(null);
  shown.current = grants;
  const scaleOf = (code: string) => assets.find((a) => a.code === code)?.scale ?? 0;
  // The page head's balances follow live updates too, throttled (one read a second at most, the last one kept).
  const head_refresh = useRef<number | undefined>(undefined);
  const changed = useRef(onChanged);
  changed.current = onChanged;
  const refreshBalances = useCallback(() => {
    if (head_refresh.current !== undefined) return;
    head_refresh.current = window.setTimeout(() => {
      head_refresh.current = undefined;
      void changed.current();
    }, BALANCES_REFRESH_MS);
  }, []);
  useEffect(() => () => window.clearTimeout(head_refresh.current), []);

  const load = useCallback(async () => {
    try {
      const { data } = await api.bonuses(apiKey, playerId);
      setGrants(data);
      setError(null);
    } catch (e) {
      onApiError(e);
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }, [apiKey, playerId, onApiError]);

  useEffect(() => {
    setGrants(null);
    void load();
  }, [load]);

  const onProgress = useCallback(
    (m: BonusProgress) => {
      refreshBalances();
      // A grant this page has not seen (made elsewhere, or the list is still loading): read the list again.
      if (!shown.current?.some((g) => g.bonusId === m.bonusId)) return void load();
      setGrants(
        (current) =>
          current?.map((g) =>
            g.bonusId === m.bonusId
              ? {
                  ...g,
                  status: m.status,
                  bonus_balance: m.bonus_balance,
                  wagered: m.wagered,
                  required: m.required,
                  percent: m.percent,
                  updated_at: Date.now(),
                }
              : g,
          ) ?? current,
      );
    },
    [load, refreshBalances],
  );
  const live = useLiveBonuses(apiKey, playerId, onProgress, load);

  const afterChange = async () => {
    await load();
    await onChanged();
  };

  return (
    <div className="bonuses">
      <section aria-labelledby="grants-heading">
        <div className="grants-head">
          <h2 id="grants-heading">Grants</h2>
          <LiveBadge live={live} />
        </div>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {grants === null && !error && <p className="muted">Loading…</p>}
        {grants?.length === 0 && <p className="card muted">No bonuses granted to {playerId} yet.</p>}
        <ol className="grants" aria-label="Bonus grants">
          {grants?.map((g) => (
            <GrantCard
              key={g.bonusId}
              grant={g}
              scale={scaleOf(g.asset)}
              apiKey={apiKey}
              playerId={playerId}
              onForfeited={afterChange}
              onApiError={onApiError}
            />
          ))}
        </ol>
      </section>
      <GrantForm apiKey={apiKey} playerId={playerId} assets={assets} onGranted={afterChange} onApiError={onApiError} />
    </div>
  );
}

function LiveBadge({ live }: { live: LiveState }) {
  return (
    <p className={`live-badge live-${live.state}`} role="status" aria-label="Live progress">
      <span aria-hidden="true" className="live-dot" />
      {live.state === 'live'
        ? 'Live: progress moves as bets arrive'
        : live.state === 'connecting'
          ? 'Connecting to live progress…'
          : `${live.message} Retrying in ${live.retry_s} s.`}
    </p>
  );
}

function GrantCard({
  grant: g,
  scale,
  apiKey,
  playerId,
  onForfeited,
  onApiError,
}: {
  grant: Shown;
  scale: number;
  apiKey: string;
  playerId: string;
  onForfeited(): Promise<void>;
  onApiError(error: unknown): void;
}) {
  const [forfeiting, setForfeiting] = useState(false);
  const money = (minor: number) => `${formatMinor(minor, scale)} ${g.asset}`;
  const heading = `grant-${g.bonusId}`;
  const open = g.status === 'active' || g.status === 'pending';
  const percent = Math.min(100, g.percent);
  return (
    <li className={`card grant-card status-${g.status}`} aria-labelledby={heading}>
      <div className="grant-top">
        <h3 id={heading}>{money(g.amount)} bonus</h3>
        <span className={`status status-${g.status}`}>{STATUS_TEXT[g.status]}</span>
      </div>
      {/* A new key on every live update restarts its flash. */}
      <div className="wagering" key={g.updated_at ?? 0} data-flash={g.updated_at ? 'yes' : undefined}>
        <progress
          max={g.required}
          value={Math.min(g.wagered, g.required)}
          aria-label={`Wagering progress of the ${money(g.amount)} bonus`}
          aria-valuetext={`${percent} %`}
        />
        <p className="wagering-text">
          Wagered <strong className="num">{money(g.wagered)}</strong> of{' '}
          <span className="num">{money(g.required)}</span> <span className="percent">({percent} %)</span>
        </p>
      </div>
      <dl className="grant-facts">
        <div>
          <dt>Bonus balance</dt>
          <dd className="num">{g.status === 'pending' ? 'not yet moved' : money(g.bonus_balance)}</dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd>
            <time dateTime={g.expires_at}>{when(g.expires_at)}</time>
          </dd>
        </div>
        <div>
          <dt>Max bet</dt>
          <dd className="num">{g.max_bet === null ? 'no limit' : money(g.max_bet)}</dd>
        </div>
        <div>
          <dt>Max conversion</dt>
          <dd className="num">{g.max_conversion === null ? 'no cap' : money(g.max_conversion)}</dd>
        </div>
        <div>
          <dt>Granted</dt>
          <dd>
            <time dateTime={g.created_at}>{when(g.created_at)}</time>
          </dd>
        </div>
      </dl>
      {open &&
        (forfeiting ? (
          <ForfeitConfirm
            grant={g}
            money={money}
            apiKey={apiKey}
            playerId={playerId}
            onCancel={() => setForfeiting(false)}
            onDone={onForfeited}
            onApiError={onApiError}
          />
        ) : (
          <button type="button" className="secondary danger" onClick={() => setForfeiting(true)}>
            Forfeit…
          </button>
        ))}
    </li>
  );
}

function ForfeitConfirm({
  grant: g,
  money,
  apiKey,
  playerId,
  onCancel,
  onDone,
  onApiError,
}: {
  grant: Grant;
  money(minor: number): string;
  apiKey: string;
  playerId: string;
  onCancel(): void;
  onDone(): Promise<void>;
  onApiError(error: unknown): void;
}) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const pending = useRef<{ reason: string; key: string } | null>(null);
  const id = `forfeit-${g.bonusId}`;

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const why = reason.trim();
    if (!why) return setProblem('A reason is required: it is recorded with your name on the forfeit.');
    if (pending.current?.reason !== why) pending.current = { reason: why, key: newIdempotencyKey() };
    setBusy(true);
    setProblem(null);
    try {
      await api.forfeit(apiKey, playerId, g.bonusId, { reason: why }, pending.current.key);
      pending.current = null;
      // The list reloads: the card shows the forfeited grant and this confirmation goes away with its button.
      await onDone();
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 0) pending.current = null;
      onApiError(e);
      setProblem(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="forfeit-confirm"
      role="alertdialog"
      aria-labelledby={`${id}-heading`}
      aria-describedby={`${id}-text`}
      onSubmit={confirm}
      noValidate
    >
      <h4 id={`${id}-heading`}>Forfeit the {money(g.amount)} bonus?</h4>
      <p id={`${id}-text`}>
        {g.status === 'active'
          ? `Its balance of ${money(g.bonus_balance)} returns to the bonus pool and the wagering so far is lost.`
          : 'It has not moved money yet; it will never activate.'}{' '}
        This cannot be undone.
      </p>
      <label htmlFor={`${id}-reason`}>Reason (required)</label>
      <input
        id={`${id}-reason`}
        maxLength={255}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        placeholder="e.g. terms breach, player request"
        autoFocus
      />
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="danger" disabled={busy}>
          {busy ? 'Forfeiting…' : 'Confirm forfeit'}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={onCancel}>
          Keep the bonus
        </button>
      </div>
    </form>
  );
}
