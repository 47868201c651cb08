ALTER TABLE "ledger_items" ADD COLUMN "description" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_items" ADD COLUMN "unit_price" numeric(19, 4);--> statement-breakpoint
ALTER TABLE "ledger_items" ADD COLUMN "sales_account_code" text;