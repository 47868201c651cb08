CREATE TABLE "mail_slots" (
	"store_hash" text NOT NULL,
	"slot" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mail_slots_store_hash_slot_pk" PRIMARY KEY("store_hash","slot")
);
--> statement-breakpoint
CREATE TABLE "mail_suppressions" (
	"email" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_preferences" (
	"store_hash" text NOT NULL,
	"user_id" bigint NOT NULL,
	"alert_kinds" jsonb NOT NULL,
	"digest" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_preferences_store_hash_user_id_pk" PRIMARY KEY("store_hash","user_id")
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" serial PRIMARY KEY NOT NULL,
	"store_hash" text NOT NULL,
	"kind" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"order_id" bigint,
	"title" text NOT NULL,
	"message" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone,
	"emailed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_store_dedupe_uq" ON "notifications" USING btree ("store_hash","dedupe_key");--> statement-breakpoint
CREATE INDEX "notifications_store_last_idx" ON "notifications" USING btree ("store_hash","last_at");--> statement-breakpoint
CREATE INDEX "notifications_unemailed_idx" ON "notifications" USING btree ("store_hash","kind") WHERE emailed_at is null;