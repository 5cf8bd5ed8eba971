-- Game report rollups (SPEC §6), for every surface that takes bets: one row per hour, surface,
-- provider, game, player and currency with activity, written by the reports module's play participant
-- in the same transaction as the money (one upsert per batch). A rollback moves its amount from the
-- live totals to the rolled-back ones of the hour its original was processed in. Replaces the
-- aggregator-only aggregator_rtp_hourly: the aggregator's RTP reports read the aggregator rows here.
-- No CHECK >= 0 on the sums: a negative delta in an upsert is checked before it meets its row.

create table game_rollups (
  player text not null,
  currency text not null,
  hour_start timestamptz not null check (extract(epoch from hour_start) % 3600 = 0),
  surface text not null check (surface in ('aggregator', 'casino')),
  provider text not null,
  game text not null,
  -- Bets and wins recorded (live, rolled back, or arrived already cancelled): 0 never leaves a row in a report.
  actions bigint not null default 0,
  -- Bets not rolled back, and the sums of bets and wins not rolled back.
  bet_count bigint not null default 0,
  bets_minor bigint not null default 0,
  wins_minor bigint not null default 0,
  rolled_back_bets_minor bigint not null default 0,
  rolled_back_wins_minor bigint not null default 0,
  primary key (player, currency, hour_start, surface, provider, game)
) with (fillfactor = 80);

create index game_rollups_hour on game_rollups (hour_start);

-- Existing aggregator actions, hours in UTC (not the session's zone); game "provider:game", no colon: provider default.
insert into game_rollups (player, currency, hour_start, surface, provider, game, actions, bet_count, bets_minor, wins_minor,
                          rolled_back_bets_minor, rolled_back_wins_minor)
select user_id, currency, to_timestamp(floor(extract(epoch from created_at) / 3600) * 3600), 'aggregator',
       case when game is null then 'default' when position(':' in game) = 0 then 'default' else split_part(game, ':', 1) end,
       case when game is null then '' when position(':' in game) = 0 then game else substr(game, position(':' in game) + 1) end,
       count(*),
       count(*) filter (where action = 'bet' and not rolled_back),
       coalesce(sum(amount_minor) filter (where action = 'bet' and not rolled_back), 0),
       coalesce(sum(amount_minor) filter (where action = 'win' and not rolled_back), 0),
       coalesce(sum(amount_minor) filter (where action = 'bet' and rolled_back), 0),
       coalesce(sum(amount_minor) filter (where action = 'win' and rolled_back), 0)
from aggregator_actions where action <> 'rollback'
group by 1, 2, 3, 4, 5, 6;

-- Existing casino callbacks: debits are bets (rolled back when a rollback named them), credits are wins.
insert into game_rollups (player, currency, hour_start, surface, provider, game, actions, bet_count, bets_minor, wins_minor,
                          rolled_back_bets_minor, rolled_back_wins_minor)
select t.user_id, t.currency, to_timestamp(floor(extract(epoch from t.created_at) / 3600) * 3600), 'casino',
       coalesce(g.provider, 'jaqpot'), coalesce(t.game_id, ''),
       count(*),
       count(*) filter (where t.kind = 'debit' and t.rolled_back_by is null),
       coalesce(sum(t.amount_minor) filter (where t.kind = 'debit' and t.rolled_back_by is null), 0),
       coalesce(sum(t.amount_minor) filter (where t.kind = 'credit'), 0),
       coalesce(sum(t.amount_minor) filter (where t.kind = 'debit' and t.rolled_back_by is not null), 0),
       0
from seamless_transactions t left join seamless_games g on g.game_id = t.game_id
where t.kind in ('debit', 'credit')
group by 1, 2, 3, 4, 5, 6;

drop table aggregator_rtp_hourly;
