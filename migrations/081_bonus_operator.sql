-- Bonus grants and forfeits are manual money movements (SPEC §4 "Operators and audit"): they record the
-- operator and the reason with the transfer. A grant's money may move later than its request (a pending
-- grant activates when the one before it ends), so the stamp is kept with the grant and copied into its
-- bonus_grant transfer whenever that happens. Null for grants made before this migration.
alter table bonuses add column granted_by jsonb;

-- The transfer a stored grant or forfeit answer made (null when none moved money, e.g. a pending grant),
-- so a replay is audited with the original transaction, as the wallet's replays are.
alter table bonus_idempotency_keys add column transfer_id uuid;
