ALTER TABLE "messages" ADD COLUMN "attachment" jsonb;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "avatar_id" uuid;