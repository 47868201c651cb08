CREATE TABLE "sync_postings" (
	"id" serial PRIMARY KEY NOT NULL,
	"store_hash" text NOT NULL,
	"order_id" bigint NOT NULL,
	"provider" text NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"refund_id" bigint,
	"state" text NOT NULL,
	"remote_id" text,
	"number" text,
	"amount" text,
	"tax" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "store_sync" ADD COLUMN "refunds_watermark" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "sync_postings_store_provider_key_uq" ON "sync_postings" USING btree ("store_hash","provider","key");--> statement-breakpoint
CREATE INDEX "sync_postings_store_order_idx" ON "sync_postings" USING btree ("store_hash","order_id");--> statement-breakpoint
CREATE INDEX "sync_postings_store_refund_idx" ON "sync_postings" USING btree ("store_hash","refund_id");