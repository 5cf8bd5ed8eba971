import { useState, type FormEvent } from 'react';
import { api, ApiError } from './api.ts';

/** Asks for the operator API key; checks it against the API before keeping it for the session. */
export function KeyForm({ onSave, notice }: { onSave(key: string): void; notice: string | null }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(notice);
  const [checking, setChecking] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setChecking(true);
    setError(null);
    try {
      await api.assets(key.trim());
      onSave(key.trim());
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The key could not be checked.');
    } finally {
      setChecking(false);
    }
  };

  return (
    <form className="card narrow" onSubmit={submit} aria-labelledby="key-heading">
      <h2 id="key-heading">Sign in</h2>
      <p>Enter the operator API key (ADMIN_API_KEY). It is kept in this tab only, until you close it.</p>
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
