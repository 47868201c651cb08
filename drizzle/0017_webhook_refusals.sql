CREATE TABLE "webhook_refusals" (
	"store_hash" text NOT NULL,
	"reason" text NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	"first_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_refusals_store_hash_reason_pk" PRIMARY KEY("store_hash","reason")
);
