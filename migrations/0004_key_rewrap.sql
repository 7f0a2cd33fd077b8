CREATE TABLE `job_chunk_results` (
	`job_id` text NOT NULL,
	`range_no` integer NOT NULL,
	`cursor` text NOT NULL,
	`result` text NOT NULL,
	PRIMARY KEY(`job_id`, `range_no`, `cursor`)
);
--> statement-breakpoint
ALTER TABLE `tenant_keys` ADD `retired_at` text;