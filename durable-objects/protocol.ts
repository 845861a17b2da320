/**
 * The WebSocket wire protocol: every frame a client may send to a room and every
 * frame a room may send back. These zod schemas are the single source of truth,
 * imported by the Worker, the Durable Objects and the web app; docs/protocol.md
 * describes them in prose.
 *
 * Frames are JSON text messages with a `type` discriminator. The server parses
 * every client frame with `parseClientFrame`; anything that fails gets an
 * `error` frame and the socket stays open.
 */
import { z } from 'zod';
import { isEmoji } from './emoji';

export { isEmoji };

/**
 * Largest frame a room accepts, in bytes of UTF-8. Larger frames get
 * `frame_too_large`. Sized for WebRTC session descriptions (a video offer with
 * screen sharing runs to ~10 KB); message text has its own, smaller limit.
 */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Longest message text, in characters. */
export const MAX_MESSAGE_CHARS = 4000;
/**
 * Longest sealed message of a secret chat, in characters: one envelope per recipient
 * device, each carrying the whole encrypted message (docs/e2e.md), within one frame.
 */
export const MAX_SECRET_MESSAGE_CHARS = 60_000;
/** Distinct emoji one message may carry; past it, people can only join an existing reaction. */
export const MAX_DISTINCT_REACTIONS = 20;
/** How long a typing indicator lasts unless renewed; clients renew every ~3 s while typing. */
export const TYPING_TTL_MS = 5000;
/** Text frame that the room answers with `PONG_FRAME` without waking from hibernation. */
export const PING_FRAME = '{"type":"ping"}';
export const PONG_FRAME = '{"type":"pong"}';
/** WebSocket close codes of the application range (4000–4999). After 4401 and 4403 a client must not reconnect; after 4409 it should. */
export const CLOSE_CODES = {
  /** The session behind the socket ended (logout or expiry): sign in again. */
  sessionEnded: 4401,
  /** The user is not, or no longer, a member of the room. */
  notAMember: 4403,
  /**
   * The client fell too far behind reading (more than the room's backlog limit
   * was sent since its last `received`): reconnect with `after=` its last seq.
   * Unlike the others, this one means "reconnect".
   */
  behind: 4409,
} as const;

/** Why a direct conversation refuses tickets, upgrades and uploads: one of its two people blocked the other. */
export const BLOCKED_CONVERSATION_TEXT = 'this conversation is blocked: unblock the person to write again';
/** Why a room refuses a send or a call: everyone else in it deleted their account. */
export const PLAIN_SEND_IN_SECRET_ROOM_TEXT =
  'this is a secret chat: it only takes end-to-end encrypted messages (send_secret), never plain text';
/** Why a secret chat refuses a thread reply: its messages are sealed, and threads are not part of its protocol (docs/e2e.md). */
export const THREADS_IN_SECRET_ROOM_TEXT = 'secret chats have no threads: send the message to the chat itself';
export const ACCOUNT_DELETED_TEXT = 'this account was deleted: messages and calls can no longer reach it';
/**
 * People in system lines ("<@id|Ann Lee> added <@id|Bob>") are named by id, so a renamed or
 * deleted account, or a username someone else registered later, never changes who a line
 * names. The label is the name people saw when the line was written (the display name, else
 * the username): clients show it only for someone no longer in the room (see systemParts),
 * such as the person a "left" or "removed" line is about. A display name's ">" and "|" would
 * end the token, so they become look-alikes here.
 */
export function personToken(userId: string, name: string): string {
  const label = name.replaceAll('>', '\u203a').replaceAll('|', '\u00a6').slice(0, 64);
  return `<@${userId}|${label}>`;
}

/** Text a person typed, quoted in a system line (a group name): it can never read as a person token. */
export function quotedInSystemLine(text: string): string {
  // A word joiner between "<" and "@": looks the same, parses as text.
  return text.replaceAll('<@', '<\u2060@');
}

export type SystemLinePart = { text: string } | { userId: string; label: string };

const PERSON_TOKEN = /<@([0-9a-f-]{36})\|([^>|]{1,64})>/g;

/** A system line's text and the people it names, in order (lines written before ids: one text part). */
export function systemParts(content: string): SystemLinePart[] {
  const parts: SystemLinePart[] = [];
  let at = 0;
  for (const match of content.matchAll(PERSON_TOKEN)) {
    if (match.index > at) parts.push({ text: content.slice(at, match.index) });
    parts.push({ userId: match[1]!, label: match[2]! });
    at = match.index + match[0].length;
  }
  if (at < content.length) parts.push({ text: content.slice(at) });
  return parts;
}

