-- Game catalog, wagering contributions and bonus grants (SPEC §5).
-- games: a game never registered is category 'other' (no row needed).
create table games (
  provider text not null,
  game text not null,
  category text not null check (category in ('slots', 'table', 'live', 'other')),
  name text,
  updated_at timestamptz not null default now(),
  primary key (provider, game)
);

create table bonus_contributions (
  category text primary key check (category in ('slots', 'table', 'live', 'other')),
  percent smallint not null check (percent between 0 and 100)
);
insert into bonus_contributions (category, percent) values ('slots', 100), ('table', 10), ('live', 0), ('other', 0);

-- One row per grant. bonus_balance is not stored: while active it is the player's bonus account.
create table bonuses (
  id uuid primary key,
  player text not null,
  asset text not null,
  amount_minor bigint not null check (amount_minor >= 1),
  multiplier integer not null check (multiplier between 1 and 100),
  required_minor bigint not null,
  wagered_minor bigint not null default 0 check (wagered_minor >= 0),
  status text not null check (status in ('pending', 'active', 'converted', 'expired', 'forfeited')),
  expires_at timestamptz not null,
  max_bet_minor bigint,
  max_conversion_minor bigint,
  -- grant order per (player, asset): pending grants activate in this order
  seq bigserial not null,
  created_at timestamptz not null default now(),
  ended_at timestamptz
);
-- The play participant reads only live grants of the batch's players: a small partial index.
create index bonuses_live on bonuses (player, asset) where status in ('pending', 'active');
create unique index bonuses_one_active on bonuses (player, asset) where status = 'active';
create index bonuses_player on bonuses (player, created_at desc);
create index bonuses_expiry on bonuses (expires_at) where status in ('pending', 'active');

-- How each bet or win of a bonus player was split between cash and bonus money (by its first transfer),
-- so a win follows its round's proportion and a rollback returns each part where it came from.
create table bonus_plays (
  transfer_id uuid primary key,
  kind text not null check (kind in ('bet', 'win')),
  player text not null,
  currency text not null,
  round_key text,
  bonus_id uuid not null references bonuses (id),
  cash_minor bigint not null check (cash_minor >= 0),
  bonus_minor bigint not null check (bonus_minor >= 0),
  -- where the bonus part of a win went: the bonus account, cash (bonus converted) or the pool (ended)
  bonus_to text not null check (bonus_to in ('bonus', 'cash', 'pool')),
  contribution_minor bigint not null default 0,
  rolled_back boolean not null default false,
  created_at timestamptz not null default now()
);
create index bonus_plays_player on bonus_plays (player, currency, created_at);

-- Stored answers of grants and forfeits (Idempotency-Key, SPEC §4 semantics), written with the money.
create table bonus_idempotency_keys (
  api_key_hash bytea not null,
  idempotency_key text not null,
  request_hash bytea not null,
  response_status smallint not null,
  response_body bytea not null,
  created_at timestamptz not null default now(),
  primary key (api_key_hash, idempotency_key)
);

-- Every player's cash account has a bonus twin (src/ledger/accounts.ts creates both from now on): game
-- commands list the bonus account without creating it, and a missing account would be looked up again in
-- every batch (only found accounts are cached).
insert into accounts (kind, owner, purpose, asset, overdraft_limit_minor)
select 'player', owner, 'bonus', asset, 0 from accounts where kind = 'player' and purpose = 'cash'
on conflict (kind, owner, purpose, asset) do nothing;
