import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, storedApiKey, type Asset } from './api.ts';
import { KeyForm } from './KeyForm.tsx';
import { LANDING_PATH, pageOf, PAGES } from './pages.tsx';
import { href, useRoute } from './router.ts';

/** The back office: API key once per browser session, then the shell (navigation + the routed page). */
export function App() {
  const [apiKey, setApiKey] = useState<string | null>(() => storedApiKey.get());
  const [assets, setAssets] = useState<Asset[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const route = useRoute();

  const forgetKey = useCallback((reason?: string) => {
    storedApiKey.clear();
    setApiKey(null);
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

  const page = pageOf(route);
  const current = route.segments[0] ?? LANDING_PATH;

  return (
    <div className="shell">
      <header className="top">
        <a className="brand" href={href(LANDING_PATH)}>
          <span aria-hidden="true" className="logo">
            ◆
          </span>{' '}
          Croupier
        </a>
        {apiKey && (
          <nav aria-label="Main">
            <ul>
              {PAGES.map((p) => (
                <li key={p.path}>
                  <a href={href(p.path)} aria-current={p.path === current ? 'page' : undefined}>
                    {p.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {apiKey && (
          <button type="button" className="secondary small" onClick={() => forgetKey()}>
            Sign out
          </button>
        )}
      </header>
      <main>
        {!apiKey ? (
          <KeyForm onSave={saveKey} notice={notice} />
        ) : page ? (
          page.render({ apiKey, assets, rest: route.segments.slice(1), query: route.query, onApiError })
        ) : (
          <section className="card narrow">
            <h1>Page not found</h1>
            <p>
              There is no page at <code>{window.location.hash}</code>.{' '}
              <a href={href(LANDING_PATH)}>Go to the dashboard</a>.
            </p>
          </section>
        )}
      </main>
    </div>
  );
}
