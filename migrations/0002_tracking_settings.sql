CREATE TABLE `classification_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`team_id` text,
	`match` text NOT NULL,
	`pattern` text NOT NULL,
	`category` text NOT NULL,
	`project_id` text,
	`priority` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "classification_rules_pattern_ck" CHECK(length("classification_rules"."pattern") between 1 and 200)
);
--> statement-breakpoint
CREATE INDEX `classification_rules_ws_idx` ON `classification_rules` (`workspace_id`,`team_id`);--> statement-breakpoint
CREATE TABLE `device_codes` (
	`code_hash` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`member_id` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `device_codes_member_idx` ON `device_codes` (`member_id`);--> statement-breakpoint
CREATE TABLE `rate_windows` (
	`key` text PRIMARY KEY NOT NULL,
	`window_start` integer NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tracking_settings` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`screenshots_per_slot` integer DEFAULT 1 NOT NULL,
	`screenshot_blur` integer DEFAULT false NOT NULL,
	`screenshot_deletion` text DEFAULT 'allowed' NOT NULL,
	`screenshot_retention_days` integer DEFAULT 30 NOT NULL,
	`track_apps` integer DEFAULT true NOT NULL,
	`track_urls` integer DEFAULT true NOT NULL,
	`capture_titles` integer DEFAULT true NOT NULL,
	`idle_threshold_s` integer DEFAULT 300 NOT NULL,
	`idle_policy` text DEFAULT 'ask' NOT NULL,
	`manual_time` text DEFAULT 'allowed' NOT NULL,
	`exclusions` text DEFAULT '{"apps":[],"domains":[],"titleKeywords":[]}' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "tracking_settings_shots_ck" CHECK("tracking_settings"."screenshots_per_slot" between 0 and 3),
	CONSTRAINT "tracking_settings_idle_ck" CHECK("tracking_settings"."idle_threshold_s" > 0),
	CONSTRAINT "tracking_settings_retention_ck" CHECK("tracking_settings"."screenshot_retention_days" > 0)
);
--> statement-breakpoint
ALTER TABLE `devices` ADD `token_hash` text;--> statement-breakpoint
ALTER TABLE `devices` ADD `last_ip` text;--> statement-breakpoint
CREATE UNIQUE INDEX `devices_token_uq` ON `devices` (`token_hash`);