/**
 * A thread, Slack style: a side panel (the whole screen on a phone) with the root, its replies
 * and a composer of its own. Replies come from the room's socket as they are sent (the page's
 * message store) and, for those the page never loaded, from GET /api/rooms/:roomId/threads.
 * Escape closes it; the chat window puts focus back where it was. Loaded on demand.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { WireMessage } from '../lib/protocol';
import type { RoomChat } from '../hooks/useRoomChat';
import { api, errorMessage } from '../services/api';
import { memberName, pluralize } from '../lib/format';
import { Composer, type ComposerHandle } from './Composer';
import type { MentionCandidate } from './MentionSuggestions';
import { MessageBubble, PendingBubble } from './MessageBubble';
import { useReadersOf } from '../hooks/useNamedMembers';
import { CloseIcon } from './Icons';
import type { MessageAction } from './MessageMenu';

interface Props {
  chat: RoomChat;
  me: string;
  isGroup: boolean;
  rootSeq: number;
  /** Opened at this reply (a search hit): scrolled to and focused. */
  focusSeq?: number | null;
  canPin: boolean;
  readOnly: boolean;
  onAction?(action: MessageAction, message: WireMessage): void;
  mentionCandidates?: readonly MentionCandidate[];
  /** The newest reply on screen, while the panel is open. */
  onSeen(rootSeq: number, seq: number): void;
  onClose(): void;
}

/** Pages of a long thread read when it opens (200 replies each). */
const MAX_PAGES = 10;

export default function ThreadPanel({ chat, me, isGroup, rootSeq, focusSeq, canPin, readOnly, onAction, mentionCandidates, onSeen, onClose }: Props) {
  const [fetched, setFetched] = useState<{ root: WireMessage; replies: WireMessage[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ seq: number; content: string } | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const composer = useRef<ComposerHandle>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const roomId = chat.roomId;

  useEffect(() => {
    const ctrl = new AbortController();
    setFetched(null);
    setError(null);
    void (async () => {
      try {
        let page = await api.thread(roomId, rootSeq, 0, ctrl.signal);
        const replies = [...page.replies];
        for (let i = 1; i < MAX_PAGES && page.nextAfter; i++) {
          page = await api.thread(roomId, rootSeq, page.nextAfter, ctrl.signal);
          replies.push(...page.replies);
        }
        setFetched({ root: page.root, replies });
      } catch (err) {
        if (!ctrl.signal.aborted) setError(errorMessage(err));
      }
    })();
    return () => ctrl.abort();
  }, [roomId, rootSeq]);

  // Focus: the reply it was opened at, else the composer (the heading where nothing can be sent).
  useEffect(() => {
    if (focusSeq) return;
    if (readOnly || !window.matchMedia('(pointer: fine)').matches) heading.current?.focus();
    else composer.current?.focus();
  }, [rootSeq]); // eslint-disable-line react-hooks/exhaustive-deps

  const root = chat.bySeq.get(rootSeq) ?? fetched?.root;
  // The page's copy of a reply is the live one (edits, reactions, deletes arrive there).
  const replies = useMemo(() => {
    const bySeq = new Map<number, WireMessage>();
    for (const r of fetched?.replies ?? []) bySeq.set(r.seq, r);
    for (const m of chat.messages) if (m.threadRootSeq === rootSeq) bySeq.set(m.seq, m);
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }, [fetched, chat.messages, rootSeq]);
  const pending = chat.pending.filter((p) => p.threadRootSeq === rootSeq);
  const newest = replies.at(-1)?.seq ?? 0;

  useEffect(() => {
    if (newest) onSeen(rootSeq, newest);
  }, [rootSeq, newest, onSeen]);

  useEffect(() => {
    if (!focusSeq || !fetched) return;
    const el = document.getElementById(`msg-${focusSeq}`);
    if (!el) return;
    el.scrollIntoView({ block: 'center' });
    // A message is not a tab stop of its own: focusable by script, so the keyboard continues from it.
    if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
    el.focus({ preventScroll: true });
  }, [focusSeq, fetched]);

  // New replies (mine or others') keep the newest in view.
  useEffect(() => {
    if (focusSeq && !pending.length) return;
    listRef.current?.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }, [replies.length, pending.length]); // eslint-disable-line react-hooks/exhaustive-deps

  const onEdit = useCallback((m: WireMessage) => setEditing({ seq: m.seq, content: m.content }), []);
  const noJump = useCallback(() => {}, []);
  const readersOf = useReadersOf(chat.members, me);
  const live = replies.filter((r) => !r.deletedAt).length;

  const bubble = (m: WireMessage, domId?: string) => (
    <MessageBubble
      key={m.seq}
      message={m}
      me={me}
      mine={m.senderId === me}
      isGroup={isGroup}
      senderName={isGroup && m.senderId !== me ? memberName(chat.members, m.senderId, me) : null}
      continued={false}
      status={null}
      members={chat.members}
      reply={null}
      highlighted={false}
      selected={selected === m.seq}
      onSelect={setSelected}
      onJump={noJump}
      onReact={chat.react}
      onEdit={readOnly ? undefined : onEdit}
      onDelete={chat.remove}
      starred={chat.starred.has(m.seq)}
      pinned={chat.pins.some((p) => p.seq === m.seq)}
      canPin={canPin}
      onAction={onAction}
      domId={domId}
      readersOf={readersOf}
    />
  );

  return (
    <aside
      className="side-panel thread-panel"
      aria-labelledby="thread-title"
      data-testid="thread-panel"
      data-root-seq={rootSeq}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <header className="panel__header">
        <h2 id="thread-title" tabIndex={-1} ref={heading}>
          Thread
        </h2>
        <button type="button" className="icon-btn" aria-label="Close thread" onClick={onClose} data-testid="thread-close">
          <CloseIcon />
        </button>
      </header>
      <div className="thread-panel__body" aria-busy={!fetched && !error}>
        {error && (
          <p className="messages__error" role="alert">
            {error}
          </p>
        )}
        <ol className="messages__list thread-panel__list" ref={listRef} aria-label="Thread messages" data-testid="thread-messages">
          {root && bubble(root, `thread-root-${rootSeq}`)}
          <li className="thread-panel__count" data-testid="thread-count">
            {live ? pluralize(live, 'reply', 'replies') : 'No replies yet'}
          </li>
          {replies.map((r) => bubble(r))}
          {pending.map((p, i) => (
            <PendingBubble
              key={p.clientId}
              pending={p}
              mine
              senderName={null}
              continued={false}
              connected={chat.connection.status === 'open'}
              last={i === pending.length - 1}
              progress={null}
              reply={null}
              onJump={noJump}
              onRetry={chat.retry}
              onDiscard={chat.discard}
            />
          ))}
        </ol>
      </div>
      {!readOnly && (
        <Composer
          ref={composer}
          label="Reply in thread"
          placeholder="Reply in thread…"
          replyTo={null}
          editing={editing}
          onSend={(text, linkPreviewUrl) => chat.sendMessage(text, null, linkPreviewUrl, rootSeq)}
          onSaveEdit={chat.edit}
          onCancelReply={noJump}
          onCancelEdit={() => setEditing(null)}
          onTyping={chat.setTyping}
          mentionCandidates={mentionCandidates}
        />
      )}
    </aside>
  );
}
