ALTER TABLE "sync_events" ADD COLUMN "once_key" text;--> statement-breakpoint
CREATE UNIQUE INDEX "sync_events_store_order_once_uq" ON "sync_events" USING btree ("store_hash","order_id","once_key");