-- Named operators and the audit log (SPEC §4 "Operators and audit").

create table operators (
  id uuid primary key,
  name text not null check (length(name) between 1 and 255),
  role text not null check (role in ('viewer', 'operator', 'admin')),
  -- sha256 of the random API key; the key itself is shown once and never stored.
  key_hash bytea not null unique check (length(key_hash) = 32),
  created_at timestamptz not null default now(),
  -- The operator id of the admin who created this one ('bootstrap' for ADMIN_API_KEY).
  created_by text not null,
  revoked_at timestamptz
);

-- One active operator per name, so the audit log's names are unambiguous at any time.
create unique index operators_active_name on operators (name) where revoked_at is null;

-- Every write made with an operator key, refused ones too. Written after the answer is decided,
-- outside the money's transaction (the transfer itself carries operator and reason in its metadata).
create table operator_audit (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  -- text, not uuid: the bootstrap admin has the id 'bootstrap'. No foreign key: entries outlive revocations.
  operator_id text not null check (length(operator_id) between 1 and 255),
  operator_name text not null check (length(operator_name) between 1 and 255),
  method text not null check (length(method) between 1 and 16),
  path text not null check (length(path) between 1 and 2048),
  status smallint not null check (status between 100 and 599),
  reason text check (length(reason) <= 255),
  transaction_id uuid
);

-- Newest first, all operators or one; the purge job deletes by age.
create index operator_audit_operator on operator_audit (operator_id, id desc);
create index operator_audit_at on operator_audit (at);
