CREATE TABLE `export_parts` (
	`export_id` text NOT NULL,
	`first_seq` integer NOT NULL,
	`records` integer NOT NULL,
	`last_seq` integer NOT NULL,
	`plain_bytes` integer NOT NULL,
	`key_version` integer NOT NULL,
	`object_key` text NOT NULL,
	`hashes_key` text NOT NULL,
	PRIMARY KEY(`export_id`, `first_seq`)
);
--> statement-breakpoint
CREATE TABLE `exports` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`dataset_id` text NOT NULL,
	`format` text NOT NULL,
	`view` text NOT NULL,
	`options` text DEFAULT '{}' NOT NULL,
	`job_id` text,
	`manifest` text,
	`bytes` integer,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `exports_tenant_idx` ON `exports` (`tenant_id`,`id`);--> statement-breakpoint
CREATE TABLE `import_parts` (
	`import_id` text NOT NULL,
	`part_no` integer NOT NULL,
	`plain_bytes` integer NOT NULL,
	`etag` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`import_id`, `part_no`)
);
--> statement-breakpoint
CREATE TABLE `imports` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`dataset_id` text NOT NULL,
	`format` text NOT NULL,
	`on_error` text NOT NULL,
	`options` text DEFAULT '{}' NOT NULL,
	`status` text NOT NULL,
	`object_key` text NOT NULL,
	`upload_id` text NOT NULL,
	`part_size` integer NOT NULL,
	`key_version` integer NOT NULL,
	`bytes` integer,
	`job_id` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `imports_tenant_idx` ON `imports` (`tenant_id`,`id`);--> statement-breakpoint
CREATE TABLE `job_errors` (
	`job_id` text NOT NULL,
	`range_no` integer NOT NULL,
	`line` integer NOT NULL,
	`n` integer NOT NULL,
	`path` text NOT NULL,
	`reason` text NOT NULL,
	PRIMARY KEY(`job_id`, `range_no`, `line`, `n`)
);
--> statement-breakpoint
CREATE TABLE `job_ranges` (
	`job_id` text NOT NULL,
	`range_no` integer NOT NULL,
	`status` text NOT NULL,
	`bounds` text NOT NULL,
	`cursor` text,
	`step` integer DEFAULT 0 NOT NULL,
	`counters` text DEFAULT '{}' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`error` text,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`job_id`, `range_no`)
);
--> statement-breakpoint
ALTER TABLE `jobs` ADD `items_total` integer;--> statement-breakpoint
ALTER TABLE `jobs` ADD `bytes_total` integer;--> statement-breakpoint
ALTER TABLE `jobs` ADD `started_at` text;