-- A batch's pending row (migration 046) held its play events one by one, and the fold turned each into
-- the deltas of its hour row before summing them per key: with ten hot players (W2) a batch's ~60 events
-- touch ~10 keys, and the fold cost ~0.15 ms of database time per batch against 0.08 for the inline
-- upsert it replaced. The batch now sums its events per key itself (RollupEvents in src/reports/rollups.ts,
-- the same arithmetic) and appends those sums: the row and the fold shrink to one entry per key.

-- Events still pending in the old shape go into the hour rows first, in this transaction.
select game_rollups_fold_pending(true);

drop view game_rollups_pending_rows;
drop function game_rollups_fold_pending(boolean);
drop function game_rollups_event_rows(text[], text[], integer[], text[], text[], text[], smallint[], bigint[], bigint[]);
drop table game_rollups_pending;

-- One row per batch: the hour rows it adds to (key columns) and what it adds (one array per sum), entry i
-- of every array describing the same hour row. hours: the UTC hour, in hours since the epoch.
create table game_rollups_pending (
  players text[] not null,
  currencies text[] not null,
  hours integer[] not null,
  surfaces text[] not null,
  providers text[] not null,
  games text[] not null,
  actions bigint[] not null,
  bet_counts bigint[] not null,
  bets bigint[] not null,
  wins bigint[] not null,
  rolled_back_bets bigint[] not null,
  rolled_back_wins bigint[] not null,
  win_counts bigint[] not null,
  bonus_bets bigint[] not null,
  bonus_wins bigint[] not null,
  check (cardinality(currencies) = cardinality(players) and cardinality(hours) = cardinality(players)
     and cardinality(surfaces) = cardinality(players) and cardinality(providers) = cardinality(players)
     and cardinality(games) = cardinality(players) and cardinality(actions) = cardinality(players)
     and cardinality(bet_counts) = cardinality(players) and cardinality(bets) = cardinality(players)
     and cardinality(wins) = cardinality(players) and cardinality(rolled_back_bets) = cardinality(players)
     and cardinality(rolled_back_wins) = cardinality(players) and cardinality(win_counts) = cardinality(players)
     and cardinality(bonus_bets) = cardinality(players) and cardinality(bonus_wins) = cardinality(players))
-- No index: rows are only ever read all at once. Emptied every second: vacuumed by count, not by share.
-- Rows up to a page stay uncompressed (migration 091).
) with (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000, autovacuum_vacuum_insert_scale_factor = 0,
        autovacuum_vacuum_insert_threshold = 2000, toast_tuple_target = 8160);

-- The pending sums, shaped as hour rows (several may share a key: readers sum them). Same columns as before.
create view game_rollups_pending_rows as
select e.player, e.currency, to_timestamp(e.hour * 3600::bigint) as hour_start, e.surface, e.provider, e.game,
       e.actions, e.bet_count, e.bets_minor, e.wins_minor, e.rolled_back_bets_minor, e.rolled_back_wins_minor,
       e.win_count, e.bonus_bets_minor, e.bonus_wins_minor
from game_rollups_pending p,
     unnest(p.players, p.currencies, p.hours, p.surfaces, p.providers, p.games, p.actions, p.bet_counts, p.bets,
            p.wins, p.rolled_back_bets, p.rolled_back_wins, p.win_counts, p.bonus_bets, p.bonus_wins)
       as e(player, currency, hour, surface, provider, game, actions, bet_count, bets_minor, wins_minor,
            rolled_back_bets_minor, rolled_back_wins_minor, win_count, bonus_bets_minor, bonus_wins_minor);

-- As in migration 046: folds every pending row this transaction sees into game_rollups, in key order (one
-- lock order), behind an advisory lock. Returns the hour rows written, or -1 when another fold holds the
-- lock (unless wait).
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
    select e.player, e.currency, to_timestamp(e.hour * 3600::bigint) as hour_start, e.surface, e.provider, e.game,
           sum(e.actions) as actions, sum(e.bet_count) as bet_count, sum(e.bets_minor) as bets_minor,
           sum(e.wins_minor) as wins_minor, sum(e.rolled_back_bets_minor) as rolled_back_bets_minor,
           sum(e.rolled_back_wins_minor) as rolled_back_wins_minor, sum(e.win_count) as win_count,
           sum(e.bonus_bets_minor) as bonus_bets_minor, sum(e.bonus_wins_minor) as bonus_wins_minor
    from taken t,
         unnest(t.players, t.currencies, t.hours, t.surfaces, t.providers, t.games, t.actions, t.bet_counts, t.bets,
                t.wins, t.rolled_back_bets, t.rolled_back_wins, t.win_counts, t.bonus_bets, t.bonus_wins)
           as e(player, currency, hour, surface, provider, game, actions, bet_count, bets_minor, wins_minor,
                rolled_back_bets_minor, rolled_back_wins_minor, win_count, bonus_bets_minor, bonus_wins_minor)
    group by e.player, e.currency, e.hour, e.surface, e.provider, e.game
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
