CREATE UNIQUE INDEX `clients_ws_name_uq` ON `clients` (`workspace_id`,lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX `projects_ws_name_uq` ON `projects` (`workspace_id`,lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_project_name_uq` ON `tasks` (`project_id`,lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX `teams_ws_name_uq` ON `teams` (`workspace_id`,lower("name"));