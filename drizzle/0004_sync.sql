CREATE TABLE "backfills" (
	"id" serial PRIMARY KEY NOT NULL,
	"store_hash" text NOT NULL,
	"from_date" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"next_page" integer DEFAULT 1 NOT NULL,
	"total" integer,
	"seen" integer DEFAULT 0 NOT NULL,
	"posted" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"error" text,
	"requested_by" bigint,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "store_sync" (
	"store_hash" text PRIMARY KEY NOT NULL,
	"provider" text DEFAULT 'ledger' NOT NULL,
	"watermark" timestamp with time zone,
	"last_sweep_at" timestamp with time zone,
	"last_sweep_result" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"store_hash" text NOT NULL,
	"order_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_records" (
	"id" serial PRIMARY KEY NOT NULL,
	"store_hash" text NOT NULL,
	"order_id" bigint NOT NULL,
	"provider" text NOT NULL,
	"state" text NOT NULL,
	"reason" text,
	"message" text,
	"idempotency_key" text,
	"content_hash" text,
	"remote_id" text,
	"remote_number" text,
	"document_version" integer DEFAULT 0 NOT NULL,
	"locked" boolean DEFAULT false NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"order_status_id" integer,
	"order_date_created" timestamp with time zone,
	"order_date_modified" timestamp with time zone,
	"order_total" text,
	"currency" text,
	"customer_name" text,
	"written_status_id" integer,
	"status_written_at" timestamp with time zone,
	"document" jsonb,
	"posted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "backfills_store_started_idx" ON "backfills" USING btree ("store_hash","started_at");--> statement-breakpoint
CREATE INDEX "sync_events_store_order_at_idx" ON "sync_events" USING btree ("store_hash","order_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_records_store_order_provider_uq" ON "sync_records" USING btree ("store_hash","order_id","provider");--> statement-breakpoint
CREATE INDEX "sync_records_store_state_updated_idx" ON "sync_records" USING btree ("store_hash","state","updated_at");--> statement-breakpoint
CREATE INDEX "sync_records_store_updated_idx" ON "sync_records" USING btree ("store_hash","updated_at");