-- Game rollups cost per batch, not per bet (SPEC §6, issue "game reports"): a batch no longer upserts one
-- game_rollups row per (player, game, hour) it touched — with bets spread over a thousand players that was
-- one row per bet, about a fifth of the hot path's database time. It appends one row here instead, in the
-- same transaction as the money: its play events, column by column. A job folds the rows into game_rollups
-- (src/reports/pending.ts, every second): it deletes what it sees and adds it to the hour rows in one
-- transaction, so every event is in exactly one of the two tables in any snapshot. Reports read both in one
-- statement (game_rollups_pending below), so they stay exact to the last committed bet.
--
-- kinds: 0 bet, 1 win, 2 bet arrived cancelled, 3 win arrived cancelled, 4 rollback of a bet, 5 rollback of
-- a win. hours: the UTC hour the event counts in (a rollback counts in the hour of what it reverses), in
-- hours since the epoch. amounts / bonuses: the amount and its bonus part (bonus_minor of the PlayEvent).
create table game_rollups_pending (
  players text[] not null,
  currencies text[] not null,
  hours integer[] not null,
  surfaces text[] not null,
  providers text[] not null,
  games text[] not null,
  kinds smallint[] not null,
  amounts bigint[] not null,
  bonuses bigint[] not null,
  check (cardinality(players) = cardinality(kinds) and cardinality(currencies) = cardinality(kinds)
     and cardinality(hours) = cardinality(kinds) and cardinality(surfaces) = cardinality(kinds)
     and cardinality(providers) = cardinality(kinds) and cardinality(games) = cardinality(kinds)
     and cardinality(amounts) = cardinality(kinds) and cardinality(bonuses) = cardinality(kinds))
-- No index: rows are only ever read all at once. Emptied every second: vacuumed by count, not by share.
) with (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000, autovacuum_vacuum_insert_scale_factor = 0,
        autovacuum_vacuum_insert_threshold = 2000);

-- One event as the deltas it adds to its hour row (the columns of game_rollups).
create function game_rollups_event_rows(
  players text[], currencies text[], hours integer[], surfaces text[], providers text[], games text[], kinds smallint[],
  amounts bigint[], bonuses bigint[])
returns table (player text, currency text, hour_start timestamptz, surface text, provider text, game text, actions bigint,
               bet_count bigint, bets_minor bigint, wins_minor bigint, rolled_back_bets_minor bigint,
               rolled_back_wins_minor bigint, win_count bigint, bonus_bets_minor bigint, bonus_wins_minor bigint)
language sql immutable parallel safe as $$
  select e.player, e.currency, to_timestamp(e.hour * 3600::bigint), e.surface, e.provider, e.game,
         (e.kind <= 3)::int::bigint,
         case e.kind when 0 then 1 when 4 then -1 else 0 end::bigint,
         case e.kind when 0 then e.amount when 4 then -e.amount else 0 end,
         case e.kind when 1 then e.amount when 5 then -e.amount else 0 end,
         case when e.kind in (2, 4) then e.amount else 0 end,
         case when e.kind in (3, 5) then e.amount else 0 end,
         case e.kind when 1 then 1 when 5 then -1 else 0 end::bigint,
         case e.kind when 0 then e.bonus when 4 then -e.bonus else 0 end,
         case e.kind when 1 then e.bonus when 5 then -e.bonus else 0 end
  from unnest(players, currencies, hours, surfaces, providers, games, kinds, amounts, bonuses)
         as e(player, currency, hour, surface, provider, game, kind, amount, bonus)
$$;

-- The events not folded yet, shaped as hour rows (several may share a key: readers sum them).
create view game_rollups_pending_rows as
select r.*
from game_rollups_pending p,
     game_rollups_event_rows(p.players, p.currencies, p.hours, p.surfaces, p.providers, p.games, p.kinds, p.amounts, p.bonuses) r;

-- Folds every pending row this transaction sees into game_rollups, in key order (one lock order). Returns
-- the hour rows written, or -1 when another fold holds the lock (it folds the same rows; the job skips).
-- wait: wait for that fold to commit instead (a backfill, a test or the bench that then reads or moves
-- the hour rows).
create function game_rollups_fold_pending(wait boolean default false) returns bigint language plpgsql as $$
declare
  written bigint;
begin
  if wait then
    perform pg_advisory_xact_lock(46, 0);
  elsif not pg_try_advisory_xact_lock(46, 0) then
    return -1;
  end if;
  with taken as (
    delete from game_rollups_pending returning *
  ), deltas as (
    select r.player, r.currency, r.hour_start, r.surface, r.provider, r.game, sum(r.actions) as actions,
           sum(r.bet_count) as bet_count, sum(r.bets_minor) as bets_minor, sum(r.wins_minor) as wins_minor,
           sum(r.rolled_back_bets_minor) as rolled_back_bets_minor, sum(r.rolled_back_wins_minor) as rolled_back_wins_minor,
           sum(r.win_count) as win_count, sum(r.bonus_bets_minor) as bonus_bets_minor, sum(r.bonus_wins_minor) as bonus_wins_minor
    from taken t,
         game_rollups_event_rows(t.players, t.currencies, t.hours, t.surfaces, t.providers, t.games, t.kinds, t.amounts, t.bonuses) r
    group by 1, 2, 3, 4, 5, 6
  )
  insert into game_rollups as g (player, currency, hour_start, surface, provider, game, actions, bet_count, bets_minor,
                                 wins_minor, rolled_back_bets_minor, rolled_back_wins_minor, win_count, bonus_bets_minor,
                                 bonus_wins_minor)
  select * from deltas order by player, currency, hour_start, surface, provider, game
  on conflict (player, currency, hour_start, surface, provider, game) do update set
    actions = g.actions + excluded.actions,
    bet_count = g.bet_count + excluded.bet_count,
    bets_minor = g.bets_minor + excluded.bets_minor,
    wins_minor = g.wins_minor + excluded.wins_minor,
    rolled_back_bets_minor = g.rolled_back_bets_minor + excluded.rolled_back_bets_minor,
    rolled_back_wins_minor = g.rolled_back_wins_minor + excluded.rolled_back_wins_minor,
    win_count = g.win_count + excluded.win_count,
    bonus_bets_minor = g.bonus_bets_minor + excluded.bonus_bets_minor,
    bonus_wins_minor = g.bonus_wins_minor + excluded.bonus_wins_minor;
  get diagnostics written = row_count;
  return written;
end $$;

-- A fold of the day rows (migration 045) reads the hour rows: fold the pending events first, so a day
-- folded by a backfill, a test or the bench holds every event committed before it.
create or replace function game_rollups_fold(until timestamptz, max_days integer) returns integer language plpgsql as $$
declare
  d date;
  folded integer := 0;
begin
  perform game_rollups_fold_pending(true);
  for d in select game_rollups_days_to_fold(until, max_days) loop
    perform game_rollups_fold_day(d);
    folded := folded + 1;
  end loop;
  return folded;
end $$;
