DROP INDEX "ledger_entries_store_key_uq";--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_store_key_uq" ON "ledger_entries" USING btree ("posting_key","store_hash");