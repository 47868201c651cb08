CREATE TABLE "accounting_connections" (
	"store_hash" text NOT NULL,
	"provider" text NOT NULL,
	"status" text NOT NULL,
	"tenant_id" text,
	"tenant_name" text,
	"access_token_enc" text,
	"refresh_token_enc" text,
	"refresh_token_hash" text,
	"expires_at" timestamp with time zone,
	"pending_tenants" jsonb,
	"last_error" text,
	"connected_by" bigint,
	"connected_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounting_connections_store_hash_provider_pk" PRIMARY KEY("store_hash","provider")
);
