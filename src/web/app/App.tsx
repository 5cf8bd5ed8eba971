import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, storedApiKey, type Asset, type Me } from './api.ts';
import { KeyForm } from './KeyForm.tsx';
import { LANDING_PATH, pageOf, PAGES } from './pages.tsx';
import { href, useRoute } from './router.ts';
import { SignedIn } from './SignedIn.tsx';

type Session = { state: 'none' } | { state: 'checking'; key: string } | { state: 'in'; key: string; me: Me };

/**
 * The back office: an operator API key once per browser session, then the shell (who is signed in,
 * the navigation, the routed page). The key is checked against GET /v1/operators/me, which also says
 * who it is and what its role may do.
 */
export function App() {
  const [session, setSession] = useState<Session>(() => {
    const key = storedApiKey.get();
    return key ? { state: 'checking', key } : { state: 'none' };
  });
  const [assets, setAssets] = useState<Asset[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const route = useRoute();

  const forgetKey = useCallback((reason?: string) => {
    storedApiKey.clear();
    setSession({ state: 'none' });
    setNotice(reason ?? null);
  }, []);

  /** Any 401 means the key is wrong, revoked or rotated: ask again rather than fail every call. */
  const onApiError = useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.status === 401)
        forgetKey('The API key was rejected (wrong, revoked or rotated). Enter a key again.');
    },
    [forgetKey],
  );

  // A key kept from earlier in this tab is checked again on load: it may have been revoked since.
  useEffect(() => {
    if (session.state !== 'checking') return;
    let live = true;
    api.me(session.key).then(
      (me) => live && setSession({ state: 'in', key: session.key, me }),
      (e: unknown) => {
        if (!live) return;
        if (e instanceof ApiError && e.status === 401) return onApiError(e);
        setNotice(e instanceof ApiError ? e.message : String(e));
        setSession({ state: 'none' });
      },
    );
    return () => {
      live = false;
    };
  }, [session, onApiError]);

  const apiKey = session.state === 'in' ? session.key : null;
  useEffect(() => {
    if (!apiKey) return;
    api.assets(apiKey).then((r) => setAssets(r.assets), onApiError);
  }, [apiKey, onApiError]);

  const signIn = (key: string, me: Me) => {
    storedApiKey.set(key);
    setNotice(null);
    setSession({ state: 'in', key, me });
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
        {session.state === 'in' && (
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
        {session.state === 'in' && <SignedIn me={session.me} onSignOut={() => forgetKey()} />}
      </header>
      <main>
        {session.state === 'none' ? (
          <KeyForm onSignIn={signIn} notice={notice} />
        ) : session.state === 'checking' ? (
          <p className="muted" role="status">
            Checking your API key…
          </p>
        ) : page ? (
          page.render({
            apiKey: session.key,
            me: session.me,
            assets,
            rest: route.segments.slice(1),
            query: route.query,
            onApiError,
          })
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
