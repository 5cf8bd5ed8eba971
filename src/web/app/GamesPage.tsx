import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, type Contributions, type Game, type GameCategory } from './api.ts';
import type { PageProps } from './pages.tsx';
import './bonus.css';

/** SPEC §5's categories, in the order the page shows them. */
const CATEGORIES: { id: GameCategory; label: string; hint: string }[] = [
  { id: 'slots', label: 'Slots', hint: 'default 100 %' },
  { id: 'table', label: 'Table games', hint: 'default 10 %' },
  { id: 'live', label: 'Live casino', hint: 'default 0 %' },
  { id: 'other', label: 'Other', hint: 'default 0 %; also every game never registered' },
];
const GAMES_PAGE_SIZE = 50;
/** SPEC §0: strings ≤ 255 characters. */
const TEXT_MAX = 255;

/** "100" → 100; anything but a whole number 0..100 → the sentence saying so. */
function percentOf(text: string): { ok: true; value: number } | { ok: false; reason: string } {
  const trimmed = text.trim();
  if (!/^\d{1,3}$/.test(trimmed) || Number(trimmed) > 100)
    return { ok: false, reason: 'A whole number from 0 to 100.' };
  return { ok: true, value: Number(trimmed) };
}

/**
 * Games & bonuses (SPEC §5, §8): the wagering contribution of each game category, and the game catalog that
 * puts each game in a category. Both are edited in place; every change goes to the API at once and the page
 * shows what the API answered (its own message when it refuses).
 */
export function GamesPage({ apiKey, onApiError }: PageProps) {
  return (
    <section aria-labelledby="games-heading" className="games-page">
      <h1 id="games-heading">Games & bonuses</h1>
      <p className="muted lead">
        A bet adds <em>stake × contribution %</em> of its game&apos;s category to the player&apos;s bonus wagering. A
        game never registered counts as <strong>other</strong>.
      </p>
      <ContributionsCard apiKey={apiKey} onApiError={onApiError} />
      <Catalog apiKey={apiKey} onApiError={onApiError} />
    </section>
  );
}

