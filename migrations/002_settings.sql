-- Small key/value facts about this database (e.g. when the demo seed ran).
create table croupier_settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);