/** Longest link that gets a preview. */
export const MAX_LINK_PREVIEW_URL_CHARS = 2048;

/** Clients confirm delivery with `received` at least this often (in messages). */
export const RECEIVED_EVERY_MESSAGES = 100;
/** Default of SOCKET_BACKLOG_LIMIT_BYTES: what a room sends one socket without a `received` before closing it (4409). */
export const DEFAULT_SOCKET_BACKLOG_LIMIT_BYTES = 4 * 1024 * 1024;
/** Most messages replayed on connect; a client further behind pages the rest over REST. */
export const MAX_RESUME_MESSAGES = 2000;
/** Messages per `history` frame during a catch-up. */
export const HISTORY_PAGE_SIZE = 200;

// Postgres `text` cannot hold U+0000, and UTF-8 cannot encode an unpaired surrogate (the
// driver would silently store U+FFFD instead). Text with either is refused where it enters,
// as a bad frame or a 400: reaching the database it would fail its whole commit batch.
const UNSTORABLE_TEXT = /\u0000|\p{Cs}/u;
export const UNSTORABLE_TEXT_MESSAGE = 'text may not contain NUL characters or unpaired surrogates';

/** False for text that Postgres cannot store verbatim. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE_TEXT.test(text);
}

const seq = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const positiveSeq = z.int().min(1).max(Number.MAX_SAFE_INTEGER);
/** Longest clientId, and what it may contain (protocol-fast-path.ts checks the same). */
export const MAX_CLIENT_ID_CHARS = 64;
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]+$/;
/** Client-generated message id: lets a resend be recognised and acknowledged again, not stored twice. */
const clientId = z
  .string()
  .min(1)
  .max(MAX_CLIENT_ID_CHARS)
  .regex(CLIENT_ID_PATTERN, 'clientId may contain only letters, digits, "-" and "_"');
/** Names the files sent together as one album (made by the sender's client, like a clientId). */
const albumId = z.uuid({ error: 'albumId must be a UUID' });
const messageText = z
  .string()
  .trim()
  .min(1, 'message is empty')
  .max(MAX_MESSAGE_CHARS)
  .refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);
const emoji = z.string().min(1).max(16).refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);
/** A reaction one sends: one emoji (a `react` with text would be a side channel for words and markup). */
const reactionEmoji = emoji.refine(isEmoji, 'a reaction must be a single emoji');
/** Optional text beside an attachment (may be empty). */
const captionText = z.string().trim().max(MAX_MESSAGE_CHARS).refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);
const callId = z.uuid({ error: 'callId must be a UUID' });
const callMedia = z.enum(['voice', 'video']);

/** How long a call rings before it is recorded as missed. */
export const CALL_RING_TIMEOUT_MS = 30_000;
/** How long an accepted call waits for a participant whose socket dropped to rejoin. */
export const CALL_REJOIN_GRACE_MS = 20_000;

/** Most people in a group call over a full mesh of browser-to-browser connections. */
export const GROUP_CALL_MESH_LIMIT = 4;
/**
 * Most people in a group call over the SFU (Cloudflare Realtime): each browser publishes its
 * tracks once and pulls the others'. The call screen's grid is made for up to 9 tiles.
 */
export const GROUP_CALL_SFU_LIMIT = 9;
/** How long a group call keeps a participant whose call socket closed before dropping them. */
export const GROUP_CALL_DROP_GRACE_MS = 15_000;
/** How long a group call rings each member's inbox (clients stop ringing then). */
export const GROUP_CALL_RING_MS = CALL_RING_TIMEOUT_MS;

/**
 * Who offers to whom in a group call's mesh: the later joiner (higher `joinSeq`, given out
 * by the room one at a time) offers to everyone already in; on equal seqs (never given out
 * twice, but the rule must be total) the greater user id offers. The other side is the
 * "polite" peer of perfect negotiation and yields when both offer at once.
 */
export function offersTo(me: { userId: string; joinSeq: number }, other: { userId: string; joinSeq: number }): boolean {
  if (me.joinSeq !== other.joinSeq) return me.joinSeq > other.joinSeq;
  return me.userId > other.userId;
}

/** WebRTC signaling payloads, relayed verbatim to the other participant only. */
export const callSignalSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('offer'), sdp: z.string().min(1).max(60_000) }),
  z.object({ kind: z.literal('answer'), sdp: z.string().min(1).max(60_000) }),
  z.object({
    kind: z.literal('ice'),
    /** null marks the end of candidates. */
    candidate: z
      .object({
        candidate: z.string().max(2000),
        sdpMid: z.string().max(64).nullable().optional(),
        sdpMLineIndex: z.int().min(0).max(64).nullable().optional(),
        usernameFragment: z.string().max(256).nullable().optional(),
      })
      .nullable(),
  }),
]);
export type CallSignal = z.infer<typeof callSignalSchema>;

