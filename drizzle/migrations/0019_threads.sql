ALTER TABLE "messages" ADD COLUMN "thread_root_seq" bigint;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "thread_reply_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "thread_last_reply_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "messages_thread_idx" ON "messages" USING btree ("room_id","thread_root_seq","seq") WHERE "messages"."thread_root_seq" is not null;