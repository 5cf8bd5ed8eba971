-- A batch reads only the bonus splits its commands refer to (src/bonus/store.ts readBonusPlays): every
-- split of a round a win is paid in (by round_key) and the split of a transfer a rollback reverses (the
-- primary key) — no longer every split of a bonus player's last seven days, which grew with their play.
create index bonus_plays_round on bonus_plays (round_key) where round_key is not null;
-- Nothing reads a player's splits by time any more: one index less to write per bet.
drop index bonus_plays_player;
-- No foreign key from a split to its grant: the participant only ever writes a split of a grant it read
-- or created in the same batch, and grants are never deleted. The key's check ran once per split (two per
-- bonus request), each locking the grant FOR KEY SHARE in the same transaction that updates its wagering:
-- ~1 ms of a 31-request batch's database time (pg_stat_statements under the bonus workload). A test
-- checks every split names a grant after the bonus play tests.
alter table bonus_plays drop constraint bonus_plays_bonus_id_fkey;
