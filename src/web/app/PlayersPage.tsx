import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, type PlayerSummary } from './api.ts';
import { formatMinor } from './money.ts';
import type { PageProps } from './pages.tsx';
import { href, navigate } from './router.ts';

const PAGE_SIZE = 25;
const SEARCH_DELAY_MS = 250;

/**
 * Players: search by id prefix, a paged table (natural id order, from the API) with cash balances per
 * asset. The search lives in the hash (#/players?q=user_1), so a reload or a shared link keeps it.
 */
export function PlayersPage({ apiKey, assets, query, onApiError }: PageProps) {
  const prefix = query.get('q') ?? '';
  const [typed, setTyped] = useState(prefix);
  const [players, setPlayers] = useState<PlayerSummary[] | null>(null);
  // Cursors of the pages seen so far: [undefined (first page), cursor of page 2, …].
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const scaleOf = (code: string) => assets.find((a) => a.code === code)?.scale ?? 0;
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    const timer = setTimeout(() => {
      if (typed.trim() !== prefix) navigate(href('players', { q: typed.trim() }));
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [typed, prefix]);

  useEffect(() => setCursors([undefined]), [prefix]);

  useEffect(() => {
    let live = true;
    api.players(apiKey, { prefix: prefix || undefined, cursor, limit: PAGE_SIZE }).then(
      (page) => {
        if (!live) return;
        setPlayers(page.players);
        setNext(page.next_cursor);
        setError(null);
      },
      (e: unknown) => {
        if (!live) return;
        onApiError(e);
        setError(e instanceof ApiError ? e.message : String(e));
      },
    );
    return () => {
      live = false;
    };
  }, [apiKey, prefix, cursor, onApiError]);

  const open = (event: FormEvent) => {
    event.preventDefault();
    const id = typed.trim();
    if (!id) return;
    // An exact id that is listed, or any id at all: the player page offers to open a wallet for a new one.
    navigate(href('players', id));
  };

  return (
    <section aria-labelledby="players-heading">
      <div className="page-head">
        <h1 id="players-heading">Players</h1>
      </div>
      <form className="card search" onSubmit={open} role="search">
        <label htmlFor="player-search">Search by player ID</label>
        <div className="row">
          <input
            id="player-search"
            type="search"
            placeholder="user_0…"
            value={typed}
            maxLength={255}
            autoComplete="off"
            onChange={(e) => setTyped(e.target.value)}
          />
          <button type="submit" disabled={!typed.trim()}>
            Open
          </button>
        </div>
        <small>Lists players whose ID starts with what you type. Open goes to that exact ID, even a new one.</small>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="card flush">
        <table className="players-table" aria-label="Players">
          <thead>
            <tr>
              <th scope="col">Player</th>
              <th scope="col">Cash balances</th>
            </tr>
          </thead>
          <tbody>
            {players === null && (
              <tr>
                <td colSpan={2} className="muted">
                  Loading…
                </td>
              </tr>
            )}
            {players?.length === 0 && (
              <tr>
                <td colSpan={2} className="muted">
                  {prefix ? `No player ID starts with “${prefix}”.` : 'No players yet: open one by its ID above.'}
                </td>
              </tr>
            )}
            {players?.map((p) => (
              <tr key={p.playerId}>
                <th scope="row">
                  <a href={href('players', p.playerId)}>{p.playerId}</a>
                </th>
                <td>
                  <ul className="chips" aria-label={`Balances of ${p.playerId}`}>
                    {Object.entries(p.balances).map(([asset, amount]) => (
                      <li key={asset}>
                        <span className="chip-asset">{asset}</span>{' '}
                        <span className="num">{formatMinor(amount, scaleOf(asset))}</span>
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="pager">
          <button
            type="button"
            className="secondary"
            disabled={cursors.length === 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            ← Previous
          </button>
          <span className="muted">Page {cursors.length}</span>
          <button
            type="button"
            className="secondary"
            disabled={!next}
            onClick={() => next && setCursors((c) => [...c, next])}
          >
            Next →
          </button>
        </div>
      </div>
    </section>
  );
}
