-- Game reports (SPEC §6): the bonus parts of bets and wins, live wins counted, the partial hours of the
-- casino surface found by time, and bonus conversions found by time.

-- The parts of live bets and wins staked with / paid to bonus money (already included in bets_minor and
-- wins_minor). Zero until bonus wagering feeds them: a bet or win PlayEvent carries an optional
-- bonus_minor that the rollup participant adds (src/play/events.ts).
alter table game_rollups add column bonus_bets_minor bigint not null default 0;
alter table game_rollups add column bonus_wins_minor bigint not null default 0;
-- Wins not rolled back. With bet_count a report lists a group only when a live bet or win remains in it:
-- rolled-back actions count nowhere, not even as an empty row.
alter table game_rollups add column win_count bigint not null default 0;

-- The same bonus part on each action row, so the partial hours read from the actions stay exact once
-- bonus wagering writes it. A constant default: no table rewrite, nothing changes on the write paths.
alter table aggregator_actions add column bonus_minor bigint not null default 0 check (bonus_minor >= 0);
alter table seamless_transactions add column bonus_minor bigint not null default 0 check (bonus_minor >= 0);

-- Existing rows: live wins counted from the actions, in UTC hours (not the session's zone).
update game_rollups r set win_count = c.wins
from (
  select user_id, currency, to_timestamp(floor(extract(epoch from created_at) / 3600) * 3600) as hour_start,
         case when game is null then 'default' when position(':' in game) = 0 then 'default' else split_part(game, ':', 1) end as provider,
         case when game is null then '' when position(':' in game) = 0 then game else substr(game, position(':' in game) + 1) end as game,
         count(*) as wins
  from aggregator_actions where action = 'win' and not rolled_back
  group by 1, 2, 3, 4, 5
) c
where r.surface = 'aggregator' and r.player = c.user_id and r.currency = c.currency and r.hour_start = c.hour_start
  and r.provider = c.provider and r.game = c.game;

update game_rollups r set win_count = c.wins
from (
  select user_id, currency, to_timestamp(floor(extract(epoch from created_at) / 3600) * 3600) as hour_start,
         coalesce(game_id, '') as game, count(*) as wins
  from seamless_transactions where kind = 'credit'
  group by 1, 2, 3, 4
) c
where r.surface = 'casino' and r.player = c.user_id and r.currency = c.currency and r.hour_start = c.hour_start and r.game = c.game;

-- created_at is the batch's processing time, so casino rows arrive in time order: BRIN, as on
-- aggregator_actions (migrations/011), for the partial hours of a report window at ~1 µs per insert.
create index seamless_transactions_created on seamless_transactions using brin (created_at)
  with (pages_per_range = 32, autosummarize = on);

-- Bonus money that became cash (NGR). Conversions are rare (at most one per grant), so a partial index
-- holds only them: exact for any window, and the hot path's bets and wins never pay for an entry.
create index transfers_bonus_convert on transfers (created_at) where kind = 'bonus_convert';
