import { useState, type FormEvent } from 'react';
import { api, ApiError, type Me } from './api.ts';

/** Asks for an operator API key; checks it against the API (who is it?) before keeping it for the session. */
export function KeyForm({ onSignIn, notice }: { onSignIn(key: string, me: Me): void; notice: string | null }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(notice);
  const [checking, setChecking] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setChecking(true);
    setError(null);
    try {
      const me = await api.me(key.trim());
      onSignIn(key.trim(), me);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The key could not be checked.');
    } finally {
      setChecking(false);
    }
  };

  return (
    <form className="card narrow" onSubmit={submit} aria-labelledby="key-heading">
      <h2 id="key-heading">Sign in</h2>
      <p>
        Enter your operator API key (one an admin created for you, or ADMIN_API_KEY). It is kept in this tab only, until
        you close it.
      </p>
      <label htmlFor="api-key">API key</label>
      <input
        id="api-key"
        type="password"
        autoComplete="off"
        required
        value={key}
        onChange={(e) => setKey(e.target.value)}
      />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={checking || key.trim() === ''}>
        {checking ? 'Checking…' : 'Save key'}
      </button>
    </form>
  );
}
