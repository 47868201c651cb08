CREATE TABLE "stock_catalog" (
	"store_hash" text NOT NULL,
	"sku" text NOT NULL,
	"product_id" bigint NOT NULL,
	"variant_id" bigint NOT NULL,
	"is_base_variant" boolean NOT NULL,
	"tracking" text NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_catalog_store_hash_sku_pk" PRIMARY KEY("store_hash","sku")
);
--> statement-breakpoint
CREATE TABLE "stock_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"store_hash" text NOT NULL,
	"sku" text,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stock_pushed" (
	"store_hash" text NOT NULL,
	"sku" text NOT NULL,
	"location_id" integer NOT NULL,
	"quantity" integer NOT NULL,
	"pushed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_pushed_store_hash_sku_location_id_pk" PRIMARY KEY("store_hash","sku","location_id")
);
--> statement-breakpoint
ALTER TABLE "store_sync" ADD COLUMN "last_stock_push_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "stock_events_store_at_idx" ON "stock_events" USING btree ("store_hash","at");