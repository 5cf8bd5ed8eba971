import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, type SimulatedRound } from './api.ts';
import { formatMinor } from './money.ts';
import type { PageProps } from './pages.tsx';
import { href } from './router.ts';
import { canWrite, ReadOnlyNotice } from './SignedIn.tsx';

/** The built-in provider's games (src/provider/games.ts). */
const GAMES = [
  { id: '1', name: 'Jaqpot Fruits (slot)' },
  { id: '2', name: 'Jaqpot Coin Flip' },
];
/** Rounds one click may play: each is a full launch + callback round trip, played one after another. */
const ROUNDS_MAX = 20;

/**
 * Plays N rounds for a player on the built-in provider through the real path: each is the casino's
 * simulateRound (launch → the provider calls getBalance, debit, debit, rollback, credit, getBalance
 * back over signed HTTP). Shows every round's steps and the final balance; "Open the game" launches a
 * session and links to the provider's playable page.
 */
export function PlayPage(props: PageProps) {
  if (!canWrite(props.me))
    return (
      <section aria-labelledby="play-heading">
        <h1 id="play-heading">Play</h1>
        <ReadOnlyNotice me={props.me} what="Playing rounds and launching games (each moves money)" />
      </section>
    );
  return <PlayForm {...props} />;
}

function PlayForm({ apiKey, assets, query, onApiError }: PageProps) {
  const [player, setPlayer] = useState(query.get('player') ?? 'user_001');
  const [game, setGame] = useState('1');
  const [currency, setCurrency] = useState('USD');
  const [count, setCount] = useState('3');
  const [rounds, setRounds] = useState<SimulatedRound[]>([]);
  const [progress, setProgress] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [launchUrl, setLaunchUrl] = useState<string | null>(null);
  const scale = assets.find((a) => a.code === currency)?.scale ?? 0;
  const n = Number(count);
  const valid = Number.isInteger(n) && n >= 1 && n <= ROUNDS_MAX && player.trim() !== '';

  useEffect(() => setLaunchUrl(null), [player, game, currency]);

  const play = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    setRounds([]);
    setError(null);
    const body = { userId: player.trim(), gameId: game, currency };
    for (let i = 1; i <= n; i++) {
      setProgress(`Playing round ${i} of ${n}…`);
      try {
        const round = await api.simulateRound(apiKey, body);
        setRounds((done) => [...done, round]);
      } catch (e) {
        onApiError(e);
        setError(`Round ${i} failed: ${e instanceof ApiError ? e.message : String(e)}`);
        break;
      }
    }
    setProgress(null);
  };

  const open = async () => {
    setError(null);
    try {
      setLaunchUrl((await api.launchGame(apiKey, { userId: player.trim(), gameId: game, currency })).launchUrl);
    } catch (e) {
      onApiError(e);
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  const last = rounds[rounds.length - 1];
  const first = rounds[0];

  return (
    <section aria-labelledby="play-heading">
      <div className="page-head">
        <h1 id="play-heading">Play</h1>
      </div>
      <form className="card" onSubmit={play} aria-label="Play rounds">
        <div className="fields">
          <div>
            <label htmlFor="play-player">Player ID</label>
            <input id="play-player" value={player} maxLength={255} onChange={(e) => setPlayer(e.target.value)} />
          </div>
          <div>
            <label htmlFor="play-game">Game</label>
            <select id="play-game" value={game} onChange={(e) => setGame(e.target.value)}>
              {GAMES.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="play-currency">Currency</label>
            <select id="play-currency" value={currency} onChange={(e) => setCurrency(e.target.value)}>
              {assets.map((a) => (
                <option key={a.code}>{a.code}</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="play-rounds">Rounds (1–{ROUNDS_MAX})</label>
            <input
              id="play-rounds"
              type="number"
              min={1}
              max={ROUNDS_MAX}
              value={count}
              onChange={(e) => setCount(e.target.value)}
            />
          </div>
        </div>
        <div className="actions">
          <button type="submit" disabled={!valid || progress !== null}>
            {progress ?? `Play ${valid ? n : 'N'} round${n === 1 ? '' : 's'}`}
          </button>
          <button type="button" className="secondary" disabled={!player.trim()} onClick={() => void open()}>
            Open the game
          </button>
          {launchUrl && (
            <a className="launch" href={launchUrl} target="_blank" rel="noopener">
              Launch URL ↗
            </a>
          )}
        </div>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {last && (
        <div className="card result" role="status" aria-label="Play result">
          <strong>
            {rounds.length} round{rounds.length === 1 ? '' : 's'} played.
          </strong>{' '}
          Balance {formatMinor(first.initialBalance, scale)} →{' '}
          <span className="final-balance">{formatMinor(last.finalBalance, scale)}</span> {currency}{' '}
          <a href={href('players', player.trim(), 'rounds')}>See the rounds of {player.trim()}</a>
        </div>
      )}
      <ol className="rounds" aria-label="Played rounds">
        {rounds.map((r, i) => (
          <li key={r.roundId} className="card round">
            <div className="round-head">
              <h3>
                Round {i + 1}:{' '}
                <a href={href('players', player.trim(), 'rounds', { round: r.roundId })}>
                  <code>{r.roundId}</code>
                </a>
              </h3>
              <span className="muted">
                {formatMinor(r.initialBalance, scale)} → {formatMinor(r.finalBalance, scale)} {currency}
              </span>
            </div>
            <table className="stack steps" aria-label={`Steps of round ${i + 1}`}>
              <thead>
                <tr>
                  <th scope="col">Call</th>
                  <th scope="col">HTTP</th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                  <th scope="col" className="num">
                    Balance
                  </th>
                  <th scope="col">Transaction</th>
                </tr>
              </thead>
              <tbody>
                {r.steps.map((s, j) => (
                  <tr key={j}>
                    <td data-label="Call">{s.call}</td>
                    <td data-label="HTTP">{s.status}</td>
                    <td data-label="Amount" className="num">
                      {typeof s.request?.amount === 'number' ? formatMinor(s.request.amount, scale) : '—'}
                    </td>
                    <td data-label="Balance" className="num">
                      {typeof s.response?.balance === 'number' ? formatMinor(s.response.balance, scale) : '—'}
                    </td>
                    <td data-label="Transaction">
                      <code className="id">
                        {String(s.request?.externalTransactionId ?? s.response?.transactionId ?? '—')}
                      </code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </li>
        ))}
      </ol>
    </section>
  );
}
