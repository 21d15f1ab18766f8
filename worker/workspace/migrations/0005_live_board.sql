CREATE TABLE `live_members` (
	`member_id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`project_id` text,
	`task_id` text,
	`entry_id` text,
	`timer_started_at` integer,
	`source` text,
	`last_seen_at` integer,
	`heartbeat_at` integer,
	`device_id` text,
	`device_seen_at` integer,
	`time_zone` text NOT NULL,
	`offline_after_ms` integer,
	`activity_percent` integer,
	`activity_slot_ms` integer,
	`app_name` text,
	`app_title` text,
	`app_url` text,
	`app_at` integer,
	`shot_id` text,
	`shot_taken_at` integer,
	`today` text NOT NULL,
	`today_starts_at` integer NOT NULL,
	`today_ends_at` integer NOT NULL,
	`today_seconds` integer NOT NULL,
	`today_by_project` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `live_scopes` (
	`scope_key` text PRIMARY KEY NOT NULL,
	`scope_json` text NOT NULL,
	`created_at` integer NOT NULL
);
