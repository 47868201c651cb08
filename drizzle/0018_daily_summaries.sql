CREATE TABLE "summaries" (
	"id" serial PRIMARY KEY NOT NULL,
	"store_hash" text NOT NULL,
	"provider" text NOT NULL,
	"day" date NOT NULL,
	"currency" text NOT NULL,
	"method" text NOT NULL,
	"number" text NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"posting_key" text NOT NULL,
	"remote_id" text,
	"remote_number" text,
	"content_hash" text,
	"summary" jsonb,
	"message" text,
	"closed_at" timestamp with time zone,
	"posted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "summaries_store_provider_day_currency_method_uq" ON "summaries" USING btree ("store_hash","provider","day","currency","method");--> statement-breakpoint
CREATE INDEX "summaries_store_day_idx" ON "summaries" USING btree ("store_hash","day");