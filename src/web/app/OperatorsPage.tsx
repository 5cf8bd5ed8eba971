import { AuditPanel } from './AuditPanel.tsx';
import { OperatorsPanel } from './OperatorsPanel.tsx';
import type { PageProps } from './pages.tsx';
import { href } from './router.ts';
import { isAdmin, ROLE_TEXT } from './SignedIn.tsx';

const TABS = [
  { id: 'list', label: 'Operators', path: [] as string[] },
  { id: 'audit', label: 'Audit log', path: ['audit'] },
] as const;

/**
 * Operators & audit (SPEC §4, §8): named operators with their roles and keys, and the log of every
 * write made with an operator key. Both are an admin's; anyone else is told so instead of meeting 403s.
 * Tabs are routes: #/operators and #/operators/audit?operator=…&from=…&to=….
 */
export function OperatorsPage(props: PageProps & { tab?: string }) {
  const tab = props.tab === 'audit' ? 'audit' : 'list';
  const { me } = props;
  return (
    <section aria-labelledby="operators-heading">
      <div className="page-head">
        <h1 id="operators-heading">Operators &amp; audit</h1>
      </div>
      {!isAdmin(me) ? (
        <div className="card narrow-card" role="note" aria-label="Admins only">
          <h2>Admins only</h2>
          <p>
            Managing operators and reading the audit log (which names everyone's actions) need the role{' '}
            <strong>admin</strong>. You are signed in as <strong>{me.name}</strong>, role <strong>{me.role}</strong>:
            you {ROLE_TEXT[me.role]}.
          </p>
        </div>
      ) : (
        <>
          <div className="tabs" role="tablist" aria-label="Operators sections">
            {TABS.map((t) => (
              <a key={t.id} role="tab" aria-selected={t.id === tab} href={href('operators', ...t.path)}>
                {t.label}
              </a>
            ))}
          </div>
          <div role="tabpanel" aria-label={tab === 'audit' ? 'Audit log' : 'Operators'}>
            {tab === 'audit' ? <AuditPanel {...props} /> : <OperatorsPanel {...props} />}
          </div>
        </>
      )}
    </section>
  );
}
