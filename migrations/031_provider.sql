-- "Jaqpot Games", the built-in game provider (SPEC §3). Logically a separate system: it never reads
-- the casino's tables and the casino never reads these.

create table provider_sessions (
  session_token text primary key check (length(session_token) between 1 and 255),
  user_id text not null check (length(user_id) between 1 and 255),
  game_id text not null check (length(game_id) between 1 and 255),
  currency text not null check (length(currency) between 1 and 32),
  -- Seed of the session's RNG: round n's outcome is a function of (seed, n) alone, so a run replays.
  rng_seed bigint not null check (rng_seed >= 0),
  casino_expires_at timestamptz,
  created_at timestamptz not null default now()
);

-- Written before the round's first callback (write-ahead), settled after its last one.
create table provider_rounds (
  round_id text primary key,
  session_token text not null references provider_sessions(session_token),
  user_id text not null,
  game_id text not null,
  currency text not null,
  rng_seed bigint not null,
  round_number bigint not null check (round_number >= 0),
  bet_minor bigint not null check (bet_minor > 0),
  win_minor bigint not null check (win_minor >= 0),
  status text not null check (status in ('pending', 'settled', 'refused', 'rolled_back', 'unresolved')),
  -- The scripted demo round (two bets, a rollback, a payout) has its own call ids; recovery resumes game rounds only.
  scripted boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index provider_rounds_open on provider_rounds (updated_at) where status in ('pending', 'unresolved') and not scripted;

-- The provider's own record of every money call it made and what it learned.
create table provider_calls (
  external_transaction_id text primary key,
  round_id text not null references provider_rounds(round_id),
  kind text not null check (kind in ('debit', 'credit', 'rollback')),
  amount_minor bigint not null check (amount_minor >= 0),
  original_transaction_id text,
  -- ok: the casino confirmed; refused: a definitive error answer; unknown: no answer after every attempt.
  state text not null check (state in ('ok', 'refused', 'unknown')),
  attempts integer not null check (attempts >= 1),
  error_code text,
  balance_minor bigint,
  updated_at timestamptz not null default now()
);
create index provider_calls_round on provider_calls (round_id);
