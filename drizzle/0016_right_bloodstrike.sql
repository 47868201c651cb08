CREATE TABLE "signed_payload_uses" (
	"jti" text PRIMARY KEY NOT NULL,
	"store_hash" text NOT NULL,
	"callback" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "installer_bc_user_id" bigint;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "install_generation" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "signed_payload_uses_expires_at_idx" ON "signed_payload_uses" USING btree ("expires_at");