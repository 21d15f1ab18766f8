-- Hand-written (issue 5, the live board's grace period). drizzle-kit answers a new check constraint with a
-- table rebuild whose INSERT … SELECT copies `offline_after_s` from the old table, which has no such column.
-- SQLite adds a column with its own CHECK in place; existing rows take the default, which passes it.
ALTER TABLE `tracking_settings` ADD `offline_after_s` integer DEFAULT 180 NOT NULL CONSTRAINT "tracking_settings_offline_ck" CHECK(`offline_after_s` between 60 and 3600);
