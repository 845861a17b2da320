-- Adding a stored generated column rewrites messages under an exclusive lock (~22 s per million messages in a local test, plus rebuilding the other indexes): flushes, history and search wait.
DROP INDEX "messages_search_idx";--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "messages_search_idx" ON "messages" USING gin ("room_id","search_vector");