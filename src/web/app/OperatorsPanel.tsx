import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, type CreatedOperatorJson, type OperatorJson, type OperatorRole } from './api.ts';
import type { PageProps } from './pages.tsx';
import { href } from './router.ts';
import { ROLE_TEXT } from './SignedIn.tsx';

const ROLES: OperatorRole[] = ['viewer', 'operator', 'admin'];
const NAME_LENGTH_MAX = 255;

export const formatTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * The operators: who has a key, with which role, since when, and whether it still works; a form to
 * create one (its key is shown once) and a revoke action. Roles cannot be edited (the API has no
 * such call): a new role is a new operator, and the old key is revoked.
 */
export function OperatorsPanel({ apiKey, me, onApiError }: PageProps) {
  const [operators, setOperators] = useState<OperatorJson[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedOperatorJson | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setOperators((await api.operators(apiKey)).operators);
      setError(null);
    } catch (e) {
      onApiError(e);
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }, [apiKey, onApiError]);

  useEffect(() => {
    void load();
  }, [load]);

  const nameOf = (id: string) =>
    id === 'bootstrap' ? 'bootstrap admin' : (operators?.find((o) => o.operatorId === id)?.name ?? id);

  const revoke = async (operator: OperatorJson) => {
    setBusy(true);
    try {
      await api.revokeOperator(apiKey, operator.operatorId);
      setRevoking(null);
      await load();
    } catch (e) {
      onApiError(e);
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  // Active first (newest first), then the revoked ones: the audit log still names them.
  const sorted = operators
    ? [...operators].sort(
        (a, b) =>
          Number(a.revoked_at !== null) - Number(b.revoked_at !== null) || b.created_at.localeCompare(a.created_at),
      )
    : null;
  const active = operators?.filter((o) => o.revoked_at === null).length ?? 0;

  return (
    <>
      {created ? (
        <NewKey created={created} onDone={() => setCreated(null)} />
      ) : (
        <CreateForm
          apiKey={apiKey}
          onApiError={onApiError}
          onCreated={async (c) => {
            setCreated(c);
            await load();
          }}
        />
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="card flush">
        <table className="stack operators-table" aria-label="Operators">
          <caption className="table-caption">
            {operators === null
              ? 'Operators'
              : `${active} active operator${active === 1 ? '' : 's'}${operators.length > active ? `, ${operators.length - active} revoked` : ''}, besides the bootstrap key (ADMIN_API_KEY)`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted === null && !error && (
              <tr>
                <td colSpan={5} className="muted">
                  Loading…
                </td>
              </tr>
            )}
            {sorted?.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  No operators yet. Everyone uses the bootstrap key: create one per person above, so the audit log says
                  who did what.
                </td>
              </tr>
            )}
            {sorted?.map((o) => (
              <tr key={o.operatorId} className={o.revoked_at ? 'revoked' : undefined} aria-label={o.name}>
                <td data-label="Name">
                  <div>
                    <strong>{o.name}</strong>
                    {o.operatorId === me.operatorId && <span className="muted"> (you)</span>}
                  </div>
                </td>
                <td data-label="Role">
                  <div>
                    <span className={`role role-${o.role}`} title={ROLE_TEXT[o.role]}>
                      {o.role}
                    </span>
                  </div>
                </td>
                <td data-label="Created">
                  <div>
                    {formatTime(o.created_at)}
                    <small>by {nameOf(o.created_by)}</small>
                  </div>
                </td>
                <td data-label="Status">
                  <div>
                    {o.revoked_at ? (
                      <span className="status status-revoked">Revoked {formatTime(o.revoked_at)}</span>
                    ) : (
                      <span className="status status-active">Active</span>
                    )}
                  </div>
                </td>
                <td data-label="Actions" className="actions-cell">
                  <div className="row-actions">
                    <a href={href('operators', 'audit', { operator: o.operatorId })}>Audit</a>
                    {!o.revoked_at && revoking !== o.operatorId && (
                      <button type="button" className="secondary small" onClick={() => setRevoking(o.operatorId)}>
                        Revoke…
                      </button>
                    )}
                  </div>
                  {revoking === o.operatorId && (
                    <div className="revoke-confirm" role="alertdialog" aria-label={`Revoke ${o.name}`}>
                      <p>
                        Revoke <strong>{o.name}</strong>? Their key stops working at once (within 2 s on other servers).
                        {o.operatorId === me.operatorId && ' This is your own key: you will be signed out.'} It cannot
                        be undone; create a new operator to give access again.
                      </p>
                      <div className="actions">
                        <button type="button" className="danger small" disabled={busy} onClick={() => void revoke(o)}>
                          {busy ? 'Revoking…' : `Revoke ${o.name}`}
                        </button>
                        <button type="button" className="secondary small" onClick={() => setRevoking(null)}>
                          Cancel
                        </button>
                      </div>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="hint">
        A role cannot be changed: create a new operator with the new role, hand over its key, then revoke the old one.
      </p>
    </>
  );
}

function CreateForm({
  apiKey,
  onApiError,
  onCreated,
}: {
  apiKey: string;
  onApiError(error: unknown): void;
  onCreated(created: CreatedOperatorJson): Promise<void>;
}) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<OperatorRole>('operator');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setError('Enter a name: the audit log shows it beside everything this key does.');
    setBusy(true);
    setError(null);
    try {
      const created = await api.createOperator(apiKey, { name: name.trim(), role });
      setName('');
      await onCreated(created);
    } catch (e) {
      onApiError(e);
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card create-operator" onSubmit={submit} aria-labelledby="create-operator-heading" noValidate>
      <h2 id="create-operator-heading">Create an operator</h2>
      <div className="fields">
        <div>
          <label htmlFor="operator-name">Name</label>
          <input
            id="operator-name"
            value={name}
            maxLength={NAME_LENGTH_MAX}
            autoComplete="off"
            placeholder="e.g. alice (support)"
            onChange={(e) => setName(e.target.value)}
          />
          <small>Unique among active operators; shown in the audit log.</small>
        </div>
        <div>
          <label htmlFor="operator-role">Role</label>
          <select id="operator-role" value={role} onChange={(e) => setRole(e.target.value as OperatorRole)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <small id="role-help">
            {role}: {ROLE_TEXT[role]}.
          </small>
        </div>
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create operator'}
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}

/** The new key, this once: a warning, the key, a copy button; gone when dismissed. */
function NewKey({ created, onDone }: { created: CreatedOperatorJson; onDone(): void }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string | null>(null);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.apiKey);
      setCopied('Copied to the clipboard.');
    } catch {
      // No clipboard API (a plain-http address is not a secure context): select it for Ctrl+C.
      input.current?.select();
      setCopied('Selected: press Ctrl+C (⌘C) to copy.');
    }
  };

  return (
    <section className="card key-reveal" aria-labelledby="new-key-heading">
      <h2 id="new-key-heading">
        API key of {created.name} ({created.role})
      </h2>
      <p className="warning" role="alert">
        <strong>This key is shown only now.</strong> Copy it and hand it to {created.name} over a safe channel. Croupier
        keeps only its hash and can never show it again; if it is lost, revoke {created.name} and create a new operator.
      </p>
      <label htmlFor="new-key">API key</label>
      <div className="row">
        <input id="new-key" ref={input} readOnly value={created.apiKey} onFocus={(e) => e.target.select()} />
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      {copied && (
        <small role="status" className="copied">
          {copied}
        </small>
      )}
      <div className="actions">
        <button type="button" className="secondary" onClick={onDone}>
          I have saved the key
        </button>
      </div>
    </section>
  );
}
