import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, type PlayerSummary } from './api.ts';

interface Props {
  apiKey: string;
  selected: string | null;
  onSelect(player: string): void;
  onApiError(error: unknown): void;
}

/** Known players (paged), or any player id typed in. */
export function Players({ apiKey, selected, onSelect, onApiError }: Props) {
  const [players, setPlayers] = useState<PlayerSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);

  const load = async (after?: string) => {
    try {
      const page = await api.players(apiKey, after);
      setPlayers((current) => (after ? [...current, ...page.players] : page.players));
      setCursor(page.next_cursor);
      setError(null);
    } catch (e) {
      onApiError(e);
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  useEffect(() => {
    void load();
    // Reload the list when a player is picked, so a wallet opened by a first top-up appears.
  }, [apiKey, selected]); // eslint-disable-line react-hooks/exhaustive-deps

  const open = (event: FormEvent) => {
    event.preventDefault();
    if (typed.trim()) onSelect(typed.trim());
  };

  return (
    <section className="card" aria-labelledby="players-heading">
      <h2 id="players-heading">Players</h2>
      <form className="inline" onSubmit={open}>
        <label htmlFor="player-id">Player ID</label>
        <input id="player-id" value={typed} onChange={(e) => setTyped(e.target.value)} maxLength={100} />
        <button type="submit">Open</button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <ul className="players" aria-label="Known players">
        {players.map((p) => (
          <li key={p.playerId}>
            <button type="button" className="player" aria-pressed={p.playerId === selected} onClick={() => onSelect(p.playerId)}>
              {p.playerId}
            </button>
          </li>
        ))}
      </ul>
      {cursor && (
        <button type="button" className="secondary" onClick={() => void load(cursor)}>
          More players
        </button>
      )}
    </section>
  );
}
