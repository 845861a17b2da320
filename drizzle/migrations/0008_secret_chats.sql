CREATE TABLE "e2e_devices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"identity_key" text NOT NULL,
	"signing_key" text NOT NULL,
	"signed_prekey_id" integer NOT NULL,
	"signed_prekey" text NOT NULL,
	"signed_prekey_signature" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "e2e_one_time_prekeys" (
	"device_id" uuid NOT NULL,
	"key_id" integer NOT NULL,
	"public_key" text NOT NULL,
	CONSTRAINT "e2e_one_time_prekeys_device_id_key_id_pk" PRIMARY KEY("device_id","key_id")
);
--> statement-breakpoint
ALTER TABLE "rooms" ADD COLUMN "secret" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "e2e_devices" ADD CONSTRAINT "e2e_devices_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "e2e_one_time_prekeys" ADD CONSTRAINT "e2e_one_time_prekeys_device_id_e2e_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."e2e_devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "e2e_devices_user_idx" ON "e2e_devices" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "e2e_devices_identity_key_key" ON "e2e_devices" USING btree ("identity_key");