-- The game round of a game transfer (src/play/money.ts) in columns of its own instead of a JSON copy in
-- `metadata`: each bet and win sent ~95 bytes of escaped JSON that PostgreSQL parsed into jsonb, for
-- four short strings. Adding nullable columns rewrites nothing. Rows written before this migration keep
-- the round in their metadata; the readers (wallet history and rounds) take the columns, else that.
alter table transfers
  add column round_surface text,
  add column round_provider text,
  add column round_game text,
  add column round_id text;

-- A round is named whole: surface, provider and game together (round_id may be absent: an aggregator
-- request without game_id). NOT VALID: enforced on every new row without scanning the existing ones.
alter table transfers add constraint transfers_round_whole check (
  (round_surface is null) = (round_provider is null) and (round_surface is null) = (round_game is null)
  and (round_id is null or round_surface is not null)
) not valid;