/**
 * A 1-to-1 call's signals: the WebRTC ones, and in a secret chat `sealed`, a sealed message
 * (docs/e2e.md) carrying the sender's DTLS fingerprints end to end, so each side can check the
 * `a=fingerprint` of the SDP the server relayed. Relayed verbatim like the rest; never parsed.
 */
export const directCallSignalSchema = z.discriminatedUnion('kind', [
  ...callSignalSchema.options,
  z.object({ kind: z.literal('sealed'), sealed: z.string().min(1).max(MAX_SECRET_MESSAGE_CHARS) }),
]);
export type DirectCallSignal = z.infer<typeof directCallSignalSchema>;

// ---------------------------------------------------------------- client → room

// Unknown keys are dropped, not rejected: a `senderId` or `seq` a client adds is
// simply ignored, since identity and order come from the server alone.
export const clientFrameSchema = z.discriminatedUnion('type', [
  /**
   * Post a message. The room answers with `ack` and broadcasts `message`. With
   * `attachmentId` (from an upload, see docs/api.md) it is an image, file or voice
   * message and `content` is an optional caption.
   */
  z
    .object({
      type: z.literal('send'),
      clientId,
      content: captionText.default(''),
      replyToSeq: positiveSeq.optional(),
      /**
       * Post it as a reply in the thread of message `threadRootSeq` (docs/protocol.md, "Threads"):
       * the root must be a live message of this room that is not itself a thread reply.
       */
      threadRootSeq: positiveSeq.optional(),
      attachmentId: z.uuid({ error: 'attachmentId must be the id an upload returned' }).optional(),
      /**
       * Files sent together (an album): each is its own `send`, with its own clientId, naming
       * the same client-made id; the room stores it in the message's `attachment.albumId`.
       */
      albumId: albumId.optional(),
      /**
       * Attach the preview of this link (one the Worker fetched for this room with
       * POST /api/rooms/:roomId/link-previews). It must appear in `content`; a link
       * the room has no preview of is sent without one.
       */
      linkPreviewUrl: z.string().min(1).max(MAX_LINK_PREVIEW_URL_CHARS).optional(),
    })
    .refine((f) => f.attachmentId !== undefined || f.content.length > 0, { message: 'message is empty', path: ['content'] })
    .refine((f) => f.albumId === undefined || f.attachmentId !== undefined, { message: 'only a file can be part of an album', path: ['albumId'] }),
  /**
   * Post a message of a secret chat: `sealed` is the JSON of a sealed message (docs/e2e.md),
   * stored and relayed as it is. The server never parses it: its only check is its size.
   */
  z.object({
    type: z.literal('send_secret'),
    clientId,
    sealed: z.string().min(1).max(MAX_SECRET_MESSAGE_CHARS).refine(isStorableText, UNSTORABLE_TEXT_MESSAGE),
    /** An upload of encrypted bytes whose key is inside `sealed`: claimed as a send's attachment is. */
    attachmentId: z.uuid({ error: 'attachmentId must be the id an upload returned' }).optional(),
    /** Secret chats have no threads: a `send_secret` naming one is refused (THREADS_IN_SECRET_ROOM_TEXT). */
    threadRootSeq: positiveSeq.optional(),
  }),
  /** Replace the text of one of my messages. */
  z.object({ type: z.literal('edit'), seq: positiveSeq, content: messageText }),
  /** Delete one of my messages (it stays as a tombstone so the order is kept). */
  z.object({ type: z.literal('delete'), seq: positiveSeq }),
  /** Add or remove my reaction to a message. */
  z.object({ type: z.literal('react'), seq: positiveSeq, emoji: reactionEmoji, on: z.boolean() }),
  /** I have read everything up to and including `seq`. */
  z.object({ type: z.literal('read'), seq: positiveSeq }),
  /**
   * I have received every frame up to the message `seq`: sent at least every
   * RECEIVED_EVERY_MESSAGES messages (and after a catch-up), it is how the room
   * tells a reader that keeps up from one whose backlog only grows.
   */
  z.object({ type: z.literal('received'), seq }),
  /** I am typing (renew every few seconds) or I stopped. */
  z.object({ type: z.literal('typing'), active: z.boolean() }),
  /** Ring the other member of this 1-to-1 room. `callId` is mine to choose (a UUID). */
  z.object({ type: z.literal('call_start'), callId, media: callMedia }),
  /** Callee: pick up, on this socket (signaling for the call flows through it). */
  z.object({ type: z.literal('call_accept'), callId }),
  /** Callee: decline. */
  z.object({ type: z.literal('call_reject'), callId }),
  /** Either side: end the call (a caller hanging up while it rings makes it missed). */
  z.object({ type: z.literal('call_hangup'), callId }),
  /** Participant: relay an offer, answer, ICE candidate or (secret chats) sealed fingerprints to the other participant. */
  z.object({ type: z.literal('call_signal'), callId, signal: directCallSignalSchema }),
  /** Participant whose socket reconnected: carry the call's signaling on this socket now. */
  z.object({ type: z.literal('call_rejoin'), callId }),
  /**
   * Participant of an accepted call: my camera is on. A voice call someone turned video on in
   * is a video call from then on (its log, its timeline record); it never goes back to voice.
   */
  z.object({ type: z.literal('call_video'), callId }),
  /**
   * Group rooms: start the room's call (a new `callId`, rings every member) or join the call in
   * progress (its `callId`), on this socket; sent again after a reconnect, it rebinds the call
   * to the new socket.
   */
  z.object({ type: z.literal('group_call_join'), callId, media: callMedia }),
  /** Leave the group call (it ends when the last person leaves). */
  z.object({ type: z.literal('group_call_leave'), callId }),
  /** My microphone, camera and screen state, shown on my tile to the others. */
  z.object({ type: z.literal('group_call_media'), callId, muted: z.boolean(), camera: z.boolean(), screen: z.boolean() }),
  /** An offer, answer or ICE candidate for one other participant of the group call. */
  z.object({ type: z.literal('group_call_signal'), callId, toUserId: z.uuid(), signal: callSignalSchema }),
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;
export type ClientFrameType = ClientFrame['type'];

// ---------------------------------------------------------------- room → client

export const reactionSchema = z.object({ emoji, userIds: z.array(z.string()) });

/** Largest file one upload may carry (images, files and voice notes alike). */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
/** Largest thumbnail (made by the sender's browser) and avatar image. */
export const MAX_THUMBNAIL_BYTES = 512 * 1024;
export const MAX_AVATAR_BYTES = 512 * 1024;
/** Longest group description (characters, after trimming). */
export const MAX_GROUP_DESCRIPTION_CHARS = 500;
/** Most peaks a voice note's waveform carries. */
export const MAX_WAVEFORM_POINTS = 64;
/** Longest file name kept, in characters (sanitised on upload). */
export const MAX_FILE_NAME_CHARS = 120;

/** Type of a secret chat's encrypted upload (docs/e2e.md): no file the server types is ever this. */
export const SEALED_CONTENT_TYPE = 'application/octet-stream';

/** Picture types shown as images (anything else is sent as a file; SVG never is: it can carry script). */
export const IMAGE_CONTENT_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

export const attachmentKindSchema = z.enum(['image', 'file', 'voice']);
export type AttachmentKind = z.infer<typeof attachmentKindSchema>;

/**
 * What a message says about its attachment. The bytes are in R2; members fetch them
 * from GET /api/rooms/:roomId/attachments/:id (and /thumbnail when `thumbnail`).
 */
export const attachmentSchema = z.object({
  id: z.string(),
  kind: attachmentKindSchema,
  /** Sanitised file name. */
  name: z.string(),
  /** Bytes. */
  size: z.number(),
  /** The type found in the bytes (not the one the uploader declared). */
  contentType: z.string(),
  /** Images: pixel size as measured by the sender's browser. */
  width: z.number().nullable(),
  height: z.number().nullable(),
  /** Voice notes: length as measured by the recorder. */
  durationMs: z.number().nullable(),
  /** Whether a small preview image exists (images). */
  thumbnail: z.boolean(),
  /**
   * Voice notes: the loudness envelope the recorder measured, MAX_WAVEFORM_POINTS or fewer
   * peaks of 0–100, drawn by players (absent on notes recorded before it existed).
   */
  waveform: z.array(z.number()).nullable().optional(),
  /**
   * Files sent together share this id (the sender's `send.albumId`): consecutive pictures of one
   * album are shown as one grid. Absent on files sent alone and on forwarded copies.
   */
  albumId: z.string().optional(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** Longest preview texts kept (the page's own are cut to these). */
export const MAX_LINK_PREVIEW_TITLE_CHARS = 200;
export const MAX_LINK_PREVIEW_DESCRIPTION_CHARS = 400;

/**
 * A link's title, description and picture, fetched by the Worker when the sender
 * composed the message (never by recipients' browsers: docs/security.md). All text is
 * the page's: clients must escape it. The picture is a copy in R2, served by
 * GET /api/link-previews/images/:imageId.
 */
export const linkPreviewSchema = z.object({
  /** The link as it appears in the message (without its #fragment). */
  url: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  siteName: z.string().nullable(),
  imageId: z.string().nullable(),
});
export type LinkPreview = z.infer<typeof linkPreviewSchema>;

/**
 * The one spelling of a link that previews are kept and looked up under (the URL
 * parser's, without #fragment), or undefined when it is not an http(s) URL. The
 * Worker, the room and the web app all use it, so they always agree.
 */
export function previewKeyOf(link: string): string | undefined {
  if (link.length > MAX_LINK_PREVIEW_URL_CHARS) return undefined;
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  return url.href;
}

/** What the main timeline shows under a thread's root: "3 replies · last reply 10:42". */
export const threadSummarySchema = z.object({ replyCount: z.int().min(1), lastReplyAt: z.string() });
export type ThreadSummary = z.infer<typeof threadSummarySchema>;

export const wireMessageSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  seq: positiveSeq,
  senderId: z.string().nullable(),
  clientId: z.string(),
  type: z.enum(['text', 'system', 'call', 'image', 'file', 'voice', 'secret']),
  /**
   * Empty for deleted messages; the caption of an image, file or voice message; for `secret`
   * the sealed message (ciphertext), which only the recipients' devices can open.
   */
  content: z.string(),
  /** Present on image, file and voice messages (not once deleted). */
  attachment: attachmentSchema.optional(),
  /** The preview of the message's first link, when its sender attached one (not once deleted). */
  linkPreview: linkPreviewSchema.optional(),
  replyToSeq: positiveSeq.nullable(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  deletedAt: z.string().nullable(),
  reactions: z.array(reactionSchema),
  /** A copy forwarded from another chat (shown "Forwarded"); absent on everything else. */
  forwarded: z.literal(true).optional(),
  /** A thread reply: the seq of its thread's root. Absent on messages of the main timeline. */
  threadRootSeq: positiveSeq.optional(),
  /** A thread root's summary (its live replies and the newest one's time); absent while it has none. */
  thread: threadSummarySchema.optional(),
});
export type WireMessage = z.infer<typeof wireMessageSchema>;

/**
 * Forwarded copies are posted by the room itself (POST /api/forward), with the clientId
 * `forward:<the forwarder's id>`. A client's own ids cannot hold ':', so no `send` can pass
 * for a forward, and a forward retried with the same id is stored once, like any send.
 */
export const FORWARD_CLIENT_ID_PREFIX = 'forward:';

/** Whether a stored message is a forwarded copy (from its clientId: see FORWARD_CLIENT_ID_PREFIX). */
export function isForwardedClientId(clientId: string): boolean {
  return clientId.startsWith(FORWARD_CLIENT_ID_PREFIX);
}

/** `{ forwarded: true }` for a forwarded copy, else nothing: spread into a wire message. */
export function forwardMark(clientId: string): { forwarded?: true } {
  return isForwardedClientId(clientId) ? { forwarded: true } : {};
}

/** Most pins one room keeps; pinning one more asks to unpin one first. */
export const MAX_PINS_PER_ROOM = 20;

/** A pinned message of the room (newest pin first in lists). */
export const pinSchema = z.object({ seq: positiveSeq, pinnedBy: z.string().nullable(), pinnedAt: z.string() });
export type Pin = z.infer<typeof pinSchema>;

export const memberStateSchema = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  /** Profile picture: GET /api/avatars/:avatarId; null or absent shows initials. */
  avatarId: z.string().nullable().optional(),
  role: z.enum(['admin', 'member']),
  online: z.boolean(),
  lastReadSeq: seq,
  /**
   * The account was deleted: displayName is "Deleted user" and username a placeholder.
   * Its messages stay; a room whose other members are all deleted takes no sends or calls.
   */
  deleted: z.boolean().optional(),
});
export type MemberState = z.infer<typeof memberStateSchema>;

export const callStateSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  media: callMedia,
  callerId: z.string(),
  calleeId: z.string(),
  /** `ended` follows `accepted`; rejected, missed and busy calls never started. */
  status: z.enum(['ringing', 'accepted', 'rejected', 'missed', 'busy', 'ended']),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});
export type CallState = z.infer<typeof callStateSchema>;

export const groupCallParticipantSchema = z.object({
  userId: z.string(),
  /** Order of joining (the room's counter): decides who offers to whom (`offersTo`). */
  joinSeq: z.int().min(1),
  joinedAt: z.string(),
  muted: z.boolean(),
  camera: z.boolean(),
  screen: z.boolean(),
  /** False while the participant's call socket is gone (dropped after GROUP_CALL_DROP_GRACE_MS). */
  connected: z.boolean(),
  /** This viewer and the participant blocked each other: no signaling or media between them, no tile. */
  blocked: z.boolean(),
  /**
   * Over the SFU: the tracks this participant publishes, which the others pull (by name, through
   * the Worker: docs/api.md "Group calls over the SFU"). Empty on a mesh, and to a blocked viewer.
   */
  tracks: z.array(z.object({ trackName: z.string(), kind: z.enum(['audio', 'video']) })),
});
export type GroupCallParticipant = z.infer<typeof groupCallParticipantSchema>;

export const groupCallStateSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  media: callMedia,
  startedBy: z.string(),
  startedAt: z.string(),
  /** `ended` once the last participant left. */
  status: z.enum(['active', 'ended']),
  endedAt: z.string().nullable(),
  /** Most participants this call takes (GROUP_CALL_SFU_LIMIT when the SFU is configured, else GROUP_CALL_MESH_LIMIT). */
  limit: z.int(),
  /**
   * How the browsers carry media: `mesh` (peer to peer), or `sfu` (each publishes to Cloudflare
   * Realtime and pulls the others'). A call starts as a mesh and moves to the SFU for good when
   * it reaches the room's threshold (more than GROUP_CALL_MESH_LIMIT people by default).
   */
  transport: z.enum(['mesh', 'sfu']),
  participants: z.array(groupCallParticipantSchema),
});
export type GroupCallState = z.infer<typeof groupCallStateSchema>;

