-- Operator wallet API (SPEC §4): stored responses of money-moving requests, per Idempotency-Key.
-- A row is written in the same transaction as the transfer it answers for, so a crash can never
-- leave a movement without its stored response, or a stored response without its movement.

create table wallet_idempotency_keys (
  -- sha256 of the API key the request presented: keys are scoped to it, and the key itself is never stored.
  api_key_hash bytea not null check (length(api_key_hash) = 32),
  idempotency_key text not null check (length(idempotency_key) between 1 and 255),
  -- sha256 over method, path and the exact body bytes: same key + different request → 422.
  request_hash bytea not null check (length(request_hash) = 32),
  response_status smallint not null check (response_status between 200 and 599),
  -- The exact bytes sent the first time; a replay sends them again, byte for byte.
  response_body bytea not null,
  -- The transfer this response reports. No foreign key, like transfers itself (001): both rows are
  -- written by the same command in the same transaction, and transfers are never deleted.
  transfer_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (api_key_hash, idempotency_key)
);

-- The purge job deletes by age.
create index wallet_idempotency_keys_created_at on wallet_idempotency_keys (created_at);
