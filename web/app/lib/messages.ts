/**
 * The message store of one open room, as a pure reducer: history pages (REST, newest first),
 * resume pages and live frames (WebSocket) all merge by seq, so nothing is shown twice and the
 * order is always the room's order. Messages I sent but the room has not acknowledged yet live
 * in `pending`, keyed by clientId, until the ack (or the broadcast of the same message) arrives.
 */
import type { Attachment, AttachmentKind, WireMessage } from './protocol';
import { offlineStore } from './offline-store';

/** `uploading`: its file is still on its way to R2; the outbox waits for it, so the order is kept. */
export type PendingStatus = 'sending' | 'failed' | 'uploading';

/** A file on its way: what the bubble shows before the room has the message. */
export interface PendingUpload {
  kind: AttachmentKind;
  name: string;
  size: number;
  contentType: string;
  /** 0..1 */
  progress: number;
  durationMs?: number;
  /** A local object URL of the image (this page's lifetime only). */
  previewUrl?: string;
}

export interface PendingMessage {
  clientId: string;
  content: string;
  replyToSeq: number | null;
  createdAt: string;
  status: PendingStatus;
  error?: string;
  /** Epoch ms before which a resend is pointless (rate limit); the outbox waits until then. */
  retryAfter?: number;
  /** Image, file and voice messages: the upload, and once it is in R2, what the room knows of it. */
  upload?: PendingUpload;
  attachment?: Attachment;
  /** Secret chats: the sealed message the outbox sends (send_secret); `content` is shown, never sent. */
  sealed?: string;
  /** The link whose preview (fetched by the Worker for this room) the `send` attaches. */
  linkPreviewUrl?: string;
  /** Files sent together: the album the `send` names (docs/protocol.md#albums-several-files-sent-at-once). */
  albumId?: string;
  /** A thread reply: shown in its thread's panel, not in the chat. */
  threadRootSeq?: number;
}

export interface MessagesState {
  /** The room this state belongs to (set by `reset`). */
  roomId: string | null;
  bySeq: ReadonlyMap<number, WireMessage>;
  /** Ascending. */
  seqs: readonly number[];
  pending: readonly PendingMessage[];
  /** False once we know there is nothing older than the oldest loaded message. */
  hasOlder: boolean;
  /** REST cursor for the next older page (null: use the oldest loaded seq). */
  nextBefore: number | null;
  /** True after the first page (REST or resume) arrived. */
  loaded: boolean;
}

export type MessagesAction =
  | { type: 'reset'; roomId: string; pending: PendingMessage[] }
  /** A page from GET /messages (newest first). `initial` is the first page without `before`. */
  | { type: 'page'; messages: WireMessage[]; nextBefore: number | null }
  /**
   * A window of history away from what is loaded (jumping to a search hit or a quoted message),
   * or the part of a gap between two loaded stretches. Older pages continue below the window.
   */
  | { type: 'window'; messages: WireMessage[] }
  /** Messages from the socket: `history`, `message` or `updated` (`replace` forces overwrite). */
  | { type: 'merge'; messages: WireMessage[]; replace?: boolean; me: string }
  | { type: 'synced' }
  /** A catch-up was cut short (too much missed): drop what is older than `seq`, page it again via REST. */
  | { type: 'gap'; seq: number }
  | { type: 'queued'; message: PendingMessage }
  | { type: 'ack'; clientId: string; id: string; seq: number; createdAt: string; me: string; roomId: string }
  | { type: 'failed'; clientId: string; error: string }
  /** The room is busy or rate-limits me: keep it queued, try again at `retryAfter`. */
  | { type: 'deferred'; clientId: string; retryAfter: number }
  | { type: 'retry'; clientId: string }
  /** An upload moved on: progress, done (`attachment`: now it can be sent) or failed. */
  | { type: 'upload'; clientId: string; progress?: number; attachment?: Attachment; error?: string }
  | { type: 'discard'; clientId: string };

export const initialMessages: MessagesState = {
  roomId: null,
  bySeq: new Map(),
  seqs: [],
  pending: [],
  hasOlder: true,
  nextBefore: null,
  loaded: false,
};

/** Which of two copies of the same seq to keep when one is not an explicit update. */
function newer(a: WireMessage, b: WireMessage): WireMessage {
  if (a.deletedAt && !b.deletedAt) return a;
  if (b.deletedAt && !a.deletedAt) return b;
  if ((a.editedAt ?? '') > (b.editedAt ?? '')) return a;
  return b;
}

function insert(state: MessagesState, incoming: WireMessage[], replace: boolean): MessagesState {
  if (!incoming.length) return state;
  const bySeq = new Map(state.bySeq);
  let added = false;
  for (const m of incoming) {
    const existing = bySeq.get(m.seq);
    if (!existing) {
      bySeq.set(m.seq, m);
      added = true;
    } else if (replace) {
      bySeq.set(m.seq, m);
    } else {
      bySeq.set(m.seq, newer(existing, m));
    }
  }
  const seqs = added ? [...bySeq.keys()].sort((a, b) => a - b) : state.seqs;
  return { ...state, bySeq, seqs };
}

function dropPending(state: MessagesState, clientIds: Set<string>): MessagesState {
  if (!clientIds.size || !state.pending.some((p) => clientIds.has(p.clientId))) return state;
  return { ...state, pending: state.pending.filter((p) => !clientIds.has(p.clientId)) };
}