/** Content of a `call` message in the timeline (JSON text in `content`). */
export const callRecordSchema = z.object({
  callId: z.string(),
  media: callMedia,
  status: z.enum(['accepted', 'rejected', 'missed', 'busy']),
  durationMs: z.number().nullable(),
});
export type CallRecord = z.infer<typeof callRecordSchema>;

export const errorCodeSchema = z.enum([
  'bad_json',
  'bad_frame',
  'frame_too_large',
  'not_a_member',
  'not_found',
  'forbidden',
  'rate_limited',
  'busy',
  /** A group call already has as many participants as it takes (its `limit`). */
  'call_full',
  'unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const serverFrameSchema = z.discriminatedUnion('type', [
  /**
   * First frame on every connection. Every message up to `lastSeq` is history;
   * every later one arrives as a live `message` frame, in seq order.
   */
  z.object({
    type: z.literal('ready'),
    roomId: z.string(),
    userId: z.string(),
    lastSeq: seq,
    members: z.array(memberStateSchema),
  }),
  /** My `send` with this clientId is durably stored as `seq`. */
  z.object({ type: z.literal('ack'), clientId, id: z.string(), seq: positiveSeq, createdAt: z.string() }),
  /** A new message in the room, in seq order. */
  z.object({ type: z.literal('message'), message: wireMessageSchema }),
  /**
   * Messages the client missed, oldest first, in pages: sent right after `ready`
   * when the connection URL carried `after=<seq>`, before any live `message`.
   */
  z.object({ type: z.literal('history'), messages: z.array(wireMessageSchema) }),
  /**
   * The catch-up is over; live frames follow. `complete` is false when more than
   * MAX_RESUME_MESSAGES were missed: the rest is older and comes from REST history.
   */
  z.object({ type: z.literal('synced'), lastSeq: seq, complete: z.boolean() }),
  /** A message was edited, deleted or reacted to. */
  z.object({ type: z.literal('updated'), message: wireMessageSchema }),
  /** A member's read cursor moved. */
  z.object({ type: z.literal('read'), userId: z.string(), seq }),
  /** A member is typing until `until` (epoch ms), or stopped (`until` = 0). */
  z.object({ type: z.literal('typing'), userId: z.string(), until: z.number() }),
  /** A member came online (first socket) or went offline (last socket closed). */
  z.object({ type: z.literal('presence'), userId: z.string(), online: z.boolean() }),
  /** The member list changed (join, leave, role change, rename). */
  z.object({ type: z.literal('members'), members: z.array(memberStateSchema), name: z.string().nullable() }),
  /** The room's pins changed (someone pinned or unpinned): the whole list, newest pin first. */
  z.object({ type: z.literal('pins'), pins: z.array(pinSchema) }),
  /** Only to my own sockets: I deleted these messages for me (on any of my devices); stop showing them. */
  z.object({ type: z.literal('hidden'), seqs: z.array(positiveSeq) }),
  /** Only to my own sockets: I starred (`on`) or unstarred these messages (on any of my devices). */
  z.object({ type: z.literal('starred'), seqs: z.array(positiveSeq), on: z.boolean() }),
  /** The call's state changed; sent to both participants. */
  z.object({ type: z.literal('call_state'), call: callStateSchema }),
  /** An offer, answer, ICE candidate or (secret chats) sealed fingerprints from the other participant. */
  z.object({ type: z.literal('call_signal'), callId: z.string(), fromUserId: z.string(), signal: directCallSignalSchema }),
  /**
   * The room's group call: to every socket of the room whenever it changes (joins, leaves,
   * media state, end), and after `ready` while a call is on. Participants are as this viewer may
   * see them (`blocked`).
   */
  z.object({ type: z.literal('group_call_state'), call: groupCallStateSchema }),
  /** An offer, answer or ICE candidate from another participant of the group call, to my call socket only. */
  z.object({ type: z.literal('group_call_signal'), callId: z.string(), fromUserId: z.string(), signal: callSignalSchema }),
  z.object({ type: z.literal('pong') }),
  /** Something went wrong with one frame; the socket stays usable. */
  z.object({
    type: z.literal('error'),
    code: errorCodeSchema,
    message: z.string(),
    clientId: z.string().optional(),
    retryAfterMs: z.number().optional(),
  }),
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;
export type ServerFrameType = ServerFrame['type'];

// ---------------------------------------------------------------- inbox → client
// The inbox (/ws/inbox) is one socket per signed-in tab for everything outside
// the open room: presence of the people I share rooms with, activity in rooms
// I do not have open, and changes to my room list. Clients send it the keepalive
// ping and `ticket` requests (inboxClientFrameSchema below).

export const contactPresenceSchema = z.object({
  userId: z.string(),
  online: z.boolean(),
  /** When the user was last online; null while online or if never seen. */
  lastSeenAt: z.string().nullable(),
});
export type ContactPresence = z.infer<typeof contactPresenceSchema>;

/** The client's name for one `ticket` request, echoed in its answer (same rules as a clientId). */
const ticketRequestId = clientId;

export const inboxFrameSchema = z.discriminatedUnion('type', [
  /** First frame: presence of every contact. */
  z.object({ type: z.literal('inbox_ready'), userId: z.string(), contacts: z.array(contactPresenceSchema) }),
  /** A contact came online (first tab) or went offline (last tab closed). */
  z.object({ type: z.literal('contact_presence'), contact: contactPresenceSchema }),
  /**
   * The newest message of a room I do not have open (coalesced: not every message). `count`: how
   * many messages this notice stands for that count as unread for me (the main timeline's, or
   * one thread's replies that are for me), the skipped ones included; absent from older rooms.
   */
  z.object({ type: z.literal('activity'), roomId: z.string(), message: wireMessageSchema, count: z.number().int().min(0).optional() }),
  /** Someone is calling me: ring, wherever I am in the app. */
  z.object({ type: z.literal('incoming_call'), call: callStateSchema }),
  /** A call of mine changed state (answered elsewhere, ended): stop ringing. */
  z.object({ type: z.literal('call_state'), call: callStateSchema }),
  /** A group call started in one of my groups: ring (silently if I muted the group). */
  z.object({ type: z.literal('group_call_ring'), call: groupCallStateSchema }),
  /** A group call that rang here ended, or I joined it (here or in another tab): stop ringing. */
  z.object({ type: z.literal('group_call_state'), call: groupCallStateSchema }),
  /** I was added to or removed from a room, or its name, picture or description changed: refetch the room list. */
  z.object({ type: z.literal('rooms_changed'), roomId: z.string(), change: z.enum(['added', 'removed', 'updated']) }),
  /**
   * The answer to my `ticket` request: a single-use, 60-second ticket for that room's
   * upgrade, exactly as POST /api/rooms/:roomId/ws-ticket would have returned it.
   */
  z.object({ type: z.literal('ticket'), requestId: ticketRequestId, roomId: z.string(), ticket: z.string(), expiresIn: z.number() }),
  z.object({ type: z.literal('pong') }),
  /** Something went wrong with one frame; `requestId` names the `ticket` request it refuses. */
  z.object({ type: z.literal('error'), code: errorCodeSchema, message: z.string(), requestId: ticketRequestId.optional() }),
]);
export type InboxFrame = z.infer<typeof inboxFrameSchema>;
export type InboxFrameType = InboxFrame['type'];

export function encodeInboxFrame(frame: InboxFrame): string {
  return JSON.stringify(frame);
}

// ---------------------------------------------------------------- client → inbox

export const inboxClientFrameSchema = z.discriminatedUnion('type', [
  /**
   * A ticket for a room, minted by my inbox over this socket instead of a POST to
   * /api/rooms/:roomId/ws-ticket: opening a room then costs no HTTP round trip. The
   * inbox checks this socket's session (not ended, not expired) and my membership;
   * it answers `ticket` or an `error` with the same requestId.
   */
  z.object({ type: z.literal('ticket'), requestId: ticketRequestId, roomId: z.uuid() }),
]);
export type InboxClientFrame = z.infer<typeof inboxClientFrameSchema>;

export type ParsedInboxFrame =
  | { ok: true; frame: InboxClientFrame }
  | { ok: false; error: Extract<InboxFrame, { type: 'error' }> };

/** Validates one raw message to the inbox (already within the platform's frame limit). Never throws. */
export function parseInboxClientFrame(raw: string | ArrayBuffer): ParsedInboxFrame {
  if (typeof raw !== 'string' || raw.length > MAX_FRAME_BYTES) {
    return { ok: false, error: { type: 'error', code: 'bad_frame', message: 'the inbox accepts small JSON text frames only' } };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: { type: 'error', code: 'bad_json', message: 'frame is not valid JSON' } };
  }
  const parsed = inboxClientFrameSchema.safeParse(json);
  if (parsed.success) return { ok: true, frame: parsed.data };
  const requestId = readRequestId(json);
  return { ok: false, error: { type: 'error', code: 'bad_frame', message: z.prettifyError(parsed.error), ...(requestId ? { requestId } : {}) } };
}

function readRequestId(json: unknown): string | undefined {
  if (!json || typeof json !== 'object' || !('requestId' in json)) return undefined;
  const parsed = ticketRequestId.safeParse((json as { requestId: unknown }).requestId);
  return parsed.success ? parsed.data : undefined;
}

export type ParsedFrame =
  | { ok: true; frame: ClientFrame }
  | { ok: false; error: Extract<ServerFrame, { type: 'error' }> };

const utf8 = new TextEncoder();

/** Validates one raw WebSocket message from a client. Never throws. */
export function parseClientFrame(raw: string | ArrayBuffer): ParsedFrame {
  if (typeof raw !== 'string') {
    return fail('bad_frame', 'binary frames are not supported; send JSON text');
  }
  // Length in UTF-16 units is a cheap lower bound; only encode when it could be over.
  if (raw.length > MAX_FRAME_BYTES / 4 && utf8.encode(raw).byteLength > MAX_FRAME_BYTES) {
    return fail('frame_too_large', `frame exceeds ${MAX_FRAME_BYTES} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return fail('bad_json', 'frame is not valid JSON');
  }
  return validateClientFrame(json);
}

/** Validates a client frame already parsed from JSON (of a frame within MAX_FRAME_BYTES). */
export function validateClientFrame(json: unknown): ParsedFrame {
  const parsed = clientFrameSchema.safeParse(json);
  if (!parsed.success) {
    const clientId = readClientId(json);
    return fail('bad_frame', z.prettifyError(parsed.error), clientId);
  }
  return { ok: true, frame: parsed.data };
}

function readClientId(json: unknown): string | undefined {
  if (json && typeof json === 'object' && 'clientId' in json) {
    const id = (json as { clientId: unknown }).clientId;
    if (typeof id === 'string' && id.length <= 64) return id;
  }
  return undefined;
}

function fail(code: ErrorCode, message: string, clientId?: string): ParsedFrame {
  return { ok: false, error: { type: 'error', code, message, ...(clientId ? { clientId } : {}) } };
}

/** Serialises a server frame. Typed so that only protocol frames can be sent. */
export function encodeServerFrame(frame: ServerFrame): string {
  return JSON.stringify(frame);
}

/**
 * A client's side of `received`: feed it every frame from the room; it returns
 * the `received` frame to send when one is due (every RECEIVED_EVERY_MESSAGES
 * messages, and after each catch-up), else undefined.
 */
export function deliveryReporter(): (frame: ServerFrame) => Extract<ClientFrame, { type: 'received' }> | undefined {
  let newest = 0;
  let unreported = 0;
  return (frame) => {
    if (frame.type === 'message') {
      newest = Math.max(newest, frame.message.seq);
      unreported += 1;
    } else if (frame.type === 'history') {
      newest = Math.max(newest, frame.messages.at(-1)?.seq ?? 0);
      unreported += frame.messages.length;
    } else if (frame.type !== 'synced') {
      return undefined;
    }
    if (frame.type !== 'synced' && unreported < RECEIVED_EVERY_MESSAGES) return undefined;
    unreported = 0;
    return { type: 'received', seq: newest };
  };
}
