CREATE TABLE "webhook_deliveries" (
	"id" serial PRIMARY KEY NOT NULL,
	"store_hash" text NOT NULL,
	"hash" text NOT NULL,
	"scope" text NOT NULL,
	"resource_id" bigint,
	"payload" jsonb NOT NULL,
	"event_created_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "webhook_secret_enc" text;--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_store_hash_uq" ON "webhook_deliveries" USING btree ("store_hash","hash");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_store_received_idx" ON "webhook_deliveries" USING btree ("store_hash","received_at");