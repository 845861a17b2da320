/**
 * The relational model. Conversations and groups are unified into one `rooms`
 * table with a `kind` ('direct' | 'group') so that one Durable Object class, one
 * protocol and one history query serve both (see docs/architecture.md).
 */
import type { Attachment, LinkPreview } from '../durable-objects/protocol';
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** Postgres' tsvector; the app never reads or writes it, so it travels as its text form. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
/** A required reference to a room or a user, deleted with it. */
const roomRef = () =>
  uuid('room_id')
    .notNull()
    .references(() => rooms.id, { onDelete: 'cascade' });
const userRef = (column: string) =>
  uuid(column)
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' });

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Stored lower-case; the unique index makes "Alice" and "alice" one account.
    username: text('username').notNull(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    // Key of the profile picture in R2 (avatars/<id>); a new picture gets a new id, so its URL can be cached forever.
    avatarId: uuid('avatar_id'),
    passwordHash: text('password_hash').notNull(),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    // Tokens issued before this instant are rejected: logout-everywhere and bans.
    tokensValidAfter: timestamp('tokens_valid_after', { withTimezone: true }).notNull().defaultNow(),
    // Set when the account was deleted. The row stays as a tombstone ("Deleted user", no
    // username, email, picture or password) so that every message, reaction and read cursor
    // keeps its sender, including those still in a room's log on their way to Postgres.
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    // When the owner proved the address theirs (a link from a verification or reset mail); null: not yet.
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    // The TOTP secret, AES-GCM encrypted (worker/two-step/secret-box.ts); set at enrolment, live once totpEnabledAt is.
    totpSecret: text('totp_secret'),
    totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true }),
    // The last 30-second step whose code was accepted: a code of that step or an earlier one is refused (replay).
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
  },
  (t) => [uniqueIndex('users_username_key').on(t.username), uniqueIndex('users_email_key').on(t.email)],
);

export const rooms = pgTable(
  'rooms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['direct', 'group'] }).notNull(),
    // Groups have a name; direct rooms are named after the other member in the UI.
    name: text('name'),
    // "<smaller user id>:<larger user id>" for direct rooms, so opening a DM is idempotent.
    directKey: text('direct_key'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    // Highest persisted seq; kept by the Durable Object for the conversation list.
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }),
    // A secret chat (docs/e2e.md): a direct room whose messages are end-to-end encrypted; the
    // server stores their ciphertext and never reads it. Its directKey starts with "secret:".
    secret: boolean('secret').notNull().default(false),
    // A group's picture (R2 key groups/<room id>/<avatar id>, a new id per picture) and
    // description, set by its admins; null when none (direct rooms never have them).
    avatarId: uuid('avatar_id'),
    description: text('description'),
  },
  (t) => [uniqueIndex('rooms_direct_key_key').on(t.directKey)],
);

