-- Daily game rollups (SPEC §6): the live sums of game_rollups per UTC day, at three grains, so a report
-- answers whole days from day rows (a 30-day window reads at most 30 day rows per group instead of 720
-- hour rows) and only the partial days from hour rows:
--   game_rollups_daily          per day, provider, game, player, currency: one row per group of the
--                               finest grouping (its primary key is the reports' row order);
--   game_rollups_daily_games    per day, provider, game, currency (groupings without player), with
--                               the number of finest groups it holds;
--   game_rollups_daily_players  per day, player, currency (groupings without provider and game).
-- Surfaces are merged (the game reports never split them; the aggregator's RTP reports keep reading
-- the hour rows). Only what the game reports show: live counts and sums, with their bonus parts.
--
-- Kept in step by statement-level triggers on game_rollups, in the same statement, so in the same
-- transaction as the money: whatever writes game_rollups (the batch participant's one upsert per batch,
-- a migration's backfill, a repair) moves the day rows with it. One trigger run per statement, never per
-- row: the statement's rows arrive as transition tables, their difference is summed per key (new rows
-- plus, old rows minus) and upserted in key order (one lock order everywhere). The batch writer holds
-- the house account of the currency locked before it writes any rollup, so these rows add no waiting.
-- A day row whose counts and sums all drop to 0 (everything rolled back) stays: reports list a group
-- only when bet_count + win_count > 0, exactly as for the hour rows.

create table game_rollups_daily (
  day date not null,
  provider text not null,
  game text not null,
  player text not null,
  currency text not null,
  bet_count bigint not null default 0,
  win_count bigint not null default 0,
  bets_minor bigint not null default 0,
  wins_minor bigint not null default 0,
  bonus_bets_minor bigint not null default 0,
  bonus_wins_minor bigint not null default 0,
  primary key (day, provider, game, player, currency)
) with (fillfactor = 80);

create table game_rollups_daily_games (
  day date not null,
  provider text not null,
  game text not null,
  currency text not null,
  -- Rows of game_rollups_daily of this day, provider, game and currency with bet_count + win_count > 0:
  -- the row count of the finest grouping, without reading its rows.
  groups bigint not null default 0,
  bet_count bigint not null default 0,
  win_count bigint not null default 0,
  bets_minor bigint not null default 0,
  wins_minor bigint not null default 0,
  bonus_bets_minor bigint not null default 0,
  bonus_wins_minor bigint not null default 0,
  primary key (day, provider, game, currency)
) with (fillfactor = 80);

create table game_rollups_daily_players (
  day date not null,
  player text not null,
  currency text not null,
  bet_count bigint not null default 0,
  win_count bigint not null default 0,
  bets_minor bigint not null default 0,
  wins_minor bigint not null default 0,
  bonus_bets_minor bigint not null default 0,
  bonus_wins_minor bigint not null default 0,
  primary key (day, player, currency)
) with (fillfactor = 80);

-- Adds `plus` and subtracts `minus` (rows of game_rollups) to the day rows of all three grains. A key
-- whose difference is all zeros (an update of the rolled-back sums only, a row moved within its day) is
-- not written.
create function game_rollups_daily_add(plus game_rollups[], minus game_rollups[]) returns void
language plpgsql as $$
begin
  with delta as (
    select timezone('UTC', r.hour_start)::date as day, r.provider, r.game, r.player, r.currency,
           r.bet_count, r.win_count, r.bets_minor, r.wins_minor, r.bonus_bets_minor, r.bonus_wins_minor
    from unnest(plus) r
    union all
    select timezone('UTC', r.hour_start)::date, r.provider, r.game, r.player, r.currency,
           -r.bet_count, -r.win_count, -r.bets_minor, -r.wins_minor, -r.bonus_bets_minor, -r.bonus_wins_minor
    from unnest(minus) r
  ), summed as (
    select day, provider, game, player, currency,
           sum(bet_count)::bigint as bet_count, sum(win_count)::bigint as win_count,
           sum(bets_minor)::bigint as bets_minor, sum(wins_minor)::bigint as wins_minor,
           sum(bonus_bets_minor)::bigint as bonus_bets_minor, sum(bonus_wins_minor)::bigint as bonus_wins_minor
    from delta group by day, provider, game, player, currency
  ), fine as (
    select * from summed
    where bet_count <> 0 or win_count <> 0 or bets_minor <> 0 or wins_minor <> 0 or bonus_bets_minor <> 0 or bonus_wins_minor <> 0
  ), fine_written as (
    insert into game_rollups_daily as d (day, provider, game, player, currency, bet_count, win_count, bets_minor, wins_minor,
                                         bonus_bets_minor, bonus_wins_minor)
    select * from fine order by day, provider, game, player, currency
    on conflict (day, provider, game, player, currency) do update set
      bet_count = d.bet_count + excluded.bet_count, win_count = d.win_count + excluded.win_count,
      bets_minor = d.bets_minor + excluded.bets_minor, wins_minor = d.wins_minor + excluded.wins_minor,
      bonus_bets_minor = d.bonus_bets_minor + excluded.bonus_bets_minor,
      bonus_wins_minor = d.bonus_wins_minor + excluded.bonus_wins_minor
    returning d.day, d.provider, d.game, d.player, d.currency, d.bet_count, d.win_count
  ), games_written as (
    -- groups: the fine rows listed before (counts before = after − delta) and after, so a game row knows
    -- how many groups of the finest grouping its day has without reading them.
    insert into game_rollups_daily_games as d (day, provider, game, currency, groups, bet_count, win_count, bets_minor, wins_minor,
                                               bonus_bets_minor, bonus_wins_minor)
    select f.day, f.provider, f.game, f.currency,
           sum((w.bet_count + w.win_count > 0)::int - (w.bet_count - f.bet_count + w.win_count - f.win_count > 0)::int),
           sum(f.bet_count), sum(f.win_count), sum(f.bets_minor), sum(f.wins_minor), sum(f.bonus_bets_minor), sum(f.bonus_wins_minor)
    from fine f join fine_written w using (day, provider, game, player, currency)
    group by f.day, f.provider, f.game, f.currency order by f.day, f.provider, f.game, f.currency
    on conflict (day, provider, game, currency) do update set
      groups = d.groups + excluded.groups,
      bet_count = d.bet_count + excluded.bet_count, win_count = d.win_count + excluded.win_count,
      bets_minor = d.bets_minor + excluded.bets_minor, wins_minor = d.wins_minor + excluded.wins_minor,
      bonus_bets_minor = d.bonus_bets_minor + excluded.bonus_bets_minor,
      bonus_wins_minor = d.bonus_wins_minor + excluded.bonus_wins_minor
  )
  insert into game_rollups_daily_players as d (day, player, currency, bet_count, win_count, bets_minor, wins_minor,
                                               bonus_bets_minor, bonus_wins_minor)
  select day, player, currency, sum(bet_count), sum(win_count), sum(bets_minor), sum(wins_minor),
         sum(bonus_bets_minor), sum(bonus_wins_minor)
  from fine group by day, player, currency order by day, player, currency
  on conflict (day, player, currency) do update set
    bet_count = d.bet_count + excluded.bet_count, win_count = d.win_count + excluded.win_count,
    bets_minor = d.bets_minor + excluded.bets_minor, wins_minor = d.wins_minor + excluded.wins_minor,
    bonus_bets_minor = d.bonus_bets_minor + excluded.bonus_bets_minor,
    bonus_wins_minor = d.bonus_wins_minor + excluded.bonus_wins_minor;
end $$;

-- The transition tables of one statement. An INSERT … ON CONFLICT DO UPDATE fires both the insert and the
-- update trigger, each with its own rows (one of them often none: then nothing is done).
create function game_rollups_to_daily() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    if exists (select from new_rows) then
      perform game_rollups_daily_add(array(select n::game_rollups from new_rows n), null::game_rollups[]);
    end if;
  elsif tg_op = 'UPDATE' then
    if exists (select from new_rows) then
      perform game_rollups_daily_add(array(select n::game_rollups from new_rows n), array(select o::game_rollups from old_rows o));
    end if;
  elsif tg_op = 'DELETE' then
    if exists (select from old_rows) then
      perform game_rollups_daily_add(null::game_rollups[], array(select o::game_rollups from old_rows o));
    end if;
  else
    truncate game_rollups_daily, game_rollups_daily_games, game_rollups_daily_players;
  end if;
  return null;
end $$;

create trigger game_rollups_daily_insert after insert on game_rollups
  referencing new table as new_rows for each statement execute function game_rollups_to_daily();
create trigger game_rollups_daily_update after update on game_rollups
  referencing old table as old_rows new table as new_rows for each statement execute function game_rollups_to_daily();
create trigger game_rollups_daily_delete after delete on game_rollups
  referencing old table as old_rows for each statement execute function game_rollups_to_daily();
create trigger game_rollups_daily_truncate after truncate on game_rollups
  for each statement execute function game_rollups_to_daily();

-- Existing hour rows, a UTC day at a time (whatever the session's zone), so no array grows with the table.
do $$
declare
  d date;
begin
  for d in select distinct timezone('UTC', hour_start)::date from game_rollups order by 1 loop
    perform game_rollups_daily_add(
      array(select r from game_rollups r
            where r.hour_start >= d::timestamp at time zone 'UTC' and r.hour_start < (d + 1)::timestamp at time zone 'UTC'),
      null);
  end loop;
end $$;
