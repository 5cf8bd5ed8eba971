-- A batch reads only the bonus splits its commands refer to (src/bonus/store.ts readBonusPlays): every
-- split of a round a win is paid in (by round_key) and the split of a transfer a rollback reverses (the
-- primary key) — no longer every split of a bonus player's last seven days, which grew with their play.
create index bonus_plays_round on bonus_plays (round_key) where round_key is not null;
-- Nothing reads a player's splits by time any more: one index less to write per bet.
drop index bonus_plays_player;
