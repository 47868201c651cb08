CREATE TABLE "reconciliation_days" (
	"store_hash" text NOT NULL,
	"date" text NOT NULL,
	"currency" text NOT NULL,
	"provider" text NOT NULL,
	"differences" integer NOT NULL,
	"result" jsonb NOT NULL,
	"reconciled_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reconciliation_days_store_hash_date_currency_pk" PRIMARY KEY("store_hash","date","currency")
);
--> statement-breakpoint
CREATE INDEX "reconciliation_days_store_date_idx" ON "reconciliation_days" USING btree ("store_hash","date");