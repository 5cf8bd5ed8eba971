-- Transaction ingestion and reporter (SPEC §7). Only src/transactions writes these tables; the money
-- itself goes through the ledger, in the same transaction as ingest_items and ingest_user_totals.

-- SCR: the upstream's currency, 1 SCR = 1 EUR, amounts in cents.
insert into assets (code, scale) values ('SCR', 2) on conflict (code) do nothing;

-- One row per upstream transaction ever ingested: the upstream id is the idempotency key, and this
-- primary key is written in the same transaction as the transfer, so an item can never count twice.
create table ingest_items (
  id text primary key check (length(id) between 1 and 255),
  user_id text not null check (length(user_id) between 1 and 255),
  type text not null check (type in ('earned', 'spent', 'payout')),
  amount_minor bigint not null check (amount_minor > 0),
  created_at timestamptz not null,
  -- The ledger transfer that carried it (no foreign key, like transfers itself: same transaction).
  transfer_id uuid not null,
  ingested_at timestamptz not null default now()
);

-- The per-user read model the reporter serves, updated in the same transaction as the money.
-- payout_minor = requested and not yet settled; paid_out_minor = settled.
create table ingest_user_totals (
  user_id text primary key,
  earned_minor bigint not null default 0 check (earned_minor >= 0),
  spent_minor bigint not null default 0 check (spent_minor >= 0),
  payout_minor bigint not null default 0 check (payout_minor >= 0),
  paid_out_minor bigint not null default 0 check (paid_out_minor >= 0),
  updated_at timestamptz not null default now()
);
-- The requested-payouts list pages over users with something to settle.
create index ingest_user_totals_payout on ingest_user_totals (user_id) where payout_minor > 0;

-- Items the puller could not read (bad id, type, date or amount): kept with the reason, never applied.
create table ingest_quarantine (
  -- sha256 of the item's JSON text: the same bad item seen on every re-read is stored once.
  raw_sha256 bytea primary key check (length(raw_sha256) = 32),
  item_id text,
  raw text not null,
  reason text not null,
  seen_at timestamptz not null default now()
);

-- The puller's durable position and counters: exactly one row.
create table ingest_state (
  id smallint primary key default 1 check (id = 1),
  -- Everything upstream showed with createdAt <= checkpoint is in the ledger (late items aside,
  -- which the next walk re-reads from checkpoint - TRANSACTIONS_LATE_MAX_S).
  checkpoint timestamptz,
  -- The walk in progress: its fixed window and the next page, so a restart resumes it.
  walk_start timestamptz,
  walk_end timestamptz,
  walk_page integer check (walk_page >= 1),
  -- One puller at a time: the lease holder and until when (renewed every page).
  lease_owner text,
  lease_until timestamptz,
  items_total bigint not null default 0,
  requests_total bigint not null default 0,
  throttled_total bigint not null default 0,
  errors_total bigint not null default 0,
  quarantined_total bigint not null default 0,
  last_error text,
  last_error_at timestamptz,
  updated_at timestamptz not null default now()
);
insert into ingest_state (id) values (1);

-- The global request budget (TRANSACTIONS_API_BUDGET) of every process on this database: the start
-- times of the requests of the current window, and the time before which nobody may ask (429 Retry-After).
-- Locked FOR UPDATE by whoever wants to send a request.
create table ingest_budget (
  id smallint primary key default 1 check (id = 1),
  sent_at timestamptz[] not null default '{}',
  blocked_until timestamptz
);
insert into ingest_budget (id) values (1);

-- Stored responses of POST /v1/payouts/{userId}/settle per Idempotency-Key (SPEC §4 semantics),
-- written in the same transaction as the settlement.
create table ingest_settle_keys (
  api_key_hash bytea not null check (length(api_key_hash) = 32),
  idempotency_key text not null check (length(idempotency_key) between 1 and 255),
  request_hash bytea not null check (length(request_hash) = 32),
  response_status smallint not null check (response_status between 200 and 599),
  response_body bytea not null,
  -- null when nothing was left to settle (no transfer moved).
  transfer_id uuid,
  created_at timestamptz not null default now(),
  primary key (api_key_hash, idempotency_key)
);
create index ingest_settle_keys_created_at on ingest_settle_keys (created_at);
