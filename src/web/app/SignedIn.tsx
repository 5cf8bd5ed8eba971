import type { Me, OperatorRole } from './api.ts';

/** What each role may do, in the words the pages use (SPEC §4 "Operators and audit"). */
export const ROLE_TEXT: Record<OperatorRole, string> = {
  viewer: 'reads only: no money moves, no games launched',
  operator: 'reads and moves money',
  admin: 'reads, moves money, manages operators and reads the audit log',
};

/** Whether this key may send writes (a viewer's are refused with 403 FORBIDDEN). */
export const canWrite = (me: Me) => me.role !== 'viewer';
/** Whether this key may manage operators and read the audit log. */
export const isAdmin = (me: Me) => me.role === 'admin';

/** The header's "who is signed in": the operator's name and role, or the bootstrap key; and sign out. */
export function SignedIn({ me, onSignOut }: { me: Me; onSignOut(): void }) {
  return (
    <div className="who" aria-label="Signed in">
      <span className="who-text">
        <span className="who-name">{me.bootstrap ? 'bootstrap admin key' : me.name}</span>{' '}
        <span className={`role role-${me.role}`} title={`${me.role}: ${ROLE_TEXT[me.role]}`}>
          {me.role}
        </span>
      </span>
      <button type="button" className="secondary small" onClick={onSignOut}>
        Sign out
      </button>
    </div>
  );
}

/** Where a write would be offered to a viewer: why it is not, instead of a form the API would refuse. */
export function ReadOnlyNotice({ me, what }: { me: Me; what: string }) {
  return (
    <div className="card narrow-card read-only" role="note" aria-label="Read only">
      <h2>Read only</h2>
      <p>
        You are signed in as <strong>{me.name}</strong> with the role <strong>viewer</strong>, which {ROLE_TEXT.viewer}.{' '}
        {what} needs the role <strong>operator</strong> or <strong>admin</strong>: the API would refuse it with{' '}
        <code>403 FORBIDDEN</code>. Ask an admin for such a key.
      </p>
    </div>
  );
}
