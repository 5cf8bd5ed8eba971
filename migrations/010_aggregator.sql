-- Aggregator protocol (SPEC §2): every action the aggregator sent, and hourly RTP rollups.
-- Written only by src/aggregator, inside the ledger's group-commit transaction (so the rows commit
-- atomically with the money they moved).

create table aggregator_actions (
  -- Idempotency key: one aggregator, so action ids are unique across the whole table.
  action_id text primary key check (length(action_id) between 1 and 255),
  user_id text not null check (length(user_id) between 1 and 255),
  currency text not null,
  action text not null check (action in ('bet', 'win', 'rollback')),
  -- bet > 0, win >= 0; a rollback keeps the amount it was sent with (null when none), for replays.
  amount_minor bigint check (amount_minor >= 0),
  -- Rollbacks only: the action they cancel (it may not have arrived yet: a pre-rollback).
  original_action_id text,
  -- The id answered to the aggregator; equal to the ledger transfer's id when the action moved money.
  tx_id uuid not null,
  -- Bets and wins only: cancelled by a rollback (before or after they arrived).
  rolled_back boolean not null default false,
  game text,
  game_id text,
  -- The time the action was processed (the ledger batch's time); RTP windows filter on it.
  created_at timestamptz not null,
  check ((action = 'rollback') = (original_action_id is not null)),
  check (action = 'rollback' or amount_minor is not null),
  check (action <> 'bet' or amount_minor > 0),
  check (action <> 'rollback' or not rolled_back)
) with (fillfactor = 90); -- room on the page for the rolled_back update to stay HOT (no index touched)

-- Finds the rollbacks that name an action (a pre-rollback waiting for its original). Rollbacks only.
create index aggregator_actions_original on aggregator_actions (original_action_id)
  where original_action_id is not null;

-- RTP windows that do not start or end on an hour: the partial hours are read from the actions.
create index aggregator_actions_processed on aggregator_actions (created_at)
  where action <> 'rollback';

-- One row per player, currency and hour with activity, maintained in the same transaction as the
-- actions: a bet or win adds to its hour; a later rollback moves the amount from total_bet/total_win to
-- total_rollback_bet/total_rollback_win of the original's hour. No CHECK >= 0 here: a negative delta in
-- an upsert is checked before it meets the row it adds to.
create table aggregator_rtp_hourly (
  user_id text not null,
  currency text not null,
  hour_start timestamptz not null check (extract(epoch from hour_start) % 3600 = 0),
  rounds bigint not null default 0,
  total_bet_minor bigint not null default 0,
  total_win_minor bigint not null default 0,
  total_rollback_bet_minor bigint not null default 0,
  total_rollback_win_minor bigint not null default 0,
  primary key (user_id, currency, hour_start)
) with (fillfactor = 80);

create index aggregator_rtp_hourly_hour on aggregator_rtp_hourly (hour_start);
