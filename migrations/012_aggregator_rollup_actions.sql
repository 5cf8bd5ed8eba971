-- How many bets and wins each rollup row holds (live and rolled back alike). With it an RTP report can
-- take a partial hour at the edge of its window as the hour's rollup minus the actions outside the
-- window, when that side is the shorter one (a window ending now: nothing to subtract), and still
-- tell a player with no action left in the window (count 0) from one with actions that sum to zero.
alter table aggregator_rtp_hourly add column actions bigint not null default 0;

-- Existing rows: counted from the actions, hours in UTC as the rollups are (not the session's zone).
update aggregator_rtp_hourly h set actions = c.actions
from (
  select user_id, currency, to_timestamp(floor(extract(epoch from created_at) / 3600) * 3600) as hour_start,
         count(*) as actions
  from aggregator_actions where action <> 'rollback'
  group by 1, 2, 3
) c
where h.user_id = c.user_id and h.currency = c.currency and h.hour_start = c.hour_start;
