CREATE TABLE `screenshot_views` (
	`shot_id` text NOT NULL,
	`viewer_member_id` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `screenshot_views_shot_idx` ON `screenshot_views` (`shot_id`);--> statement-breakpoint
CREATE TABLE `screenshots` (
	`id` text PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL,
	`device_id` text,
	`taken_at_ms` integer NOT NULL,
	`slot_start_ms` integer NOT NULL,
	`display` integer DEFAULT 0 NOT NULL,
	`activity_pct` integer,
	`app` text,
	`content_type` text DEFAULT 'image/jpeg' NOT NULL,
	`r2_key` text NOT NULL,
	`thumb_r2_key` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`thumb_bytes` integer NOT NULL,
	`created_at` integer NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE INDEX `screenshots_member_taken_idx` ON `screenshots` (`member_id`,`taken_at_ms`);--> statement-breakpoint
CREATE INDEX `screenshots_taken_idx` ON `screenshots` (`taken_at_ms`);--> statement-breakpoint
ALTER TABLE `time_entries` ADD `approval` text DEFAULT 'approved' NOT NULL;--> statement-breakpoint
ALTER TABLE `time_entries` ADD `reason` text;