export function messagesReducer(state: MessagesState, action: MessagesAction): MessagesState {
  switch (action.type) {
    case 'reset':
      return { ...initialMessages, roomId: action.roomId, pending: action.pending };
    case 'page': {
      const next = insert(state, action.messages, false);
      const oldest = next.seqs[0];
      return {
        ...next,
        loaded: true,
        nextBefore: action.nextBefore,
        hasOlder: action.nextBefore !== null && (oldest === undefined || oldest > 1),
      };
    }
    case 'window': {
      const oldestBefore = state.seqs[0];
      const next = insert(state, action.messages, false);
      const oldest = next.seqs[0];
      if (oldest === undefined || (oldestBefore !== undefined && oldest >= oldestBefore)) return next;
      return { ...next, nextBefore: oldest, hasOlder: oldest > 1 };
    }
    case 'merge': {
      let next = insert(state, action.messages, action.replace ?? false);
      const mine = new Set(action.messages.filter((m) => m.senderId === action.me).map((m) => m.clientId));
      next = dropPending(next, mine);
      if (!next.loaded && next.seqs.length) {
        next = { ...next, loaded: true, hasOlder: next.seqs[0]! > 1 };
      }
      return next;
    }
    case 'synced':
      return state.loaded ? state : { ...state, loaded: true, hasOlder: (state.seqs[0] ?? 1) > 1 };
    case 'gap': {
      const seqs = state.seqs.filter((s) => s >= action.seq);
      const bySeq = new Map([...state.bySeq].filter(([s]) => s >= action.seq));
      return { ...state, seqs, bySeq, hasOlder: action.seq > 1, nextBefore: action.seq };
    }
    case 'queued':
      if (state.pending.some((p) => p.clientId === action.message.clientId)) return state;
      return { ...state, pending: [...state.pending, action.message] };
    case 'ack': {
      const p = state.pending.find((x) => x.clientId === action.clientId);
      let next = state;
      if (p && !state.bySeq.has(action.seq)) {
        next = insert(state, [
          {
            id: action.id,
            roomId: action.roomId,
            seq: action.seq,
            senderId: action.me,
            clientId: action.clientId,
            type: p.attachment?.kind ?? 'text',
            content: p.content,
            ...(p.attachment ? { attachment: p.attachment } : {}),
            replyToSeq: p.replyToSeq,
            ...(p.threadRootSeq ? { threadRootSeq: p.threadRootSeq } : {}),
            createdAt: action.createdAt,
            editedAt: null,
            deletedAt: null,
            reactions: [],
          },
        ], false);
      }
      return dropPending(next, new Set([action.clientId]));
    }
    case 'failed':
      return {
        ...state,
        pending: state.pending.map((p) =>
          p.clientId === action.clientId ? { ...p, status: 'failed', error: action.error, retryAfter: undefined } : p,
        ),
      };
    case 'deferred':
      return {
        ...state,
        pending: state.pending.map((p) => (p.clientId === action.clientId ? { ...p, status: 'sending', retryAfter: action.retryAfter } : p)),
      };
    case 'retry':
      return {
        ...state,
        pending: state.pending.map((p) =>
          p.clientId === action.clientId
            ? { ...p, status: p.upload && !p.attachment ? 'uploading' : 'sending', error: undefined, retryAfter: undefined }
            : p,
        ),
      };
    case 'upload':
      return {
        ...state,
        pending: state.pending.map((p) => {
          if (p.clientId !== action.clientId || !p.upload) return p;
          if (action.attachment) return { ...p, status: 'sending', attachment: action.attachment, upload: { ...p.upload, progress: 1 } };
          if (action.error) return { ...p, status: 'failed', error: action.error };
          return { ...p, upload: { ...p.upload, progress: action.progress ?? p.upload.progress } };
        }),
      };
    case 'discard':
      return dropPending(state, new Set([action.clientId]));
    default: {
      const unreachable: never = action;
      return unreachable;
    }
  }
}

/** Where the loaded messages are not contiguous: the seqs just below and above each gap. */
export function gapsOf(seqs: readonly number[]): { below: number; above: number }[] {
  const gaps = [];
  for (let i = 1; i < seqs.length; i++) if (seqs[i]! > seqs[i - 1]! + 1) gaps.push({ below: seqs[i - 1]!, above: seqs[i]! });
  return gaps;
}

/** The highest seq we hold with no gap below it up to what we loaded: the resume point. */
export function lastSeqOf(state: MessagesState): number {
  return state.seqs.length ? state.seqs[state.seqs.length - 1]! : 0;
}

export function newClientId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Unsent messages survive a reload: they are kept per user and room in localStorage. */
export const outboxStore = {
  key: (userId: string, roomId: string) => `edge-chat:outbox:${userId}:${roomId}`,
  load(userId: string, roomId: string): PendingMessage[] {
    try {
      const raw = localStorage.getItem(this.key(userId, roomId));
      const list = raw ? (JSON.parse(raw) as PendingMessage[]) : [];
      // An upload that had not finished cannot go on: its file was in the page that was closed.
      return Array.isArray(list)
        ? list
            .filter((p) => typeof p?.clientId === 'string' && typeof p.content === 'string' && (!p.upload || p.attachment))
            .map((p) => ({ ...p, status: 'sending' as const, upload: p.upload && { ...p.upload, previewUrl: undefined } }))
        : [];
    } catch {
      return [];
    }
  },
  save(userId: string, roomId: string, pending: readonly PendingMessage[]) {
    if (offlineStore.ended(userId)) return; // signed out: the outbox went with the rest
    try {
      const key = this.key(userId, roomId);
      if (pending.length) localStorage.setItem(key, JSON.stringify(pending));
      else localStorage.removeItem(key);
    } catch {
      // storage full or disabled: the outbox still works for this page's lifetime
    }
  },
};
