ALTER TABLE "room_members" ADD COLUMN "muted_until" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "messages_search_idx" ON "messages" USING gin (to_tsvector('simple', "content"));