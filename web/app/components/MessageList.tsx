/**
 * The scrolling list of messages: infinite scroll back (IntersectionObserver on a sentinel at
 * the top, scroll position kept when older messages are prepended), stick-to-bottom for new
 * messages, day separators, the "new messages" line, delivery/seen state and "jump to latest".
 */
import { Fragment, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { WireMessage } from '../lib/protocol';
import type { RoomMember } from '../services/api';
import type { RoomChat } from '../hooks/useRoomChat';
import { useDocumentVisible } from '../hooks/useDocumentVisible';
import { dayKey, formatDay, groupCreatedText, memberName, previewText } from '../lib/format';
import { liveMembers } from '../lib/members';
import { MessageBubble, PendingBubble, type DeliveryStatus, type ReplyPreview } from './MessageBubble';
import { ArrowDownIcon } from './Icons';
import type { MessageAction } from './MessageMenu';
import { useRovingRows, type RovingRows } from '../hooks/useRovingRows';

interface Props {
  chat: RoomChat;
  me: string;
  isGroup: boolean;
  /** Absent where nothing can be sent (everyone else deleted their account): no reply or edit buttons. */
  onReply?(seq: number): void;
  onEdit?(message: WireMessage): void;
  /** Open at this message (a search hit): loaded with its context, scrolled to and highlighted. */
  jumpTarget?: number | null;
  onJumped?(): void;
  /** The "More actions" menu of each message (absent: none, as in the embed). */
  onAction?(action: MessageAction, message: WireMessage): void;
  canPin?: boolean;
}

const RUN_GAP_MS = 5 * 60_000;
/** This many unsent messages at once get a progress note ("Sending 12 messages…"). */
const BURST = 5;
const BOTTOM_SLACK_PX = 80;


/** The message list is one tab stop: the newest message, until another was focused. */
const MESSAGE_ROWS: RovingRows = {
  item: '[data-testid="message"]',
  group: '[data-testid="message"]',
  keyOf: (row) => row.getAttribute('data-seq') ?? `c:${row.getAttribute('data-client-id')}`,
  start: (rows) => rows[rows.length - 1],
};

export function MessageList({ chat, me, isGroup, onReply, onEdit, jumpTarget, onJumped, onAction, canPin }: Props) {
  const pinnedSeqs = useMemo(() => new Set(chat.pins.map((p) => p.seq)), [chat.pins]);
  const { messages, pending, members, bySeq, loaded, hasOlder, loadOlder, loadingOlder, firstUnread } = chat;
  const scrollRef = useRef<HTMLDivElement>(null);
  const sentinelRef = useRef<HTMLDivElement>(null);
  const atBottomRef = useRef(true);
  const [atBottom, setAtBottom] = useState(true);
  const [newBelow, setNewBelow] = useState(0);
  const [highlight, setHighlight] = useState<number | null>(null);
  /** The message whose actions are shown on a touch screen (one at a time). */
  const [selectedSeq, setSelectedSeq] = useState<number | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const roving = useRovingRows(listRef, MESSAGE_ROWS);
  const visible = useDocumentVisible();
  const connected = chat.connection.status === 'open';

  // ------------------------------------------------------------ read state of my messages
  // Whose reading makes a message "seen": deleted accounts read no more (a group would never be
  // seen by everyone), but where everyone else is deleted, what they had read stays shown.
  const others = useMemo(() => {
    const all = members.filter((m) => m.userId !== me);
    const live = liveMembers(all);
    return live.length ? live : all;
  }, [members, me]);
  const statusOf = useCallback(
    (seq: number): DeliveryStatus => {
      if (!others.length) return 'sent';
      return others.every((m) => m.lastReadSeq >= seq) ? 'seen' : 'sent';
    },
    [others],
  );
  /** My newest message that someone has read, and who. */
  const seenMarker = useMemo(() => {
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i]!;
      if (m.senderId !== me || m.type !== 'text') continue;
      const readers = others.filter((o) => o.lastReadSeq >= m.seq);
      if (readers.length) return { seq: m.seq, readers };
    }
    return null;
  }, [messages, others, me]);

  // ------------------------------------------------------------ the "new messages" line
  // Fixed when the room is first caught up: what was unread then, not what arrives while I look.
  const [unread, setUnread] = useState<{ from: number; to: number; scroll: boolean } | null | undefined>(undefined);
  useEffect(() => {
    if (unread !== undefined || !chat.synced || !loaded) return;
    const last = messages[messages.length - 1]?.seq ?? 0;
    if (firstUnread === null || firstUnread > last) return setUnread(null);
    setUnread({ from: firstUnread, to: last, scroll: firstUnread >= (messages[0]?.seq ?? 0) });
  }, [unread, chat.synced, loaded, firstUnread, messages]);
  const unreadLineSeq = useMemo(() => {
    if (!unread || !messages.length) return null;
    // Not loaded back far enough to know where the first unread message is: no line yet.
    if (unread.from < messages[0]!.seq && hasOlder) return null;
    return messages.find((m) => m.seq >= unread.from && m.seq <= unread.to && m.senderId !== me && m.type !== 'system')?.seq ?? null;
  }, [unread, messages, hasOlder, me]);

  // ------------------------------------------------------------ scrolling
  const lastHeight = useRef(0);
  const prevFirst = useRef<number | undefined>(undefined);
  const prevLastKey = useRef<string | undefined>(undefined);
  const prevPending = useRef(0);
  const initialDone = useRef(false);

  const lastKey = pending.length ? `p:${pending[pending.length - 1]!.clientId}` : messages.length ? `s:${messages[messages.length - 1]!.seq}` : undefined;

  const updateBottom = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK_PX;
    atBottomRef.current = bottom;
    setAtBottom(bottom);
    if (bottom) setNewBelow(0);
  }, []);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const first = messages[0]?.seq;
    const iSent = pending.length > prevPending.current;
    if (!initialDone.current) {
      if (loaded) {
        initialDone.current = true;
        el.scrollTop = el.scrollHeight;
      }
    } else if (prevFirst.current !== undefined && first !== undefined && first < prevFirst.current && lastKey === prevLastKey.current) {
      // Older messages were prepended: keep what the reader was looking at in place.
      el.scrollTop += el.scrollHeight - lastHeight.current;
    } else if (atBottomRef.current || iSent) {
      el.scrollTop = el.scrollHeight;
    } else if (lastKey !== prevLastKey.current) {
      setNewBelow((n) => n + 1);
    }
    prevFirst.current = first;
    prevLastKey.current = lastKey;
    prevPending.current = pending.length;
    lastHeight.current = el.scrollHeight;
    updateBottom();
  }, [messages, pending, loaded, lastKey, updateBottom]);

  // More unread than fits on screen: start reading at the "new messages" line, once.
  // Opened at a search hit: that message is where reading starts, not the unread line.
  const scrolledToLine = useRef(Boolean(jumpTarget));
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el || unreadLineSeq === null || !unread?.scroll || scrolledToLine.current) return;
    scrolledToLine.current = true;
    const line = el.querySelector<HTMLElement>('[data-testid="unread-line"]');
    if (line && line.offsetTop < el.scrollTop) {
      el.scrollTop = line.offsetTop - 16;
      updateBottom();
    }
  }, [unreadLineSeq, unread, updateBottom]);

  // Keep pinned to the bottom when the pane is resized (mobile keyboard, window resize).
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      if (atBottomRef.current) el.scrollTop = el.scrollHeight;
      lastHeight.current = el.scrollHeight;
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Infinite scroll back: observing again whenever the oldest message changes re-checks
  // the sentinel, so a short first page keeps loading until the view is filled.
  const oldest = messages[0]?.seq;
  useEffect(() => {
    const root = scrollRef.current;
    const target = sentinelRef.current;
    if (!root || !target || !loaded || !hasOlder || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void loadOlder();
      },
      { root, rootMargin: '400px 0px 0px 0px' },
    );
    io.observe(target);
    return () => io.disconnect();
  }, [loaded, hasOlder, oldest, loadOlder, loadingOlder]);

  // ------------------------------------------------------------ read receipts
  const lastSeq = messages.length ? messages[messages.length - 1]!.seq : 0;
  const viewing = atBottom && visible && loaded;
  useEffect(() => {
    chat.viewingRef.current = viewing;
    if (viewing && lastSeq > 0) chat.markSeen(lastSeq);
  }, [viewing, lastSeq, chat.viewingRef, chat.markSeen]); // eslint-disable-line react-hooks/exhaustive-deps

  // ------------------------------------------------------------ jumping to a replied-to message
  const olderRef = useRef({ hasOlder, loadOlder, loadAround: chat.loadAround });
  olderRef.current = { hasOlder, loadOlder, loadAround: chat.loadAround };
  const jumpTo = useCallback(
    async (seq: number) => {
      // Close by: page back. Far back: load a window around it (a gap stays above it, filled on demand).
      for (let i = 0; i < 3 && !document.getElementById(`msg-${seq}`); i++) {
        if (!olderRef.current.hasOlder) break;
        await olderRef.current.loadOlder();
        await new Promise((r) => requestAnimationFrame(r));
      }
      if (!document.getElementById(`msg-${seq}`)) {
        await olderRef.current.loadAround(seq).catch(() => {});
        await new Promise((r) => requestAnimationFrame(r));
      }
      const el = document.getElementById(`msg-${seq}`);
      if (!el) return;
      // At once, not a glide: while a smooth scroll runs the list still counts as at the
      // bottom, and a resize then (a phone's search panel closing) pinned it back down there.
      el.scrollIntoView({ block: 'center' });
      updateBottom();
      // Focus follows the eye: the keyboard and the screen reader continue from the message.
      el.focus({ preventScroll: true });
      setHighlight(seq);
      setTimeout(() => setHighlight((h) => (h === seq ? null : h)), 1600);
    },
    [updateBottom],
  );

  useEffect(() => {
    if (!jumpTarget || !loaded) return;
    void jumpTo(jumpTarget).finally(() => onJumped?.());
  }, [jumpTarget, loaded]); // eslint-disable-line react-hooks/exhaustive-deps

  const scrollToBottom = () => {
    const el = scrollRef.current;
    if (!el) return;
    // Far away: jump; close: glide.
    const far = el.scrollHeight - el.scrollTop - el.clientHeight > el.clientHeight * 2;
    el.scrollTo({ top: el.scrollHeight, behavior: far ? 'auto' : 'smooth' });
  };

  // Same object for the same quote across renders, so unchanged bubbles skip rendering.
  const replyCache = useMemo(() => new Map<number, ReplyPreview>(), [bySeq, members, me]);
  const replyOf = (replyToSeq: number | null): ReplyPreview | null => {
    if (!replyToSeq) return null;
    let preview = replyCache.get(replyToSeq);
    if (!preview) {
      const orig = bySeq.get(replyToSeq);
      preview = {
        seq: replyToSeq,
        name: orig ? memberName(members, orig.senderId, me) : 'Message',
        text: orig ? previewText(orig) : null,
      };
      replyCache.set(replyToSeq, preview);
    }
    return preview;
  };

  // ------------------------------------------------------------ rendering
  let prev: WireMessage | null = null;
  const rows = messages.map((m) => {
    const newDay = !prev || dayKey(prev.createdAt) !== dayKey(m.createdAt);
    const continued =
      !newDay &&
      prev !== null &&
      prev.type === 'text' &&
      m.type === 'text' &&
      prev.senderId === m.senderId &&
      Date.parse(m.createdAt) - Date.parse(prev.createdAt) < RUN_GAP_MS &&
      m.seq !== unreadLineSeq;
    const gapBelow = prev && m.seq > prev.seq + 1 ? prev.seq : null;
    prev = m;
    const mine = m.senderId === me;
    return (
      <Fragment key={m.seq}>
        {gapBelow !== null && <GapRow below={gapBelow} above={m.seq} onFill={chat.fillGap} />}
        {/* Plain list items (a role on an <li> would break the list's structure). */}
        {newDay && (
          <li className="day-separator">
            <span>{formatDay(m.createdAt)}</span>
          </li>
        )}
        {m.seq === unreadLineSeq && (
          <li className="unread-line" data-testid="unread-line">
            <span>New messages</span>
          </li>
        )}
        <MessageBubble
          message={m}
          me={me}
          mine={mine}
          isGroup={isGroup}
          senderName={isGroup && !mine && !continued ? memberName(members, m.senderId, me) : null}
          continued={continued}
          status={mine ? statusOf(m.seq) : null}
          members={members}
          reply={replyOf(m.replyToSeq)}
          highlighted={highlight === m.seq}
          selected={selectedSeq === m.seq}
          onSelect={setSelectedSeq}
          onJump={jumpTo}
          onReply={onReply}
          onReact={chat.react}
          onEdit={onEdit}
          onDelete={chat.remove}
          pinned={pinnedSeqs.has(m.seq)}
          starred={chat.starred.has(m.seq)}
          canPin={canPin}
          onAction={onAction}
        />
        {seenMarker?.seq === m.seq && <SeenMarker readers={seenMarker.readers} isGroup={isGroup} total={others.length} />}
      </Fragment>
    );
  });

  const lastConfirmed = messages[messages.length - 1];
  return (
    <div className="messages-wrap">
      <div
        className="messages"
        ref={scrollRef}
        onScroll={updateBottom}
        data-testid="message-list"
        data-loaded={loaded ? 'true' : 'false'}
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-label="Messages"
      >
        <div ref={sentinelRef} className="messages__top" data-testid="history-sentinel">
          {loaded && !hasOlder && chat.info?.kind === 'group' ? (
            <p className="messages__start" data-testid="timeline-start">
              {groupCreatedText(chat.info, members, me)}
            </p>
          ) : (
            loaded &&
            !hasOlder &&
            messages.length > 0 && (
              <p className="messages__start" data-testid="timeline-start">
                This is the beginning of the conversation.
              </p>
            )
          )}
          {(loadingOlder || (!loaded && !chat.historyError)) && <span className="spinner" role="status" aria-label="Loading messages" />}
          {chat.historyError && (
            <p className="messages__error" role="alert">
              {chat.historyError}{' '}
              <button type="button" className="link-btn" onClick={() => void loadOlder()} aria-label="Try loading messages again">
                Try again
              </button>
            </p>
          )}
        </div>
        {loaded && messages.length === 0 && pending.length === 0 && (
          <div className="messages__empty" data-testid="empty-conversation">
            <p>No messages yet.</p>
            <p className="muted">Say hello 👋</p>
          </div>
        )}
        <ol className="messages__list" ref={listRef} onKeyDown={roving.onKeyDown} onFocus={roving.onFocus} onBlur={roving.onBlur}>
          {rows}
          {pending.map((p, i) => {
            const before = i === 0 ? lastConfirmed : undefined;
            return (
              <PendingBubble
                key={p.clientId}
                progress={i === pending.length - 1 && connected && pending.length >= BURST ? pending.length : null}
                pending={p}
                mine
                senderName={null}
                continued={i > 0 || (before?.senderId === me && before.type === 'text')}
                connected={connected}
                last={i === pending.length - 1}
                reply={replyOf(p.replyToSeq)}
                onJump={jumpTo}
                onRetry={chat.retry}
                onDiscard={chat.discard}
              />
            );
          })}
        </ol>
      </div>
      {!atBottom && (
        <button type="button" className="jump-latest" onClick={scrollToBottom} aria-label={newBelow ? `Jump to latest, ${newBelow} new` : 'Jump to latest messages'} data-testid="jump-latest">
          <ArrowDownIcon size={18} />
          {newBelow > 0 && <span className="badge">{newBelow}</span>}
        </button>
      )}
    </div>
  );
}

/** Messages not loaded between two loaded stretches (after a jump far back). */
function GapRow({ below, above, onFill }: { below: number; above: number; onFill(below: number, above: number): Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const count = above - below - 1;
  return (
    <li className="history-gap" data-testid="history-gap">
      <button
        type="button"
        className="link-btn"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void onFill(below, above).finally(() => setBusy(false));
        }}
      >
        {busy ? 'Loading…' : `Show ${count === 1 ? '1 more message' : `${count} more messages`}`}
      </button>
    </li>
  );
}

function SeenMarker({ readers, isGroup, total }: { readers: RoomMember[]; isGroup: boolean; total: number }) {
  const text = !isGroup
    ? 'Seen'
    : readers.length === total
      ? 'Seen by everyone'
      : readers.length <= 3
        ? `Seen by ${readers.map((r) => r.displayName).join(', ')}`
        : `Seen by ${readers.length}`;
  return (
    <li className="seen-marker" data-testid="seen-marker" aria-label={text}>
      {text}
    </li>
  );
}
