CREATE TABLE "thread_reads" (
	"room_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"root_seq" bigint NOT NULL,
	"seen_seq" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "thread_reads_room_id_user_id_root_seq_pk" PRIMARY KEY("room_id","user_id","root_seq")
);
--> statement-breakpoint
ALTER TABLE "thread_reads" ADD CONSTRAINT "thread_reads_room_id_user_id_room_members_room_id_user_id_fk" FOREIGN KEY ("room_id","user_id") REFERENCES "public"."room_members"("room_id","user_id") ON DELETE cascade ON UPDATE no action;