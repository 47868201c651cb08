CREATE TABLE "audit_log" (
	"id" serial PRIMARY KEY NOT NULL,
	"store_hash" text NOT NULL,
	"actor_user_id" bigint,
	"action" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "store_users" (
	"store_hash" text NOT NULL,
	"user_id" bigint NOT NULL,
	"is_owner" boolean DEFAULT false NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "store_users_store_hash_user_id_pk" PRIMARY KEY("store_hash","user_id")
);
--> statement-breakpoint
CREATE TABLE "stores" (
	"id" serial PRIMARY KEY NOT NULL,
	"store_hash" text NOT NULL,
	"access_token_enc" text,
	"scope" text DEFAULT '' NOT NULL,
	"owner_bc_user_id" bigint,
	"account_uuid" text,
	"plan_level" text,
	"currency" text,
	"decimal_places" integer,
	"store_name" text,
	"installed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"uninstalled_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" bigint PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"username" text,
	"locale" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_log_store_at_idx" ON "audit_log" USING btree ("store_hash","at");--> statement-breakpoint
CREATE UNIQUE INDEX "stores_store_hash_uq" ON "stores" USING btree ("store_hash");