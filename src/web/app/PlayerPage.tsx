import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from './api.ts';
import { BonusesPanel } from './BonusesPanel.tsx';
import { HistoryPanel } from './HistoryPanel.tsx';
import { formatMinor } from './money.ts';
import { MoveForm } from './MoveForm.tsx';
import type { PageProps } from './pages.tsx';
import { RoundsPanel } from './RoundsPanel.tsx';
import { href } from './router.ts';
import { canWrite, ReadOnlyNotice } from './SignedIn.tsx';

const TABS = [
  { id: 'wallet', label: 'Wallet' },
  { id: 'rounds', label: 'Rounds' },
  { id: 'money', label: 'Move money' },
  { id: 'bonuses', label: 'Bonuses' },
] as const;

type Wallet =
  | { state: 'loading' }
  | { state: 'missing' }
  | { state: 'failed'; message: string }
  | { state: 'found'; balances: Record<string, number>; bonus_balances: Record<string, number> };

/**
 * One player: balances on top, then tabs (wallet history, rounds, the money form) that are routes
 * (#/players/user_001/rounds), so a reload or a link from a history row lands on the same tab.
 * A player without a wallet gets no money form, only an explicit "open a wallet" (a first top-up).
 */
export function PlayerPage(props: PageProps & { playerId: string; tab?: string }) {
  const { apiKey, me, assets, playerId, query, onApiError } = props;
  const tab = TABS.find((t) => t.id === props.tab)?.id ?? 'wallet';
  const [wallet, setWallet] = useState<Wallet>({ state: 'loading' });
  const [opening, setOpening] = useState(false);
  const [version, setVersion] = useState(0);
  const scaleOf = (code: string) => assets.find((a) => a.code === code)?.scale ?? 0;

  const refresh = useCallback(async () => {
    try {
      const found = await api.wallet(apiKey, playerId);
      setWallet({ state: 'found', balances: found.balances, bonus_balances: found.bonus_balances ?? {} });
    } catch (e) {
      onApiError(e);
      if (e instanceof ApiError && e.status === 404) setWallet({ state: 'missing' });
      else setWallet({ state: 'failed', message: e instanceof ApiError ? e.message : String(e) });
    }
    setVersion((v) => v + 1);
  }, [apiKey, playerId, onApiError]);

  useEffect(() => {
    setWallet({ state: 'loading' });
    setOpening(false);
    void refresh();
  }, [refresh]);

  return (
    <section aria-labelledby="player-heading">
      <nav aria-label="Breadcrumb" className="crumbs">
        <a href={href('players')}>Players</a> <span aria-hidden="true">/</span>
      </nav>
      <div className="page-head">
        <h1 id="player-heading">{playerId}</h1>
        {wallet.state === 'found' && canWrite(me) && (
          <a className="head-action" href={href('play', { player: playerId })}>
            Play rounds for {playerId} →
          </a>
        )}
      </div>
      {wallet.state === 'loading' && <p className="muted">Loading…</p>}
      {wallet.state === 'failed' && (
        <p role="alert" className="error">
          {wallet.message}
        </p>
      )}
      {wallet.state === 'missing' && (
        <div className="card narrow-card">
          <h2>No wallet yet</h2>
          <p>
            Player <strong>{playerId}</strong> has no wallet. A wallet opens with its first top-up; nothing else can be
            done for a player that does not exist.
          </p>
          {!canWrite(me) ? (
            <ReadOnlyNotice me={me} what="Opening a wallet (its first top-up)" />
          ) : !opening ? (
            <button type="button" onClick={() => setOpening(true)}>
              Open a wallet
            </button>
          ) : (
            <MoveForm
              apiKey={apiKey}
              playerId={playerId}
              assets={assets}
              kinds={['topup']}
              title="Open a wallet: first top-up"
              onDone={refresh}
              onApiError={onApiError}
            />
          )}
        </div>
      )}
      {wallet.state === 'found' && (
        <>
          <ul className="balances" aria-label={`Balances of ${playerId}`}>
            {Object.keys(wallet.balances).length === 0 && <li className="muted">No balances.</li>}
            {Object.entries(wallet.balances).map(([asset, amount]) => (
              <li key={asset} className="balance" aria-label={asset}>
                <span className="balance-asset">{asset}</span>
                <span className="balance-amount num">{formatMinor(amount, scaleOf(asset))}</span>
                {(wallet.bonus_balances[asset] ?? 0) > 0 && (
                  <span className="balance-bonus num">
                    + {formatMinor(wallet.bonus_balances[asset], scaleOf(asset))} bonus
                  </span>
                )}
              </li>
            ))}
          </ul>
          <div className="tabs" role="tablist" aria-label="Player sections">
            {TABS.map((t) => (
              <a key={t.id} role="tab" aria-selected={t.id === tab} href={href('players', playerId, t.id)}>
                {t.label}
              </a>
            ))}
          </div>
          <div role="tabpanel" aria-label={TABS.find((t) => t.id === tab)!.label}>
            {tab === 'wallet' && (
              <HistoryPanel key={version} apiKey={apiKey} playerId={playerId} assets={assets} onApiError={onApiError} />
            )}
            {tab === 'rounds' && (
              <RoundsPanel
                apiKey={apiKey}
                playerId={playerId}
                assets={assets}
                round={query.get('round') ?? undefined}
                onApiError={onApiError}
              />
            )}
            {tab === 'money' && !canWrite(me) && <ReadOnlyNotice me={me} what="Moving money" />}
            {tab === 'money' && canWrite(me) && (
              <MoveForm
                apiKey={apiKey}
                playerId={playerId}
                assets={assets}
                balances={wallet.balances}
                onDone={refresh}
                onApiError={onApiError}
              />
            )}
            {tab === 'bonuses' && (
              <BonusesPanel
                apiKey={apiKey}
                playerId={playerId}
                assets={assets}
                onChanged={refresh}
                onApiError={onApiError}
              />
            )}
          </div>
        </>
      )}
    </section>
  );
}
