-- Casino side of the seamless-wallet protocol (SPEC §3). Money itself lives in the ledger tables;
-- these rows are the protocol's memory: sessions, the game catalogue, and every callback's stored answer.

create table seamless_games (
  game_id text primary key check (length(game_id) between 1 and 255),
  provider text not null check (length(provider) between 1 and 64),
  name text not null check (length(name) between 1 and 255),
  enabled boolean not null default true,
  created_at timestamptz not null default now()
);

create table seamless_sessions (
  token text primary key check (length(token) between 16 and 255),
  user_id text not null check (length(user_id) between 1 and 255),
  game_id text not null references seamless_games(game_id),
  currency text not null references assets(code),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  check (expires_at > created_at)
);

-- One row per externalTransactionId the provider ever used, whatever the call. A tombstone is the row
-- a rollback of an unknown id leaves under that id, so a debit arriving later with it collides with the
-- primary key (also across processes) and is refused instead of applied.
create table seamless_transactions (
  external_transaction_id text primary key check (length(external_transaction_id) between 1 and 255),
  kind text not null check (kind in ('debit', 'credit', 'rollback', 'tombstone')),
  transaction_id uuid not null unique,
  session_token text not null,
  user_id text not null,
  currency text not null,
  game_id text,
  round_id text,
  amount_minor bigint check (amount_minor is null or amount_minor >= 0),
  original_transaction_id text,
  -- The ledger transfer that moved the money; null when nothing moved (zero credit, tombstone, repeat rollback).
  transfer_id uuid,
  rolled_back_by text,
  -- The exact first answer (status and body bytes), replayed to every duplicate.
  response_status smallint,
  response_body text,
  created_at timestamptz not null default now(),
  check ((kind = 'tombstone') = (response_body is null)),
  check (kind <> 'debit' or (round_id is not null and amount_minor > 0)),
  check (kind <> 'credit' or (round_id is not null and amount_minor is not null)),
  check (kind <> 'rollback' or original_transaction_id is not null),
  -- A debit, or the tombstone standing in for one, records the rollback that reversed it.
  check (rolled_back_by is null or kind in ('debit', 'tombstone')),
  check (kind <> 'tombstone' or rolled_back_by is not null)
);

-- A credit needs a standing debit of its round.
create index seamless_transactions_round_debits on seamless_transactions (round_id) where kind = 'debit';
