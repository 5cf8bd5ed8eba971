-- The processes with live subscribers (SPEC §5, GET /v1/ws). A batch's live messages are published only
-- while one is registered: the NOTIFY statement itself checks (src/ledger/writer.ts publish), so a
-- process registered before it acknowledges a subscription gets every message committed after that.
-- Without subscribers anywhere, a bonus batch no longer fills PostgreSQL's notification queue (about 5 %
-- of the bonus workload's throughput). A row expires unless refreshed: a process that died is dropped.
create table live_listeners (
  process_id uuid primary key,
  expires_at timestamptz not null
);
