import { useCallback, useState } from 'react';
import type { SettleAnswer } from './ingestion-api.ts';
import { IngestionStatusPanel } from './IngestionStatus.tsx';
import type { PageProps } from './pages.tsx';
import { PayoutsTable } from './PayoutsTable.tsx';
import { UserReportPanel } from './UserReport.tsx';
import './ingestion.css';

/**
 * Transaction ingestion (SPEC §7, §8): the puller's live status and lag, the requested payouts with a
 * settle button per user, and one user's report. New items (items_total moved) and settlements make
 * the payouts and the report read again; the reporter answers 304 when nothing changed.
 */
export function IngestionPage({ apiKey, query, onApiError }: PageProps) {
  const [items, setItems] = useState<bigint | null>(null);
  const [settlements, setSettlements] = useState(0);
  const onItems = useCallback((n: bigint) => setItems(n), []);
  const onSettled = useCallback((_answer: SettleAnswer) => setSettlements((n) => n + 1), []);

  return (
    <section aria-labelledby="ingestion-heading" className="ing-page">
      <div className="page-head">
        <h1 id="ingestion-heading">Ingestion</h1>
        <span className="muted">Upstream transactions → SCR ledger → public reporter</span>
      </div>
      <IngestionStatusPanel apiKey={apiKey} onApiError={onApiError} onItems={onItems} />
      <div className="ing-columns">
        <PayoutsTable apiKey={apiKey} revision={items} onSettled={onSettled} onApiError={onApiError} />
        <UserReportPanel userId={query.get('user')?.trim() ?? ''} revision={`${items}:${settlements}`} />
      </div>
    </section>
  );
}
