ALTER TABLE `workspaces` ADD `oldest_screenshot_at` integer DEFAULT 8640000000000000;--> statement-breakpoint
-- Hand-added: new workspaces start with no screenshots (the default), but the objects of existing ones may hold some; NULL = unknown, checked by the next retention run.
UPDATE `workspaces` SET `oldest_screenshot_at` = NULL;
