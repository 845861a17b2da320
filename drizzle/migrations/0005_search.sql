-- btree_gin lets the search index lead with room_id (uuid) in a GIN index; a contrib extension that Neon and Debian's postgresql ship.
CREATE EXTENSION IF NOT EXISTS btree_gin;--> statement-breakpoint
ALTER TABLE "room_members" ADD COLUMN "muted_until" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "messages_search_idx" ON "messages" USING gin ("room_id",to_tsvector('simple', "content"));