CREATE TABLE "ledger_accounts" (
	"id" serial PRIMARY KEY NOT NULL,
	"store_hash" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"is_system" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_accounts_store_code_uq" UNIQUE("store_hash","code"),
	CONSTRAINT "ledger_accounts_type_ck" CHECK ("ledger_accounts"."type" in ('asset','liability','equity','income','expense'))
);
--> statement-breakpoint
CREATE TABLE "ledger_customers" (
	"id" serial PRIMARY KEY NOT NULL,
	"store_hash" text NOT NULL,
	"bc_customer_id" bigint,
	"email" text,
	"display_name" text NOT NULL,
	"company" text DEFAULT '' NOT NULL,
	"phone" text DEFAULT '' NOT NULL,
	"address" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"store_hash" text NOT NULL,
	"posting_key" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'posted' NOT NULL,
	"order_id" bigint,
	"number" text NOT NULL,
	"date" date NOT NULL,
	"currency" text NOT NULL,
	"exchange_rate" numeric(24, 10) DEFAULT '1' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"customer_id" integer,
	"reverses_entry_id" bigint,
	"document" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_entries_status_ck" CHECK ("ledger_entries"."status" in ('posted','unposted','voided'))
);
--> statement-breakpoint
CREATE TABLE "ledger_items" (
	"id" serial PRIMARY KEY NOT NULL,
	"store_hash" text NOT NULL,
	"sku" text NOT NULL,
	"name" text NOT NULL,
	"track_stock" boolean DEFAULT true NOT NULL,
	"unit_cost" numeric(19, 4),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_lines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entry_id" bigint NOT NULL,
	"store_hash" text NOT NULL,
	"line_no" integer NOT NULL,
	"account_code" text NOT NULL,
	"amount" numeric(19, 4) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"item_id" integer,
	"quantity" numeric(19, 4),
	"tax_code" text,
	"source_id" text
);
--> statement-breakpoint
CREATE TABLE "ledger_stock" (
	"item_id" integer NOT NULL,
	"location_id" integer DEFAULT 1 NOT NULL,
	"store_hash" text NOT NULL,
	"quantity" numeric(19, 4) DEFAULT '0' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_stock_item_id_location_id_pk" PRIMARY KEY("item_id","location_id")
);
--> statement-breakpoint
CREATE TABLE "store_settings" (
	"store_hash" text NOT NULL,
	"version" integer NOT NULL,
	"schema_version" integer NOT NULL,
	"settings" jsonb NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "store_settings_store_hash_version_pk" PRIMARY KEY("store_hash","version")
);
--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_customer_id_ledger_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."ledger_customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_lines" ADD CONSTRAINT "ledger_lines_entry_id_ledger_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."ledger_entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_lines" ADD CONSTRAINT "ledger_lines_account_fk" FOREIGN KEY ("store_hash","account_code") REFERENCES "public"."ledger_accounts"("store_hash","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_stock" ADD CONSTRAINT "ledger_stock_item_id_ledger_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."ledger_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_customers_store_name_uq" ON "ledger_customers" USING btree ("store_hash","display_name");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_customers_store_bc_uq" ON "ledger_customers" USING btree ("store_hash","bc_customer_id");--> statement-breakpoint
CREATE INDEX "ledger_customers_store_email_idx" ON "ledger_customers" USING btree ("store_hash","email");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_store_key_uq" ON "ledger_entries" USING btree ("store_hash","posting_key");--> statement-breakpoint
CREATE INDEX "ledger_entries_store_date_idx" ON "ledger_entries" USING btree ("store_hash","date");--> statement-breakpoint
CREATE INDEX "ledger_entries_store_order_idx" ON "ledger_entries" USING btree ("store_hash","order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_items_store_sku_uq" ON "ledger_items" USING btree ("store_hash","sku");--> statement-breakpoint
CREATE INDEX "ledger_lines_entry_idx" ON "ledger_lines" USING btree ("entry_id");--> statement-breakpoint
CREATE INDEX "ledger_lines_store_account_idx" ON "ledger_lines" USING btree ("store_hash","account_code");--> statement-breakpoint
CREATE INDEX "ledger_stock_store_idx" ON "ledger_stock" USING btree ("store_hash");--> statement-breakpoint
CREATE INDEX "store_settings_created_idx" ON "store_settings" USING btree ("store_hash","created_at");