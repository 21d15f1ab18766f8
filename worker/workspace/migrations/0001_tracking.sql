CREATE TABLE `activity_slots` (
	`id` text PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL,
	`slot_start_ms` integer NOT NULL,
	`tracked_s` integer NOT NULL,
	`active_s` integer NOT NULL,
	`rev` integer NOT NULL,
	`device_id` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `activity_slots_member_slot_device_uq` ON `activity_slots` (`member_id`,`slot_start_ms`,`device_id`);--> statement-breakpoint
CREATE TABLE `day_rollups` (
	`member_id` text NOT NULL,
	`local_day` text NOT NULL,
	`project_id` text,
	`task_id` text,
	`tracked_s` integer NOT NULL,
	`active_s` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `day_rollups_member_day_idx` ON `day_rollups` (`member_id`,`local_day`);--> statement-breakpoint
CREATE TABLE `idle_spans` (
	`id` text PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL,
	`start_ms` integer NOT NULL,
	`end_ms` integer NOT NULL,
	`decision` text NOT NULL,
	`project_id` text,
	`task_id` text,
	`device_id` text
);
--> statement-breakpoint
CREATE INDEX `idle_spans_member_start_idx` ON `idle_spans` (`member_id`,`start_ms`);--> statement-breakpoint
CREATE TABLE `ingest_receipts` (
	`item_id` text PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`code` text,
	`field` text,
	`detail` text,
	`content_hash` text NOT NULL,
	`rev` integer NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `time_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL,
	`project_id` text,
	`task_id` text,
	`start_ms` integer NOT NULL,
	`end_ms` integer,
	`note` text DEFAULT '' NOT NULL,
	`billable` integer DEFAULT false NOT NULL,
	`source` text NOT NULL,
	`rev` integer NOT NULL,
	`device_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE INDEX `time_entries_member_start_idx` ON `time_entries` (`member_id`,`start_ms`);--> statement-breakpoint
CREATE TABLE `usage_spans` (
	`id` text PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL,
	`app` text NOT NULL,
	`title` text,
	`url` text,
	`start_ms` integer NOT NULL,
	`end_ms` integer NOT NULL,
	`category` text,
	`device_id` text
);
--> statement-breakpoint
CREATE INDEX `usage_spans_member_start_idx` ON `usage_spans` (`member_id`,`start_ms`);