/**
 * Everything one open room needs, wired together: the socket, the message store, typing,
 * members and presence. Every server frame is handled here, in one exhaustive switch.
 *
 * Delivery: a message is shown at once as pending (clientId), sent if the socket is up, and
 * re-sent with the same clientId after every (re)connect until the room acknowledges it; the room
 * stores a clientId once, so resends never duplicate.
 *
 * Catch-up: every connection asks for `after=<highest seq we hold>`; the room answers `ready`,
 * then `history` pages and `synced` (only when something was missed), then live frames. The first
 * connection waits for the newest REST page so that it can ask for exactly what came after it.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, cleanMessage, type FormerMembership, type RoomDetail, type RoomMember } from '../services/api';
import { BLOCKED_CONVERSATION_TEXT, IMAGE_CONTENT_TYPES, MAX_ATTACHMENT_BYTES, type AttachmentKind, type ClientFrame, type GroupCallState, type MemberState, type ServerFrame, type WireMessage } from '../lib/protocol';
import { lastSeqOf, newClientId } from '../lib/messages';
import { isPictureFile } from '../lib/albums';
import { offlineStore } from '../lib/offline-store';
import { isThreadReply, replyIsForMe } from '../lib/threads';
import { useRooms } from '../context/RoomsContext';
import { usePresenceUpdater } from '../context/PresenceContext';
import { useAuth } from '../context/AuthContext';
import { useMessages } from './useMessages';
import { useRoomSocket } from './useRoomSocket';
import { useTyping } from './useTyping';
import { useUploads } from './useUpload';
import { useMessageActions } from './useMessageActions';
import { useSecretSend } from './useSecretSend';

/** Pictures the room shows as images; any other file (SVG, HEIC…) is sent as a file. */

export interface RoomInfo {
  kind: 'direct' | 'group';
  /** A secret chat (docs/e2e.md): messages are sealed on this device and opened on the others. */
  secret: boolean;
  name: string | null;
  /** When and by whom the room was created, where known: the first line of a group's timeline. */
  createdAt?: string;
  createdBy?: string | null;
  /** A group's picture and description (the room list reloads them when an admin changes them). */
  avatarId?: string | null;
  description?: string | null;
}

export interface Notice {
  id: number;
  text: string;
}

const REMOVED_TEXT = 'You are no longer a member of this conversation.';

