/**
 * The one door from the web app to the shared wire protocol (durable-objects/protocol.ts).
 * Nothing here is redefined: the schemas, types and limits are the ones the Worker and the
 * Durable Objects use.
 */
// First: it configures zod before the protocol's schemas are built.
import './zod-jitless';

export {
  BLOCKED_CONVERSATION_TEXT,
  CALL_RING_TIMEOUT_MS,
  GROUP_CALL_MESH_LIMIT,
  GROUP_CALL_RING_MS,
  offersTo,
  CLOSE_CODES,
  HISTORY_PAGE_SIZE,
  IMAGE_CONTENT_TYPES,
  isEmoji,
  MAX_ATTACHMENT_BYTES,
  MAX_AVATAR_BYTES,
  MAX_GROUP_DESCRIPTION_CHARS,
  MAX_MESSAGE_CHARS,
  MAX_WAVEFORM_POINTS,
  callRecordSchema,
  deliveryReporter,
  PING_FRAME,
  TYPING_TTL_MS,
  inboxFrameSchema,
  serverFrameSchema,
  systemParts,
  previewKeyOf,
} from '../../../durable-objects/protocol';
export type {
  Attachment,
  AttachmentKind,
  CallRecord,
  CallSignal,
  DirectCallSignal,
  CallState,
  ClientFrame,
  LinkPreview,
  ContactPresence,
  GroupCallParticipant,
  GroupCallState,
  ErrorCode,
  InboxClientFrame,
  InboxFrame,
  MemberState,
  Pin,
  ServerFrame,
  ServerFrameType,
  WireMessage,
} from '../../../durable-objects/protocol';
