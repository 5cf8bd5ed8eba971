-- Daily game rollups (SPEC §6): the live sums of game_rollups per UTC day, at three grains, so a report
-- answers whole days from day rows (a 30-day window reads at most 30 day rows per group instead of 720
-- hour rows) and only the partial days from hour rows:
--   game_rollups_daily          per day, provider, game, player, currency: one row per row of the finest
--                               grouping (its primary key is the reports' row order);
--   game_rollups_daily_games    per day, provider, game, currency (groupings without player), with the
--                               number of finest rows it holds;
--   game_rollups_daily_players  per day, player, currency (groupings without provider and game).
-- Surfaces are merged (the game reports never split them; the aggregator's RTP reports keep reading the
-- hour rows). Only what the game reports show: live counts and sums, with their bonus parts.
--
-- Folded, not maintained on the hot path: a day's rows are computed from its hour rows once the day is
-- over (game_rollups_fold, run by the reports worker job), and game_rollups_folded_days lists the days
-- whose day rows are exact. A report reads a whole day from the day rows only when the day is listed,
-- in the same snapshot; any other day from its hour rows — exact either way, only slower. Any later
-- write to an hour row of a day that may be folded (a rollback of an old action, a repair, the bench's and
-- the tests' time travel) takes the day off the list, through row triggers that fire only for hours older
-- than an hour; the hot path's writes to the current hour never fire them. (Maintaining the day rows in
-- the batch's transaction instead cost W1 about 10 % of its throughput, measured.)

create table game_rollups_daily (
  day date not null,
  provider text not null,
  game text not null,
  player text not null,
  currency text not null,
  bet_count bigint not null,
  win_count bigint not null,
  bets_minor bigint not null,
  wins_minor bigint not null,
  bonus_bets_minor bigint not null,
  bonus_wins_minor bigint not null,
  primary key (day, provider, game, player, currency)
);

create table game_rollups_daily_games (
  day date not null,
  provider text not null,
  game text not null,
  currency text not null,
  -- Rows of game_rollups_daily of this day, provider, game and currency with bet_count + win_count > 0:
  -- the row count of the finest grouping, without reading its rows.
  groups bigint not null,
  bet_count bigint not null,
  win_count bigint not null,
  bets_minor bigint not null,
  wins_minor bigint not null,
  bonus_bets_minor bigint not null,
  bonus_wins_minor bigint not null,
  primary key (day, provider, game, currency)
);

create table game_rollups_daily_players (
  day date not null,
  player text not null,
  currency text not null,
  bet_count bigint not null,
  win_count bigint not null,
  bets_minor bigint not null,
  wins_minor bigint not null,
  bonus_bets_minor bigint not null,
  bonus_wins_minor bigint not null,
  primary key (day, player, currency)
);

-- The UTC days whose day rows equal the sums of their hour rows.
create table game_rollups_folded_days (
  day date primary key,
  folded_at timestamptz not null default now()
);

-- One lock per UTC day, taken by a fold and by every write that takes the day off the list, so a fold
-- never misses a write it did not see: the second waits for the first to commit.
create function game_rollups_lock_day(d date) returns void language sql as $$
  select pg_advisory_xact_lock(45, d - date '2000-01-01');
$$;

-- Recomputes the day rows of UTC day d from its hour rows (groups whose sums are all 0 are left out) and
-- lists the day as folded.
create function game_rollups_fold_day(d date) returns void language plpgsql as $$
declare
  lo timestamptz := d::timestamp at time zone 'UTC';
begin
  perform game_rollups_lock_day(d);
  delete from game_rollups_daily where day = d;
  delete from game_rollups_daily_games where day = d;
  delete from game_rollups_daily_players where day = d;
  insert into game_rollups_daily (day, provider, game, player, currency, bet_count, win_count, bets_minor, wins_minor,
                                  bonus_bets_minor, bonus_wins_minor)
  select d, provider, game, player, currency, sum(bet_count), sum(win_count), sum(bets_minor), sum(wins_minor),
         sum(bonus_bets_minor), sum(bonus_wins_minor)
  from game_rollups where hour_start >= lo and hour_start < lo + interval '1 day'
  group by provider, game, player, currency
  having sum(bet_count) <> 0 or sum(win_count) <> 0 or sum(bets_minor) <> 0 or sum(wins_minor) <> 0
      or sum(bonus_bets_minor) <> 0 or sum(bonus_wins_minor) <> 0;
  insert into game_rollups_daily_games (day, provider, game, currency, groups, bet_count, win_count, bets_minor, wins_minor,
                                        bonus_bets_minor, bonus_wins_minor)
  select d, provider, game, currency, count(*) filter (where bet_count + win_count > 0), sum(bet_count), sum(win_count),
         sum(bets_minor), sum(wins_minor), sum(bonus_bets_minor), sum(bonus_wins_minor)
  from game_rollups_daily where day = d
  group by provider, game, currency;
  insert into game_rollups_daily_players (day, player, currency, bet_count, win_count, bets_minor, wins_minor,
                                          bonus_bets_minor, bonus_wins_minor)
  select d, player, currency, sum(bet_count), sum(win_count), sum(bets_minor), sum(wins_minor),
         sum(bonus_bets_minor), sum(bonus_wins_minor)
  from game_rollups_daily where day = d
  group by player, currency;
  insert into game_rollups_folded_days (day) values (d) on conflict (day) do update set folded_at = now();
end $$;

-- Up to max_days days (the oldest first) that ended before `until` and hold hour rows but are not listed.
create function game_rollups_days_to_fold(until timestamptz, max_days integer) returns setof date language sql stable as $$
  select s.day::date
  from generate_series(timezone('UTC', (select min(hour_start) from game_rollups))::date, timezone('UTC', until)::date - 1,
                       interval '1 day') s(day)
  where not exists (select from game_rollups_folded_days f where f.day = s.day::date)
    and exists (select from game_rollups h where h.hour_start >= s.day::date::timestamp at time zone 'UTC'
                                             and h.hour_start < (s.day::date + 1)::timestamp at time zone 'UTC')
  order by 1
  limit max_days
$$;

-- Folds those days in one transaction (a backfill, a test, the bench); returns how many. The worker job
-- folds one day per transaction instead, so it never holds two day locks at once.
create function game_rollups_fold(until timestamptz, max_days integer) returns integer language plpgsql as $$
declare
  d date;
  folded integer := 0;
begin
  for d in select game_rollups_days_to_fold(until, max_days) loop
    perform game_rollups_fold_day(d);
    folded := folded + 1;
  end loop;
  return folded;
end $$;

-- A write to an hour row of a listed day takes the day off the list (row triggers, only for hours older
-- than an hour: a fold only takes days that ended two hours before it began, so a write to a recent hour
-- meets no listed day — short of a transaction writing rollups for more than an hour).
create function game_rollups_unfold() returns trigger language plpgsql as $$
declare
  d date;
begin
  for d in
    select distinct x from unnest(array[
      case when tg_op <> 'INSERT' then timezone('UTC', old.hour_start)::date end,
      case when tg_op <> 'DELETE' then timezone('UTC', new.hour_start)::date end]) x
    where x is not null
  loop
    perform game_rollups_lock_day(d);
    delete from game_rollups_folded_days where day = d;
  end loop;
  return null;
end $$;

create trigger game_rollups_unfold_insert after insert on game_rollups
  for each row when (new.hour_start < now() - interval '1 hour') execute function game_rollups_unfold();
create trigger game_rollups_unfold_update after update on game_rollups
  for each row when (old.hour_start < now() - interval '1 hour' or new.hour_start < now() - interval '1 hour')
  execute function game_rollups_unfold();
create trigger game_rollups_unfold_delete after delete on game_rollups
  for each row when (old.hour_start < now() - interval '1 hour') execute function game_rollups_unfold();

create function game_rollups_unfold_all() returns trigger language plpgsql as $$
begin
  truncate game_rollups_folded_days;
  return null;
end $$;

create trigger game_rollups_unfold_truncate after truncate on game_rollups
  for each statement execute function game_rollups_unfold_all();

-- Existing hour rows: every day that ended two hours ago.
select game_rollups_fold(now() - interval '2 hours', null);
