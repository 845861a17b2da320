ALTER TABLE "rooms" ADD COLUMN "avatar_id" uuid;--> statement-breakpoint
ALTER TABLE "rooms" ADD COLUMN "description" text;