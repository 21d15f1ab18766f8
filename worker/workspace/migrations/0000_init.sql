CREATE TABLE `presence` (
	`member_id` text PRIMARY KEY NOT NULL,
	`state` text DEFAULT 'offline' NOT NULL,
	`last_heartbeat_at` integer,
	`updated_at` integer NOT NULL
);