export const roomMembers = pgTable(
  'room_members',
  {
    roomId: roomRef(),
    userId: userRef('user_id'),
    role: text('role', { enum: ['admin', 'member'] }).notNull().default('member'),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
    // Read state as a cursor: every message with seq <= lastReadSeq is read by this member.
    lastReadSeq: bigint('last_read_seq', { mode: 'number' }).notNull().default(0),
    // Notifications for this room are silenced until then (except mentions); 'infinity' = forever.
    mutedUntil: timestamp('muted_until', { withTimezone: true }),
    // Organising my list (issue 25), per member so it follows the person across devices.
    // Pinned chats lead the list, most recently pinned first.
    pinnedAt: timestamp('pinned_at', { withTimezone: true }),
    // Archived: out of the list while no message is newer than this.
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    // "Mark as unread": shown unread until I open the chat again.
    markedUnread: boolean('marked_unread').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] }), index('room_members_user_idx').on(t.userId)],
);

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey(),
    roomId: roomRef(),
    // Assigned by the room's Durable Object: the total order of the room.
    seq: bigint('seq', { mode: 'number' }).notNull(),
    senderId: uuid('sender_id').references(() => users.id, { onDelete: 'set null' }),
    // Client-generated id that makes resends idempotent.
    clientId: text('client_id').notNull(),
    // 'secret': content is a sealed message of a secret chat (opaque to the server, docs/e2e.md).
    messageType: text('message_type', { enum: ['text', 'system', 'call', 'image', 'file', 'voice', 'secret'] })
      .notNull()
      .default('text'),
    // Caption for image, file and voice messages.
    content: text('content').notNull(),
    // Image, file and voice messages: what the room recorded of the upload (bytes in R2 under rooms/<roomId>/<id>).
    attachment: jsonb('attachment').$type<Attachment>(),
    // The preview of the first link, fetched by the Worker when the sender composed it (docs/security.md).
    linkPreview: jsonb('link_preview').$type<LinkPreview>(),
    replyToSeq: bigint('reply_to_seq', { mode: 'number' }),
    // A thread reply: the seq of its root in the same room (the room checks it exists, is live
    // and is no reply itself). Null for the main timeline.
    threadRootSeq: bigint('thread_root_seq', { mode: 'number' }),
    // A root's live replies and the newest one's time, so a history page shows "N replies"
    // without reading them: written from the room's log for roots in its tail, counted here
    // by the flush for older roots (drizzle/queries/messages.ts, writeRoomLog).
    threadReplyCount: integer('thread_reply_count').notNull().default(0),
    threadLastReplyAt: timestamp('thread_last_reply_at', { withTimezone: true }),
    createdAt: createdAt(),
    editedAt: timestamp('edited_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    // The words of content for full-text search (drizzle/queries/search.ts), kept by Postgres on
    // every insert and edit. Stored rather than computed in the index so that a phrase, which
    // the index cannot answer alone, is checked against the row without re-parsing the text.
    // 'simple' lower-cases and splits words without stemming or stop words: every language alike.
    // Never selected by message reads (drizzle/queries/messages.ts) and never written.
    searchVector: tsvector('search_vector')
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('simple', content)`),
  },
  (t) => [
    // Also the index behind keyset pagination (room_id = ? and seq < ? order by seq desc).
    uniqueIndex('messages_room_seq_key').on(t.roomId, t.seq),
    uniqueIndex('messages_room_sender_client_key').on(t.roomId, t.senderId, t.clientId),
    // Full-text search. The room is a key too (btree_gin), so a rare word is found in one
    // room without reading its other matches (common words: docs/performance.md).
    index('messages_search_idx').using('gin', t.roomId, t.searchVector),
    // A thread's replies in order (GET /api/rooms/:roomId/threads/:rootSeq, and the flush's recount).
    index('messages_thread_idx').on(t.roomId, t.threadRootSeq, t.seq).where(sql`${t.threadRootSeq} is not null`),
  ],
);

export const messageReactions = pgTable(
  'message_reactions',
  {
    roomId: roomRef(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    userId: userRef('user_id'),
    emoji: text('emoji').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.seq, t.userId, t.emoji] })],
);

/** Refresh-token sessions: one row per login; logout or expiry ends it. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: userRef('user_id'),
    // SHA-256 of the refresh token: a database leak does not leak usable tokens.
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    // A short label of the browser and system ("Chrome on Linux") from the User-Agent at sign-in
    // and refresh, to tell sessions apart in the account page; null when it says nothing known.
    device: text('device'),
    // The last sign-in or refresh: when the session was last used to get an access token.
    lastActiveAt: timestamp('last_active_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('sessions_token_hash_key').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

/**
 * Refresh tokens a session has rotated away from. Presenting one again (after a
 * short grace for concurrent tabs) means a copy was stolen: the session ends.
 */
export const retiredRefreshTokens = pgTable(
  'retired_refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    retiredAt: timestamp('retired_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('retired_refresh_tokens_session_idx').on(t.sessionId)],
);

/** People an admin removed from a group: invite links no longer let them back in. */
export const roomBans = pgTable(
  'room_bans',
  {
    roomId: roomRef(),
    userId: userRef('user_id'),
    bannedBy: uuid('banned_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] })],
);

/**
 * People who left a group or were removed from it, as WhatsApp keeps them: the chat stays in
 * their list, read-only, with its history up to `untilSeq` (the line saying they left or were
 * removed) and nothing after, until they delete it from their list (or are added back).
 * `untilSeq` is null between the membership change and the room telling its line's seq: no
 * history is readable then.
 */
export const formerMembers = pgTable(
  'former_members',
  {
    roomId: roomRef(),
    userId: userRef('user_id'),
    reason: text('reason', { enum: ['left', 'removed'] }).notNull(),
    untilSeq: bigint('until_seq', { mode: 'number' }),
    leftAt: timestamp('left_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] }), index('former_members_user_idx').on(t.userId)],
);

/** A user blocking another: no direct messages or calls between them, no presence either way. */
export const userBlocks = pgTable(
  'user_blocks',
  {
    blockerId: userRef('blocker_id'),
    blockedId: userRef('blocked_id'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.blockerId, t.blockedId] }), index('user_blocks_blocked_idx').on(t.blockedId)],
);

/** Invite links to a group; only a hash of the token is kept, so the table leaks no usable link. */
export const roomInvites = pgTable(
  'room_invites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    roomId: roomRef(),
    tokenHash: text('token_hash').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    uses: integer('uses').notNull().default(0),
  },
  (t) => [uniqueIndex('room_invites_token_hash_key').on(t.tokenHash), index('room_invites_room_idx').on(t.roomId)],
);

/** Sites allowed to embed a room's chat in an iframe (CSP frame-ancestors). */
export const roomEmbedOrigins = pgTable(
  'room_embed_origins',
  {
    roomId: roomRef(),
    origin: text('origin').notNull(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.origin] })],
);

export const calls = pgTable(
  'calls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    roomId: roomRef(),
    callerId: uuid('caller_id').references(() => users.id, { onDelete: 'set null' }),
    receiverId: uuid('receiver_id').references(() => users.id, { onDelete: 'set null' }),
    media: text('media', { enum: ['voice', 'video'] }).notNull(),
    // A group call has no receiver: its people are in call_participants.
    kind: text('kind', { enum: ['direct', 'group'] }).notNull().default('direct'),
    status: text('status', { enum: ['ringing', 'accepted', 'rejected', 'missed', 'busy'] })
      .notNull()
      .default('ringing'),
    createdAt: createdAt(),
    // When the callee accepted (null for calls never accepted) and when the call ended.
    startedAt: timestamp('started_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    index('calls_room_created_idx').on(t.roomId, t.createdAt),
    // A person's calls across rooms (GET /api/calls): made, or rung for (group calls: call_participants).
    index('calls_caller_created_idx').on(t.callerId, t.createdAt),
    index('calls_receiver_created_idx').on(t.receiverId, t.createdAt),
  ],
);

/**
 * Web Push subscriptions, one per device (browser profile) and tied to its login session:
 * signing out or ending the session deletes it (docs/web-push.md). `endpoint` is the push
 * service's URL for this browser; `p256dh` and `auth` are the browser's keys that the
 * payload is encrypted to (RFC 8291).
 */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: userRef('user_id'),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    endpoint: text('endpoint').notNull(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    // The device shows "New message" instead of the sender and text (a lock screen others see).
    privatePreviews: boolean('private_previews').notNull().default(false),
    createdAt: createdAt(),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    // Consecutive failed deliveries (timeouts, 5xx); reset by a success.
    failures: integer('failures').notNull().default(0),
  },
  (t) => [
    uniqueIndex('push_subscriptions_endpoint_key').on(t.endpoint),
    uniqueIndex('push_subscriptions_session_key').on(t.sessionId),
    index('push_subscriptions_user_idx').on(t.userId),
  ],
);

/**
 * The people of a group call, written once when it ends: everyone who joined (first join,
 * last leave, time in the call over all their stints) and, as `missed`, every member of the
 * group who never joined.
 */
export const callParticipants = pgTable(
  'call_participants',
  {
    callId: uuid('call_id')
      .notNull()
      .references(() => calls.id, { onDelete: 'cascade' }),
    userId: userRef('user_id'),
    status: text('status', { enum: ['joined', 'missed'] }).notNull(),
    joinedAt: timestamp('joined_at', { withTimezone: true }),
    leftAt: timestamp('left_at', { withTimezone: true }),
    durationMs: integer('duration_ms').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.callId, t.userId] }), index('call_participants_user_idx').on(t.userId)],
);

/**
 * Messages pinned in a room, shown in its pinned bar (newest pin first). A pin names the
 * message by its seq, like a reply: its text is read from the message itself, so an edit or
 * a delete shows there too.
 */
export const roomPins = pgTable(
  'room_pins',
  {
    roomId: roomRef(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    pinnedBy: uuid('pinned_by').references(() => users.id, { onDelete: 'set null' }),
    pinnedAt: timestamp('pinned_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.seq] })],
);

/** Messages a user starred (saved), per user: the "Starred messages" list. */
export const messageStars = pgTable(
  'message_stars',
  {
    userId: userRef('user_id'),
    roomId: roomRef(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roomId, t.seq] })],
);

/** "Delete for me": messages one user no longer sees; everyone else still does. */
export const hiddenMessages = pgTable(
  'hidden_messages',
  {
    userId: userRef('user_id'),
    roomId: roomRef(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roomId, t.seq] })],
);

/**
 * Secret-chat devices (docs/e2e.md): each browser's public keys. The private keys never
 * leave the device; these are what others need to start an X3DH session with it.
 * Keys are base64url text (32-byte X25519 / Ed25519 keys, a 64-byte signature).
 */
export const e2eDevices = pgTable(
  'e2e_devices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: userRef('user_id'),
    identityKey: text('identity_key').notNull(),
    signingKey: text('signing_key').notNull(),
    signedPrekeyId: integer('signed_prekey_id').notNull(),
    signedPrekey: text('signed_prekey').notNull(),
    signedPrekeySignature: text('signed_prekey_signature').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('e2e_devices_user_idx').on(t.userId), uniqueIndex('e2e_devices_identity_key_key').on(t.identityKey)],
);

/** One-time prekeys a device published; each is handed out once (claimed) and deleted. */
export const e2eOneTimePrekeys = pgTable(
  'e2e_one_time_prekeys',
  {
    deviceId: uuid('device_id')
      .notNull()
      .references(() => e2eDevices.id, { onDelete: 'cascade' }),
    keyId: integer('key_id').notNull(),
    publicKey: text('public_key').notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.keyId] })],
);

export type User = typeof users.$inferSelect;
export type Room = typeof rooms.$inferSelect;
export type RoomMember = typeof roomMembers.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type Call = typeof calls.$inferSelect;
export type MessageReaction = typeof messageReactions.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;

export type RoomInvite = typeof roomInvites.$inferSelect;

export const schema = {
  users,
  rooms,
  roomMembers,
  callParticipants,
  messages,
  messageReactions,
  sessions,
  retiredRefreshTokens,
  roomBans,
  formerMembers,
  userBlocks,
  roomInvites,
  roomEmbedOrigins,
  calls,
  pushSubscriptions,
  roomPins,
  messageStars,
  hiddenMessages,
  e2eDevices,
  e2eOneTimePrekeys,
};

/** Two-step sign-in's recovery codes: ten per enrolment, each usable once, stored as SHA-256 hashes. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: userRef('user_id'),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('recovery_codes_user_hash_key').on(t.userId, t.codeHash)],
);

/**
 * Links sent by mail: email verification ('verify') and password reset ('reset'). Only the
 * SHA-256 of the token is stored; each is used at most once and expires.
 */
export const emailTokens = pgTable(
  'email_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: userRef('user_id'),
    purpose: text('purpose', { enum: ['verify', 'reset'] }).notNull(),
    tokenHash: text('token_hash').notNull(),
    // The address the link was sent to: verifying proves this one, not a later change.
    email: text('email').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('email_tokens_token_hash_key').on(t.tokenHash), index('email_tokens_user_idx').on(t.userId, t.purpose)],
);

/** WebAuthn credentials (passkeys): discoverable, user-verifying, one row per authenticator. */
export const passkeys = pgTable(
  'passkeys',
  {
    // The credential id, base64url, as the browser reports it.
    id: text('id').primaryKey(),
    userId: userRef('user_id'),
    // COSE public key, base64url.
    publicKey: text('public_key').notNull(),
    counter: bigint('counter', { mode: 'number' }).notNull().default(0),
    transports: jsonb('transports').$type<string[]>().notNull().default([]),
    name: text('name').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [index('passkeys_user_idx').on(t.userId)],
);

/**
 * Outstanding WebAuthn challenges, each usable once (taken with a delete): registration
 * ones name their user, sign-in ones (username-less) do not.
 */
export const webauthnChallenges = pgTable(
  'webauthn_challenges',
  {
    challenge: text('challenge').primaryKey(),
    purpose: text('purpose', { enum: ['register', 'sign-in'] }).notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('webauthn_challenges_expires_idx').on(t.expiresAt)],
);

/**
 * A person's privacy settings (docs/api.md, "Privacy"). No row means the defaults:
 * last seen and online visible to everyone, read receipts on, anyone may add me to groups.
 */
export const privacySettings = pgTable('privacy_settings', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  lastSeen: text('last_seen', { enum: ['everyone', 'contacts', 'nobody'] }).notNull().default('everyone'),
  readReceipts: boolean('read_receipts').notNull().default(true),
  groupAdd: text('group_add', { enum: ['everyone', 'contacts', 'nobody'] }).notNull().default('everyone'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Where each member's reading of each thread got to (its newest reply seen), so a thread's unread
 * dot clears on every device once read on one. Goes with the membership (leaving drops it).
 */
export const threadReads = pgTable(
  'thread_reads',
  {
    roomId: uuid('room_id').notNull(),
    userId: uuid('user_id').notNull(),
    rootSeq: bigint('root_seq', { mode: 'number' }).notNull(),
    seenSeq: bigint('seen_seq', { mode: 'number' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.roomId, t.userId, t.rootSeq] }),
    foreignKey({ columns: [t.roomId, t.userId], foreignColumns: [roomMembers.roomId, roomMembers.userId] }).onDelete('cascade'),
  ],
);
