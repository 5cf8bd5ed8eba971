import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, storedApiKey, type Asset } from './api.ts';
import { KeyForm } from './KeyForm.tsx';
import { Players } from './Players.tsx';
import { WalletPanel } from './WalletPanel.tsx';

/** The back office: API key once per browser session, then players → one player's wallet. */
export function App() {
  const [apiKey, setApiKey] = useState<string | null>(() => storedApiKey.get());
  const [assets, setAssets] = useState<Asset[]>([]);
  const [player, setPlayer] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const forgetKey = useCallback((reason?: string) => {
    storedApiKey.clear();
    setApiKey(null);
    setPlayer(null);
    setNotice(reason ?? null);
  }, []);

  /** Any 401 means the key is wrong or was rotated: ask again rather than fail every call. */
  const onApiError = useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) forgetKey('The API key was rejected. Enter it again.');
    },
    [forgetKey],
  );

  useEffect(() => {
    if (!apiKey) return;
    api.assets(apiKey).then((r) => setAssets(r.assets), onApiError);
  }, [apiKey, onApiError]);

  const saveKey = (key: string) => {
    storedApiKey.set(key);
    setNotice(null);
    setApiKey(key);
  };

  return (
    <>
      <header className="top">
        <h1>Croupier back office</h1>
        {apiKey && (
          <button type="button" className="secondary" onClick={() => forgetKey()}>
            Forget API key
          </button>
        )}
      </header>
      <main>
        {!apiKey ? (
          <KeyForm onSave={saveKey} notice={notice} />
        ) : (
          <div className="layout">
            <Players apiKey={apiKey} selected={player} onSelect={setPlayer} onApiError={onApiError} />
            {player ? (
              <WalletPanel key={player} apiKey={apiKey} playerId={player} assets={assets} onApiError={onApiError} />
            ) : (
              <p className="hint">Pick a player, or enter a player ID, to see balances and history.</p>
            )}
          </div>
        )}
      </main>
    </>
  );
}