function ContributionsCard({ apiKey, onApiError }: { apiKey: string; onApiError(error: unknown): void }) {
  const [saved, setSaved] = useState<Contributions | null>(null);
  const [draft, setDraft] = useState<Record<GameCategory, string> | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const show = (table: Contributions) => {
    setSaved(table);
    setDraft(Object.fromEntries(CATEGORIES.map((c) => [c.id, String(table[c.id])])) as Record<GameCategory, string>);
  };

  useEffect(() => {
    api.contributions(apiKey).then(show, (e: unknown) => {
      onApiError(e);
      setError(e instanceof ApiError ? e.message : String(e));
    });
  }, [apiKey, onApiError]);

  if (error)
    return (
      <p role="alert" className="error">
        Contributions could not be read: {error}
      </p>
    );
  if (!draft || !saved) return <p className="muted">Loading contributions…</p>;

  const checked = CATEGORIES.map((c) => ({ ...c, parsed: percentOf(draft[c.id]) }));
  const changed = checked.some((c) => !c.parsed.ok || c.parsed.value !== saved[c.id]);
  const invalid = checked.some((c) => !c.parsed.ok);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    if (invalid) return setResult({ ok: false, text: 'Fix the percentages marked below; nothing was saved.' });
    const table = Object.fromEntries(checked.map((c) => [c.id, c.parsed.ok ? c.parsed.value : 0])) as Contributions;
    setBusy(true);
    try {
      show(await api.putContributions(apiKey, table));
      setResult({ ok: true, text: 'Contributions saved. Bets from now on count with them.' });
    } catch (e) {
      onApiError(e);
      setResult({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card contributions" onSubmit={save} aria-labelledby="contributions-heading" noValidate>
      <h2 id="contributions-heading">Wagering contribution per category</h2>
      <div className="fields">
        {checked.map((c) => (
          <div key={c.id}>
            <label htmlFor={`contribution-${c.id}`}>{c.label} (%)</label>
            <input
              id={`contribution-${c.id}`}
              inputMode="numeric"
              autoComplete="off"
              value={draft[c.id]}
              onChange={(e) => setDraft({ ...draft, [c.id]: e.target.value })}
              aria-invalid={c.parsed.ok ? undefined : true}
              aria-describedby={`contribution-${c.id}-note`}
            />
            <small id={`contribution-${c.id}-note`} className={c.parsed.ok ? undefined : 'invalid'}>
              {c.parsed.ok ? c.hint : c.parsed.reason}
            </small>
          </div>
        ))}
      </div>
      <div className="actions">
        <button type="submit" disabled={busy || !changed}>
          {busy ? 'Saving…' : 'Save contributions'}
        </button>
        <button type="button" className="secondary" disabled={busy || !changed} onClick={() => show(saved)}>
          Undo changes
        </button>
        {changed && !busy && <span className="muted">Unsaved changes</span>}
      </div>
      {result && (
        <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'success' : 'error'}>
          {result.text}
        </p>
      )}
    </form>
  );
}

function Catalog({ apiKey, onApiError }: { apiKey: string; onApiError(error: unknown): void }) {
  const [games, setGames] = useState<Game[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (after?: string) => {
      try {
        const page = await api.games(apiKey, after, GAMES_PAGE_SIZE);
        setGames((current) => (after ? [...(current ?? []), ...page.games] : page.games));
        setCursor(page.next_cursor);
        setError(null);
      } catch (e) {
        onApiError(e);
        setError(e instanceof ApiError ? e.message : String(e));
      }
    },
    [apiKey, onApiError],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const saved = (game: Game) =>
    setGames((current) => {
      const others = (current ?? []).filter((g) => !(g.provider === game.provider && g.game === game.game));
      // (provider, game) order, as the API lists them.
      return [...others, game].sort((a, b) =>
        a.provider === b.provider ? (a.game < b.game ? -1 : 1) : a.provider < b.provider ? -1 : 1,
      );
    });

  return (
    <section className="card flush catalog" aria-labelledby="catalog-heading">
      <h2 id="catalog-heading" className="pad">
        Game catalog
      </h2>
      {error && (
        <p role="alert" className="error pad">
          {error}
        </p>
      )}
      <table className="stack games-table" aria-label="Games">
        <thead>
          <tr>
            <th scope="col">Provider</th>
            <th scope="col">Game</th>
            <th scope="col">Name</th>
            <th scope="col">Category</th>
          </tr>
        </thead>
        <tbody>
          {games === null && !error && (
            <tr>
              <td colSpan={4} className="muted">
                Loading…
              </td>
            </tr>
          )}
          {games?.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                No games registered yet: every bet counts as <strong>other</strong>. Add one below.
              </td>
            </tr>
          )}
          {games?.map((g) => (
            <GameRow
              key={`${g.provider}\u0000${g.game}`}
              game={g}
              apiKey={apiKey}
              onSaved={saved}
              onApiError={onApiError}
            />
          ))}
        </tbody>
      </table>
      {cursor && (
        <div className="pager">
          <button type="button" className="secondary" onClick={() => void load(cursor)}>
            More games
          </button>
        </div>
      )}
      <AddGame apiKey={apiKey} onSaved={saved} onApiError={onApiError} />
    </section>
  );
}

/** One game; its category changes at once when another is picked (and goes back if the API refuses). */
function GameRow({
  game,
  apiKey,
  onSaved,
  onApiError,
}: {
  game: Game;
  apiKey: string;
  onSaved(game: Game): void;
  onApiError(error: unknown): void;
}) {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const label = `Category of ${game.provider}:${game.game}`;

  const change = async (category: GameCategory) => {
    setBusy(true);
    setNote(null);
    try {
      onSaved(await api.putGame(apiKey, { provider: game.provider, game: game.game, category }));
      setNote({ ok: true, text: 'Saved' });
    } catch (e) {
      onApiError(e);
      setNote({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr>
      <td data-label="Provider">{game.provider}</td>
      <td data-label="Game">
        <code>{game.game}</code>
      </td>
      <td data-label="Name" className={game.name ? undefined : 'muted'}>
        {game.name ?? '—'}
      </td>
      <td data-label="Category">
        <div className="row category-cell">
          <select
            aria-label={label}
            value={game.category}
            disabled={busy}
            onChange={(e) => void change(e.target.value as GameCategory)}
          >
            {CATEGORIES.map((c) => (
              <option key={c.id} value={c.id}>
                {c.id}
              </option>
            ))}
          </select>
          {note && (
            <span role={note.ok ? 'status' : 'alert'} className={note.ok ? 'saved' : 'invalid'}>
              {note.text}
            </span>
          )}
        </div>
      </td>
    </tr>
  );
}

function AddGame({
  apiKey,
  onSaved,
  onApiError,
}: {
  apiKey: string;
  onSaved(game: Game): void;
  onApiError(error: unknown): void;
}) {
  const [provider, setProvider] = useState('');
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [category, setCategory] = useState<GameCategory>('slots');
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  const problems: Record<string, string> = {};
  if (!provider.trim()) problems.provider = 'Enter the provider code.';
  else if (provider.includes(':'))
    problems.provider = 'No colon: aggregator bets name a game as provider:game, split at the first colon.';
  if (!code.trim()) problems.code = 'Enter the game code.';
  const show = (field: string) => (shown ? problems[field] : undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setShown(true);
    setResult(null);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      const saved = await api.putGame(apiKey, {
        provider: provider.trim(),
        game: code.trim(),
        category,
        ...(name.trim() ? { name: name.trim() } : {}),
      });
      onSaved(saved);
      setResult({ ok: true, text: `${saved.provider}:${saved.game} is now ${saved.category}.` });
      setProvider('');
      setCode('');
      setName('');
      setShown(false);
    } catch (e) {
      onApiError(e);
      setResult({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="add-game pad" onSubmit={submit} aria-labelledby="add-game-heading" noValidate>
      <h3 id="add-game-heading">Register or change a game</h3>
      <div className="fields">
        <div>
          <label htmlFor="game-provider">Provider</label>
          <input
            id="game-provider"
            maxLength={TEXT_MAX}
            value={provider}
            autoComplete="off"
            placeholder="e.g. demo"
            onChange={(e) => setProvider(e.target.value)}
            aria-invalid={show('provider') ? true : undefined}
            aria-describedby="game-provider-note"
          />
          <small id="game-provider-note" className={show('provider') ? 'invalid' : undefined}>
            {show('provider') ?? 'Casino callbacks use jaqpot.'}
          </small>
        </div>
        <div>
          <label htmlFor="game-code">Game code</label>
          <input
            id="game-code"
            maxLength={TEXT_MAX}
            value={code}
            autoComplete="off"
            placeholder="e.g. starburst"
            onChange={(e) => setCode(e.target.value)}
            aria-invalid={show('code') ? true : undefined}
            aria-describedby="game-code-note"
          />
          <small id="game-code-note" className={show('code') ? 'invalid' : undefined}>
            {show('code') ?? 'As the bets name it.'}
          </small>
        </div>
        <div>
          <label htmlFor="game-name">Name (optional)</label>
          <input
            id="game-name"
            maxLength={TEXT_MAX}
            value={name}
            autoComplete="off"
            onChange={(e) => setName(e.target.value)}
            aria-describedby="game-name-note"
          />
          <small id="game-name-note">Empty keeps a stored name.</small>
        </div>
        <div>
          <label htmlFor="game-category">Category</label>
          <select id="game-category" value={category} onChange={(e) => setCategory(e.target.value as GameCategory)}>
            {CATEGORIES.map((c) => (
              <option key={c.id} value={c.id}>
                {c.id}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save game'}
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
