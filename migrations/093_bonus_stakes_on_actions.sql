-- A bet's bonus split lives on the protocol's own row of the bet, no longer as a bonus_plays row of its
-- own: the row already held its bonus part (bonus_minor); it now also names the grant it was staked with
-- and its wagering contribution (src/play/money.ts stakedBonusOf). One insert row fewer per bonus bet (a
-- split row cost ~480 bytes of WAL with its two indexes). A win's proportion reads its round's bonus bets
-- from the protocol's rows, a rollback takes its original's split from the row it already reads.
-- bonus_plays keeps what no protocol row can say: a win whose bonus part went to cash or the pool.
alter table aggregator_actions
  add column bonus_id uuid,
  add column contribution_minor bigint;
alter table aggregator_actions add constraint aggregator_actions_bonus_stake check (
  (bonus_id is null) = (contribution_minor is null) and (bonus_id is null or action = 'bet')
  and (contribution_minor is null or contribution_minor >= 0)
) not valid;

alter table seamless_transactions
  add column bonus_id uuid,
  add column contribution_minor bigint;
alter table seamless_transactions add constraint seamless_transactions_bonus_stake check (
  (bonus_id is null) = (contribution_minor is null) and (bonus_id is null or kind = 'debit')
  and (contribution_minor is null or contribution_minor >= 0)
) not valid;

-- A win's round (game_id) probed for its bonus bets: bonus bets only, so players without a bonus add
-- nothing to it and a batch of them probes an index with nothing of theirs in it. The casino callbacks
-- already read a credit's round debits (seamless_transactions_round_debits).
create index aggregator_actions_bonus_rounds on aggregator_actions (game_id) where bonus_id is not null;

-- The splits of bets made before this migration move onto their rows (a bet's answered id is its first
-- transfer, which names its split), so their rounds and rollbacks still find them.
update aggregator_actions a set bonus_id = p.bonus_id, contribution_minor = p.contribution_minor
from bonus_plays p
where p.kind = 'bet' and a.action = 'bet' and a.tx_id = p.transfer_id
  and a.created_at >= (select min(created_at) from bonus_plays);
update seamless_transactions s set bonus_id = p.bonus_id, contribution_minor = p.contribution_minor
from bonus_plays p
where p.kind = 'bet' and s.kind = 'debit' and s.transfer_id = p.transfer_id;
delete from bonus_plays where kind = 'bet';
-- bonus_plays is read by transfer id only now (a rollback of a stored win): its primary key.
drop index bonus_plays_round;
