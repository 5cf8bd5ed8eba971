import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, type AuditEntry, type AuditFilter, type OperatorJson } from './api.ts';
import type { PageProps } from './pages.tsx';
import { href, navigate } from './router.ts';

const PAGE_SIZE = 25;

/** What a write was, in words: the route it hit (method and path) read back into an action and its target. */
interface Described {
  action: string;
  target?: { label: string; href?: string };
}

const MOVES: Record<string, string> = { topup: 'Top up', bonus: 'Bonus', spend: 'Spend', withdraw: 'Withdraw' };

export function describeEntry(entry: Pick<AuditEntry, 'method' | 'path'>, nameOf: (id: string) => string): Described {
  const parts = entry.path.split('/').filter(Boolean).map(safeDecode);
  const player = (id: string) => ({ label: id, href: href('players', id) });
  const [a, b, c, d, e, f] = parts;
  if (a === 'v1' && b === 'wallets' && c && d && MOVES[d]) return { action: MOVES[d], target: player(c) };
  if (a === 'v1' && b === 'transfers') return { action: 'Transfer' };
  if (a === 'v1' && b === 'players' && c && d === 'bonuses')
    return { action: f === 'forfeit' ? `Forfeit bonus ${e}` : 'Grant bonus', target: player(c) };
  if (a === 'v1' && b === 'operators')
    return entry.method === 'DELETE' && c
      ? { action: 'Revoke operator', target: { label: nameOf(c) } }
      : { action: 'Create operator' };
  if (a === 'v1' && b === 'payouts' && c) return { action: 'Settle payouts', target: { label: c } };
  if (a === 'v1' && b === 'games') return { action: 'Register game', target: { label: `${c}:${d}` } };
  if (a === 'v1' && b === 'bonus') return { action: 'Set wagering contributions' };
  if (a === 'casino' && b === 'launchGame') return { action: 'Launch game' };
  if (a === 'casino' && b === 'simulateRound') return { action: 'Play a round' };
  return { action: `${entry.method} ${entry.path}` };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** 2xx done, 4xx refused (a viewer's 403 included), 5xx failed. */
function outcome(status: number): { label: string; kind: string } {
  if (status < 300) return { label: 'Done', kind: 'done' };
  if (status < 500) return { label: 'Refused', kind: 'refused' };
  return { label: 'Failed', kind: 'failed' };
}

const formatInstant = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** An ISO instant as a datetime-local value (the browser's zone), and back. */
function toLocalInput(iso: string | null): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : undefined);

/**
 * The audit log (GET /v1/audit): every write made with an operator key, refused ones too, newest
 * first, paged. Filters (operator, from, to) live in the route, so a reload or a link keeps them —
 * the operators table links here with ?operator=….
 */
export function AuditPanel({ apiKey, query, onApiError }: PageProps) {
  const filter: AuditFilter = {
    operatorId: query.get('operator') ?? undefined,
    from: query.get('from') ?? undefined,
    to: query.get('to') ?? undefined,
  };
  const filter_key = JSON.stringify(filter);
  const [operators, setOperators] = useState<OperatorJson[]>([]);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [typed, setTyped] = useState({ operator: '', from: '', to: '' });
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    api.operators(apiKey).then((r) => setOperators(r.operators), onApiError);
  }, [apiKey, onApiError]);

  useEffect(() => {
    const f = JSON.parse(filter_key) as AuditFilter;
    setTyped({ operator: f.operatorId ?? '', from: toLocalInput(f.from ?? null), to: toLocalInput(f.to ?? null) });
    setCursors([undefined]);
  }, [filter_key]);

  useEffect(() => {
    let live = true;
    setEntries(null);
    api.audit(apiKey, JSON.parse(filter_key) as AuditFilter, cursor, PAGE_SIZE).then(
      (page) => {
        if (!live) return;
        setEntries(page.entries);
        setNext(page.next_cursor);
        setError(null);
      },
      (e: unknown) => {
        if (!live) return;
        onApiError(e);
        setEntries([]);
        setNext(null);
        setError(e instanceof ApiError ? e.message : String(e));
      },
    );
    return () => {
      live = false;
    };
  }, [apiKey, filter_key, cursor, onApiError]);

  const nameOf = (id: string) =>
    id === 'bootstrap' ? 'bootstrap admin' : (operators.find((o) => o.operatorId === id)?.name ?? id);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const from = fromLocalInput(typed.from);
    const to = fromLocalInput(typed.to);
    if (from && to && from >= to) return setError('“From” must be before “To”.');
    navigate(href('operators', 'audit', { operator: typed.operator || undefined, from, to }));
  };
  const filtered = filter.operatorId !== undefined || filter.from !== undefined || filter.to !== undefined;

  return (
    <>
      <form className="card filters" onSubmit={apply} aria-label="Audit filters">
        <div>
          <label htmlFor="audit-operator">Operator</label>
          <select
            id="audit-operator"
            value={typed.operator}
            onChange={(e) => setTyped((t) => ({ ...t, operator: e.target.value }))}
          >
            <option value="">Everyone</option>
            <option value="bootstrap">bootstrap admin (ADMIN_API_KEY)</option>
            {operators.map((o) => (
              <option key={o.operatorId} value={o.operatorId}>
                {o.name} ({o.role}
                {o.revoked_at ? ', revoked' : ''})
              </option>
            ))}
            {/* An id from a link that is not (or no longer) in the list still shows as selected. */}
            {typed.operator &&
              typed.operator !== 'bootstrap' &&
              !operators.some((o) => o.operatorId === typed.operator) && (
                <option value={typed.operator}>{typed.operator}</option>
              )}
          </select>
        </div>
        <div>
          <label htmlFor="audit-from">From</label>
          <input
            id="audit-from"
            type="datetime-local"
            value={typed.from}
            onChange={(e) => setTyped((t) => ({ ...t, from: e.target.value }))}
          />
        </div>
        <div>
          <label htmlFor="audit-to">To (before)</label>
          <input
            id="audit-to"
            type="datetime-local"
            value={typed.to}
            onChange={(e) => setTyped((t) => ({ ...t, to: e.target.value }))}
          />
        </div>
        <div className="filter-actions">
          <button type="submit">Apply filters</button>
          {filtered && (
            <button type="button" className="secondary" onClick={() => navigate(href('operators', 'audit'))}>
              Clear
            </button>
          )}
        </div>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="card flush">
        <table className="stack audit" aria-label="Audit log">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Operator</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Outcome</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {entries === null && (
              <tr>
                <td colSpan={6} className="muted">
                  Loading…
                </td>
              </tr>
            )}
            {entries?.length === 0 && !error && (
              <tr>
                <td colSpan={6} className="muted">
                  {filtered
                    ? 'No write matches these filters.'
                    : 'No writes yet: every write made with an operator key will appear here, refused ones too.'}
                </td>
              </tr>
            )}
            {entries?.map((entry, i) => {
              const described = describeEntry(entry, nameOf);
              const result = outcome(entry.status);
              return (
                <tr key={`${entry.at}-${i}`}>
                  <td data-label="Time" className="nowrap">
                    <time dateTime={entry.at}>{formatInstant(entry.at)}</time>
                  </td>
                  <td data-label="Operator">
                    <a href={href('operators', 'audit', { operator: entry.operatorId })}>{entry.name}</a>
                  </td>
                  <td data-label="Action">
                    <div>
                      {described.action}
                      <small>
                        <code className="id">
                          {entry.method} {entry.path}
                        </code>
                      </small>
                    </div>
                  </td>
                  <td data-label="Target" className={described.target || entry.transactionId ? undefined : 'empty'}>
                    <div>
                      {described.target?.href ? (
                        <a href={described.target.href}>{described.target.label}</a>
                      ) : (
                        described.target?.label
                      )}
                      {entry.transactionId && (
                        <small>
                          transfer <code className="id">{entry.transactionId}</code>
                        </small>
                      )}
                      {!described.target && !entry.transactionId && <span className="muted">—</span>}
                    </div>
                  </td>
                  <td data-label="Outcome">
                    <div>
                      <span className={`outcome outcome-${result.kind}`}>
                        {result.label} <span className="num">{entry.status}</span>
                      </span>
                    </div>
                  </td>
                  <td data-label="Reason" className={entry.reason ? undefined : 'empty'}>
                    {entry.reason ?? <span className="muted">—</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <div className="pager">
          <button
            type="button"
            className="secondary"
            disabled={cursors.length === 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            ← Newer
          </button>
          <span className="muted">Page {cursors.length}</span>
          <button
            type="button"
            className="secondary"
            disabled={!next}
            onClick={() => next && setCursors((c) => [...c, next])}
          >
            Older →
          </button>
        </div>
      </div>
    </>
  );
}
