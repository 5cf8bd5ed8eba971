import { useEffect, useState } from 'react';

/**
 * Hash routes (#/players/user_001/rounds?round=r-1): they survive a reload and need nothing from the
 * server, which answers only `/`. A route is its path segments (decoded) and its query.
 */
export interface Route {
  segments: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const [path, search = ''] = text.split('?', 2);
  const segments = path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { segments, query: new URLSearchParams(search) };
}

/** `href('players', 'user 1', 'rounds')` → "#/players/user%201/rounds", with an optional query. */
export function href(...parts: (string | Record<string, string | undefined>)[]): string {
  const segments = parts.filter((p): p is string => typeof p === 'string').map(encodeURIComponent);
  const query = parts.find((p): p is Record<string, string | undefined> => typeof p === 'object');
  const search = query
    ? new URLSearchParams(
        Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
      ).toString()
    : '';
  return `#/${segments.join('/')}${search ? `?${search}` : ''}`;
}

export function navigate(to: string): void {
  if (window.location.hash !== to) window.location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