export function useRoomChat(roomId: string, me: string) {
  const rooms = useRooms();
  const markRoomRead = rooms.markRead;
  const presence = usePresenceUpdater();
  const { refresh, user } = useAuth();
  const messages = useMessages(roomId, me);
  const { state, stateRef, dispatch, initial, firstPageNewest, loadLatest } = messages;
  const typing = useTyping(me);
  const uploads = useUploads(roomId, dispatch);

  const summary = rooms.rooms?.find((r) => r.id === roomId) ?? null;
  /** `room:seq` of messages I deleted for me whose unread count was taken off already. */
  const uncounted = useRef(new Set<string>());
  const [detail, setDetail] = useState<RoomDetail | null>(null);
  const [liveMembers, setLiveMembers] = useState<MemberState[] | null>(null);
  const [liveName, setLiveName] = useState<string | null | undefined>(undefined);
  const [synced, setSynced] = useState(false);
  /** The group's call in progress (for the "Join" banner), as the room last said. */
  const [groupCall, setGroupCall] = useState<GroupCallState | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [gone, setGone] = useState<string | null>(null);
  /** The room told this socket the conversation is blocked (either way) and closed it. */
  const [blockedByRoom, setBlockedByRoom] = useState(false);

  /** Set by the window: true while the newest messages are on screen and the tab is visible. */
  const viewingRef = useRef(false);
  /** The read cursor I want the server to know; sent when connected. */
  const readWanted = useRef(0);
  const readSent = useRef(0);
  /** What the room confirmed (its `read` frames for me). */
  const readConfirmed = useRef(0);
  const readRetry = useRef<ReturnType<typeof setTimeout>>();
  /** Frames (edit/delete/react) asked for while disconnected, sent after the next sync. */
  const queued = useRef<ClientFrame[]>([]);
  /** The one send on the wire, waiting for its ack: messages go out one at a time, so they keep their order. */
  const inflight = useRef<{ clientId: string; at: number } | null>(null);
  /** `ready` received on the current connection. */
  const [ready, setReady] = useState(false);
  const [pumpTick, setPumpTick] = useState(0);
  /** The `after` of the current connection (undefined: none, we load the newest page by REST). */
  const afterRef = useRef<number | undefined>(undefined);
  /** First seq replayed on this connection (to spot a cut-short catch-up). */
  const firstReplayed = useRef<number | null>(null);
  /** My read cursor when the room was opened: where the "new messages" line goes. */
  const [firstUnread, setFirstUnread] = useState<number | null>(null);

  /**
   * Where my reading got to: the server's cursor, or what this device saw if that is further
   * (the server starts a re-added member's cursor over at 0).
   */
  const readUpTo = (serverCursor: number) => Math.max(serverCursor, offlineStore.readCursor(me, roomId));

  /** The room told this socket I am no longer in it; the list, reloaded, says how (left or removed). */
  const [removedLive, setRemovedLive] = useState(false);
  /**
   * A group I left or was removed from: read-only, no socket, its history up to the line about
   * me (the server stops there), until I delete it from my list.
   */
  const former: Pick<FormerMembership, 'reason'> | null =
    summary?.former ?? detail?.former ?? (removedLive ? { reason: 'removed' } : null);

  const wasFormer = useRef(false);
  if (former) wasFormer.current = true;

  const say = useCallback((text: string) => setNotice({ id: Date.now(), text }), []);
  const actions = useMessageActions(roomId, say, former === null);

  // Room info when it is not in the conversation list (deep link, embed). Not for a former
  // group that just left the list (deleted from it): the server no longer knows it as mine.
  useEffect(() => {
    if (summary || wasFormer.current) return;
    let cancelled = false;
    api
      .room(roomId)
      .then(({ room }) => !cancelled && setDetail(room))
      .catch(() => {
        // The socket reports membership problems; the header falls back to a generic title.
      });
    return () => {
      cancelled = true;
    };
  }, [roomId, summary === null]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (firstUnread === null && summary) setFirstUnread(readUpTo(summary.lastReadSeq) + 1);
  }, [summary, firstUnread]);

  const flushRead = useCallback((send: (f: ClientFrame) => boolean) => {
    const seq = readWanted.current;
    if (seq > readSent.current && send({ type: 'read', seq })) readSent.current = seq;
  }, []);

  // Frames are handled through a ref so the socket never reconnects because a callback changed.
  const socketRef = useRef<ReturnType<typeof useRoomSocket> | null>(null);

  /** Caught up: from here on every frame is live. */
  const onSynced = (send: (f: ClientFrame) => boolean) => {
    dispatch({ type: 'synced' });
    setSynced(true);
    const last = stateRef.current.seqs.at(-1);
    const rendered = last !== undefined ? stateRef.current.bySeq.get(last) : undefined;
    // The first page may still be rendering (a transition): its newest message counts too.
    const fromPage = firstPageNewest.current;
    const lastMsg = fromPage && (!rendered || fromPage.seq > rendered.seq) ? fromPage : rendered;
    if (lastMsg) rooms.applyMessage(roomId, lastMsg, { mine: lastMsg.senderId === me, read: viewingRef.current });
    for (const f of queued.current.splice(0)) send(f);
    flushRead(send);
  };

  /** This socket was accepted into the room (`ready`): a later not_a_member means I was removed, or left. */
  const wasMember = useRef(false);
  const removedNow = () => {
    setRemovedLive(true);
    socketRef.current?.fail(REMOVED_TEXT);
    // The reloaded list says how (left or removed) and up to where the history is mine.
    void rooms.reload();
  };

  const onFrame = (frame: ServerFrame): void => {
    const socket = socketRef.current;
    const send = (f: ClientFrame) => socket?.send(f) ?? false;
    switch (frame.type) {
      case 'ready': {
        wasMember.current = true;
        socket?.markHealthy();
        setSynced(false);
        setGone(null);
        // A call in progress is said again right after `ready`; none said means none.
        setGroupCall(null);
        setBlockedByRoom(false);
        firstReplayed.current = null;
        setLiveMembers(frame.members);
        presence.fromRoom(frame.members.map((m) => ({ userId: m.userId, online: m.online })));
        const mine = frame.members.find((m) => m.userId === me);
        if (mine) {
          readConfirmed.current = Math.max(readConfirmed.current, mine.lastReadSeq);
          readSent.current = readConfirmed.current;
          setFirstUnread((cur) => cur ?? readUpTo(mine.lastReadSeq) + 1);
        }
        const after = afterRef.current;
        if (after === undefined) void loadLatest(frame.lastSeq);
        // The outbox starts over on this connection (resends are deduped by clientId).
        inflight.current = null;
        setReady(true);
        // No catch-up coming (nothing missed, or no `after`): we are live now.
        if (after === undefined || after >= frame.lastSeq) onSynced(send);
        return;
      }
      case 'history':
        if (firstReplayed.current === null && frame.messages[0]) firstReplayed.current = frame.messages[0].seq;
        dispatch({ type: 'merge', messages: frame.messages, me });
        return;
      case 'synced': {
        // More was missed than the room replays: what we held before is not contiguous any more.
        const after = afterRef.current ?? 0;
        if (!frame.complete && firstReplayed.current !== null && firstReplayed.current > after + 1) {
          dispatch({ type: 'gap', seq: firstReplayed.current });
        }
        onSynced(send);
        return;
      }
      case 'message': {
        const m = frame.message;
        dispatch({ type: 'merge', messages: [m], me });
        typing.stopped(m.senderId);
        // A thread reply counts in the chat's badge only if it is for me (a mention, a thread I took part in).
        const count = isThreadReply(m) ? (m.senderId !== me && replyIsForMe(m, me, user?.username ?? '', stateRef.current.bySeq) ? 1 : 0) : undefined;
        rooms.applyMessage(roomId, m, { mine: m.senderId === me, read: viewingRef.current, count });
        return;
      }
      case 'ack':
        if (inflight.current?.clientId === frame.clientId) inflight.current = null;
        dispatch({ type: 'ack', clientId: frame.clientId, id: frame.id, seq: frame.seq, createdAt: frame.createdAt, me, roomId });
        return;
      case 'updated':
        dispatch({ type: 'merge', messages: [frame.message], replace: true, me });
        rooms.applyMessage(roomId, frame.message, { mine: frame.message.senderId === me, read: false });
        return;
      case 'read':
        setLiveMembers((list) =>
          list?.map((m) => (m.userId === frame.userId ? { ...m, lastReadSeq: Math.max(m.lastReadSeq, frame.seq) } : m)) ?? list,
        );
        if (frame.userId === me) {
          readConfirmed.current = Math.max(readConfirmed.current, frame.seq);
          readSent.current = Math.max(readSent.current, frame.seq);
          rooms.markRead(roomId, frame.seq);
        }
        return;
      case 'typing':
        typing.onTyping(frame.userId, frame.until);
        return;
      case 'presence':
        setLiveMembers((list) => list?.map((m) => (m.userId === frame.userId ? { ...m, online: frame.online } : m)) ?? list);
        presence.fromRoom([{ userId: frame.userId, online: frame.online }]);
        return;
      case 'members': {
        setLiveMembers(frame.members);
        setLiveName(frame.name);
        rooms.patchRoom(roomId, { name: frame.name, members: frame.members });
        presence.fromRoom(frame.members.map((m) => ({ userId: m.userId, online: m.online })));
        if (!frame.members.some((m) => m.userId === me)) removedNow();
        return;
      }
      case 'group_call_state':
        setGroupCall(frame.call.status === 'active' ? frame.call : null);
        return;
      case 'group_call_signal':
        // Signals go to the call's own socket (services/group-call-client.ts), never to this one.
        return;
      case 'pins':
        actions.onPins(frame.pins);
        return;
      case 'hidden': {
        // Each seq once: this tab hears of its own deletions too, and a message leaves the count once.
        const fresh = frame.seqs.filter((seq) => !uncounted.current.has(`${roomId}:${seq}`));
        for (const seq of fresh) uncounted.current.add(`${roomId}:${seq}`);
        rooms.uncountHidden(roomId, fresh.flatMap((seq) => stateRef.current.bySeq.get(seq) ?? []));
        actions.onHidden(frame.seqs);
        return;
      }
      case 'starred':
        actions.onStarred(frame.seqs, frame.on);
        return;
      case 'call_state':
      case 'call_signal':
        // A call has its own socket to this room (services/call-client.ts), bound to the call by
        // the room; this one only sees copies of call_state, and the call's timeline record
        // arrives as an ordinary `message`.
        return;
      case 'pong':
        return;
      case 'error': {
        if (frame.clientId && stateRef.current.pending.some((p) => p.clientId === frame.clientId)) {
          const clientId = frame.clientId;
          if (inflight.current?.clientId === clientId) inflight.current = null;
          if (frame.code === 'rate_limited' || frame.code === 'unavailable') {
            // Transient: it stays first in line; the outbox waits, so the order is kept.
            dispatch({ type: 'deferred', clientId, retryAfter: Date.now() + Math.max(250, frame.retryAfterMs ?? 2000) });
          } else {
            dispatch({ type: 'failed', clientId, error: frame.message });
          }
          return;
        }
        if (frame.code === 'not_a_member' && wasMember.current) {
          // Removed (or I left) while connected: the room says so on this socket and closes it.
          // Like WhatsApp, the chat stays, read-only, with what I saw up to now.
          removedNow();
          return;
        }
        if (frame.code === 'not_a_member' || frame.code === 'not_found') {
          // The server's wording is for developers ("you were removed from this room"); say it as the app does.
          const text = frame.code === 'not_found' ? 'This conversation does not exist.' : REMOVED_TEXT;
          setGone(text);
          socket?.fail(text);
          return;
        }
        if (frame.code === 'forbidden' && frame.message === BLOCKED_CONVERSATION_TEXT) {
          // Said by the window (the composer gives way to an explanation), not as a passing toast.
          setBlockedByRoom(true);
          return;
        }
        if (frame.code === 'rate_limited') {
          // A typing or read frame was dropped. Typing renews by itself; the read cursor is sent again.
          readSent.current = readConfirmed.current;
          clearTimeout(readRetry.current);
          readRetry.current = setTimeout(() => flushRead((f) => socketRef.current?.send(f) ?? false), Math.max(250, frame.retryAfterMs ?? 1000));
          return;
        }
        say(frame.message);
        return;
      }
      default: {
        const unhandled: never = frame;
        void unhandled;
      }
    }
  };

  const connectParams = useCallback(async () => {
    const pageMax = await initial.current;
    const s = stateRef.current;
    const after = pageMax === null && !s.loaded ? undefined : Math.max(pageMax ?? 0, lastSeqOf(s));
    afterRef.current = after;
    return { after };
  }, [initial, stateRef]);

  const socket = useRoomSocket(roomId, onFrame, connectParams, () => void refresh(), former === null);
  socketRef.current = socket;
  const { send } = socket;

  // Leaving the room or losing the link: typing indicators and the sync flag are stale.
  useEffect(() => {
    if (socket.state.status !== 'open') {
      setSynced(false);
      setReady(false);
      inflight.current = null;
      typing.clear();
    }
  }, [socket.state.status]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => () => clearTimeout(readRetry.current), []);

  // The outbox: send the oldest unsent message, wait for its ack (or error), then the next.
  // One round trip per message is invisible at human pace and keeps the order I typed in,
  // even when the room rate-limits a burst (e.g. the outbox flushing after a reconnect).
  useEffect(() => {
    if (!ready) return;
    const now = Date.now();
    if (inflight.current) {
      // No answer for a long time: the link is probably dead; the keepalive will notice. Try again meanwhile.
      const wait = inflight.current.at + 15_000 - now;
      if (wait > 0) {
        const t = setTimeout(() => setPumpTick((n) => n + 1), wait);
        return () => clearTimeout(t);
      }
      inflight.current = null;
    }
    // A message whose file is still uploading holds the line: messages arrive in the order I sent them.
    const next = state.pending.find((p) => p.status === 'sending' || p.status === 'uploading');
    if (!next || next.status === 'uploading') return;
    if (next.retryAfter && next.retryAfter > now) {
      const t = setTimeout(() => setPumpTick((n) => n + 1), next.retryAfter - now);
      return () => clearTimeout(t);
    }
    const frame: ClientFrame = next.sealed
      ? { type: 'send_secret', clientId: next.clientId, sealed: next.sealed, ...(next.attachment ? { attachmentId: next.attachment.id } : {}) }
      : {
          type: 'send',
          clientId: next.clientId,
          content: next.content,
          ...(next.replyToSeq ? { replyToSeq: next.replyToSeq } : {}),
          ...(next.attachment ? { attachmentId: next.attachment.id } : {}),
          ...(next.attachment && next.albumId ? { albumId: next.albumId } : {}),
          ...(next.linkPreviewUrl ? { linkPreviewUrl: next.linkPreviewUrl } : {}),
          ...(next.threadRootSeq ? { threadRootSeq: next.threadRootSeq } : {}),
        };
    if (send(frame)) inflight.current = { clientId: next.clientId, at: now };
  }, [ready, state.pending, pumpTick, send]);

  // ---------------------------------------------------------------- actions

  const secret = (summary ?? detail)?.secret ?? false;
  const memberIdsForSealing = (liveMembers ?? summary?.members ?? detail?.members ?? []).map((m) => m.userId);
  const sendSecret = useSecretSend(roomId, me, memberIdsForSealing, dispatch, say);

  const sendMessage = useCallback(
    (content: string, replyToSeq: number | null, linkPreviewUrl?: string, threadRootSeq?: number) => {
      // Secret chats have no threads (the room refuses them; the app offers none).
      if (secret) return void sendSecret(content);
      const clientId = newClientId();
      // The outbox effect sends it (now, or once connected).
      dispatch({
        type: 'queued',
        message: {
          clientId,
          content,
          replyToSeq,
          createdAt: new Date().toISOString(),
          status: 'sending',
          ...(linkPreviewUrl ? { linkPreviewUrl } : {}),
          ...(threadRootSeq ? { threadRootSeq } : {}),
        },
      });
    },
    [dispatch, secret, sendSecret],
  );

  /**
   * Sends a file: shown at once (with a local preview for pictures), uploaded with
   * progress, then sent in order. `kind` defaults by type: the four web image types are images.
   */
  const sendFile = useCallback(
    (
      file: File,
      options: {
        kind?: AttachmentKind;
        durationMs?: number;
        waveform?: number[];
        caption?: string;
        replyToSeq?: number | null;
        albumId?: string;
      } = {},
    ) => {
      if (file.size === 0) return say(`${file.name || 'That file'} is empty.`);
      if (file.size > MAX_ATTACHMENT_BYTES) {
        return say(`${file.name} is too large: files can be up to ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB.`);
      }
      if (secret) return void sendSecret(options.caption ?? '', file);
      const kind = options.kind ?? (isPictureFile(file) ? 'image' : 'file');
      const clientId = newClientId();
      const name = file.name || (kind === 'voice' ? 'voice note' : kind);
      dispatch({
        type: 'queued',
        message: {
          clientId,
          content: options.caption ?? '',
          replyToSeq: options.replyToSeq ?? null,
          createdAt: new Date().toISOString(),
          status: 'uploading',
          ...(options.albumId ? { albumId: options.albumId } : {}),
          upload: {
            kind,
            name,
            size: file.size,
            contentType: file.type,
            progress: 0,
            ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
            ...(kind === 'image' ? { previewUrl: URL.createObjectURL(file) } : {}),
          },
        },
      });
      uploads.start(clientId, file, {
        kind,
        name,
        ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
        ...(options.waveform ? { waveform: options.waveform } : {}),
      });
    },
    [dispatch, uploads, say, secret, sendSecret],
  );

  /**
   * Files sent together from the preview step: the caption (and the reply) go with the first;
   * two or more pictures share an albumId, so everyone sees them as one grid.
   */
  const sendFiles = useCallback(
    (files: readonly File[], caption: string, replyToSeq: number | null) => {
      const albumId = !secret && files.filter(isPictureFile).length > 1 ? crypto.randomUUID() : undefined;
      files.forEach((file, i) =>
        sendFile(file, {
          caption: i === 0 ? caption : '',
          replyToSeq: i === 0 ? replyToSeq : null,
          ...(albumId && isPictureFile(file) ? { albumId } : {}),
        }),
      );
    },
    [sendFile, secret],
  );

  const retry = useCallback(
    (clientId: string) => {
      const p = stateRef.current.pending.find((x) => x.clientId === clientId);
      dispatch({ type: 'retry', clientId });
      if (p?.upload && !p.attachment && !uploads.retry(clientId)) {
        dispatch({ type: 'upload', clientId, error: 'The file is no longer here: attach it again.' });
      }
    },
    [dispatch, uploads, stateRef],
  );

  const discard = useCallback(
    (clientId: string) => {
      uploads.cancel(clientId);
      const preview = stateRef.current.pending.find((x) => x.clientId === clientId)?.upload?.previewUrl;
      if (preview) URL.revokeObjectURL(preview);
      dispatch({ type: 'discard', clientId });
    },
    [dispatch, uploads, stateRef],
  );

  const control = useCallback(
    (frame: ClientFrame) => {
      if (!send(frame)) {
        queued.current.push(frame);
        say('Not connected — this will be applied when the connection is back.');
      }
    },
    [send, say],
  );

  const edit = useCallback((seq: number, content: string) => control({ type: 'edit', seq, content }), [control]);
  const remove = useCallback((seq: number) => control({ type: 'delete', seq }), [control]);
  const react = useCallback(
    (seq: number, emoji: string, on: boolean) => control({ type: 'react', seq, emoji, on }),
    [control],
  );
  const setTyping = useCallback((active: boolean) => void send({ type: 'typing', active }), [send]);

  /** Called by the window when the newest message is on screen. */
  const markSeen = useCallback(
    (seq: number) => {
      if (seq <= readWanted.current) return;
      readWanted.current = seq;
      offlineStore.setReadCursor(me, roomId, seq);
      markRoomRead(roomId, seq);
      setLiveMembers((list) => list?.map((m) => (m.userId === me ? { ...m, lastReadSeq: Math.max(m.lastReadSeq, seq) } : m)) ?? list);
      if (synced) flushRead(send);
    },
    [markRoomRead, roomId, me, synced, flushRead, send],
  );

  // ---------------------------------------------------------------- derived

  const members: RoomMember[] = useMemo(
    () => liveMembers ?? summary?.members ?? detail?.members ?? [],
    [liveMembers, summary, detail],
  );
  const room = summary ?? detail;
  const info: RoomInfo | null = room
    ? {
        kind: room.kind,
        secret: room.secret ?? false,
        name: liveName !== undefined ? liveName : (room.name ?? null),
        createdAt: room.createdAt,
        createdBy: room.createdBy,
        avatarId: room.avatarId ?? null,
        description: room.description ?? null,
      }
    : null;

  // What I deleted for me is never shown (the room still holds it for everyone else).
  const messageList: WireMessage[] = useMemo(
    () => state.seqs.flatMap((s) => (actions.hidden.has(s) ? [] : [state.bySeq.get(s)!])).filter(Boolean),
    [state.seqs, state.bySeq, actions.hidden],
  );

  return {
    roomId,
    info,
    members,
    messages: messageList,
    bySeq: state.bySeq,
    pending: state.pending,
    loaded: state.loaded,
    hasOlder: state.hasOlder,
    loadOlder: messages.loadOlder,
    loadAround: messages.loadAround,
    fillGap: messages.fillGap,
    loadingOlder: messages.loadingOlder,
    historyError: messages.historyError,
    typingUserIds: typing.typingUserIds,
    groupCall,
    connection: socket.state,
    synced,
    reconnectNow: socket.reconnectNow,
    gone,
    former,
    /** A direct conversation blocked either way: nothing can be sent until it is unblocked. */
    blocked: blockedByRoom || (socket.state.status === 'failed' && socket.state.reason === cleanMessage(BLOCKED_CONVERSATION_TEXT)),
    notice,
    clearNotice: () => setNotice(null),
    firstUnread,
    viewingRef,
    sendMessage,
    sendFile,
    sendFiles,
    retry,
    discard,
    edit,
    remove,
    react,
    setTyping,
    markSeen,
    pins: actions.pins,
    starred: actions.starred,
    pin: actions.pin,
    star: actions.star,
    hideForMe: actions.hide,
  };
}

export type RoomChat = ReturnType<typeof useRoomChat>;
