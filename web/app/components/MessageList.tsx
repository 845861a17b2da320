/**
 * The scrolling list of messages: infinite scroll back (IntersectionObserver on a sentinel at
 * the top, scroll position kept when older messages are prepended), stick-to-bottom for new
 * messages, day separators, the "new messages" line, delivery/seen state and "jump to latest".
 * Thread replies are not shown here: their root carries the thread's line, which opens it.
 * Virtualised (useListWindow): only the messages near the screen are in the DOM, however long
 * the history; jumps and the arrow keys reach the others through `reveal`.
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
import { isThreadReply, repliesByRoot, threadLineOf } from '../lib/threads';
import { useListWindow } from '../hooks/useListWindow';
import { useNamedMembers, useReadersOf } from '../hooks/useNamedMembers';
import { PAGE_SIZE } from '../hooks/useMessages';
import { albumRows, isPicture } from '../lib/albums';
import { PictureViewerProvider } from './attachments/PictureViewer';

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
  /** Opens a thread's panel (absent: no threads, as in the embed). */
  onOpenThread?(rootSeq: number): void;
  /** Per root, the newest reply I saw (useThreadsSeen). */
  threadsSeen?: Readonly<Record<string, number>>;
}

const RUN_GAP_MS = 5 * 60_000;
/** This many unsent messages at once get a progress note ("Sending 12 messages…"). */
const BURST = 5;
/** Unsent messages (sent ones carry their client id too, and a seq): rendered after the sent ones whenever the newest are. */
const PENDING_ROWS = '[data-client-id]:not([data-seq])';

/** The message list is one tab stop: the newest message, until another was focused. */
const MESSAGE_ROWS: Omit<RovingRows, 'move'> = {
  item: '[data-testid="message"]',
  group: '[data-testid="message"]',
  keyOf: (row) => row.getAttribute('data-seq') ?? `c:${row.getAttribute('data-client-id')}`,
  start: (rows) => rows[rows.length - 1],
};

/** Keeps a row on screen with the least scrolling (a keyboard move). */
const NEAREST = (_: HTMLElement, row: HTMLElement) => row.scrollIntoView({ block: 'nearest' });
/** A jump: the row in the middle of the list, at once (see jumpTo). */
const CENTRE = (_: HTMLElement, row: HTMLElement) => row.scrollIntoView({ block: 'center' });

export function MessageList({ chat, me, isGroup, onReply, onEdit, jumpTarget, onJumped, onAction, canPin, onOpenThread, threadsSeen }: Props) {
  const pinnedSeqs = useMemo(() => new Set(chat.pins.map((p) => p.seq)), [chat.pins]);
  const { messages, pending, members, bySeq, loaded, hasOlder, loadOlder, loadingOlder, firstUnread } = chat;
  const scrollRef = useRef<HTMLDivElement>(null);
  const sentinelRef = useRef<HTMLDivElement>(null);
  const [newBelow, setNewBelow] = useState(0);
  const [highlight, setHighlight] = useState<number | null>(null);
  /** The message whose actions are shown on a touch screen (one at a time). */
  const [selectedSeq, setSelectedSeq] = useState<number | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
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
      if (m.senderId !== me || m.type !== 'text' || isThreadReply(m)) continue;
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
    return messages.find((m) => m.seq >= unread.from && m.seq <= unread.to && m.senderId !== me && m.type !== 'system' && !isThreadReply(m))?.seq ?? null;
  }, [unread, messages, hasOlder, me]);

  // ------------------------------------------------------------ rows and the window over them
  // Pictures sent together are one row (a grid); the same array for the same album across
  // renders, so its bubble skips rendering like any other.
  const mainMessages = useMemo(() => messages.filter((m) => !isThreadReply(m)), [messages]);
  // Gaps are between seqs the page holds, replies included (loaded, only shown elsewhere); each is
  // shown above the next message of the chat itself.
  const gapsAbove = useMemo(() => {
    const gaps = new Map<number, { below: number; above: number }>();
    let prevSeq: number | null = null;
    let open: { below: number; above: number } | null = null;
    for (const m of messages) {
      if (prevSeq !== null && m.seq > prevSeq + 1) open ??= { below: prevSeq, above: m.seq };
      prevSeq = m.seq;
      if (open && !isThreadReply(m)) {
        gaps.set(m.seq, open);
        open = null;
      }
    }
    return gaps;
  }, [messages]);
  const albumCache = useRef(new Map<string, WireMessage[]>());
  const grouped = useMemo(() => {
    const rowsNow = albumRows(mainMessages, (m, before) => dayKey(before.createdAt) !== dayKey(m.createdAt) || m.seq === unreadLineSeq);
    const cache = new Map<string, WireMessage[]>();
    const stable = rowsNow.map((row) => {
      if (row.length < 2) return row;
      const key = row.map((m) => m.seq).join(',');
      const old = albumCache.current.get(key);
      const kept = old && old.every((m, i) => m === row[i]) ? old : row;
      cache.set(key, kept);
      return kept;
    });
    albumCache.current = cache;
    return stable;
  }, [mainMessages, unreadLineSeq]);
  // The window, the arrow keys and jumps go by row: an album's row is keyed by its first picture.
  const seqs = useMemo(() => grouped.map((row) => row[0]!.seq), [grouped]);
  const rowKeyOf = useMemo(() => {
    const keys = new Map<number, number>();
    for (const row of grouped) if (row.length > 1) for (const m of row) keys.set(m.seq, row[0]!.seq);
    return (seq: number) => keys.get(seq) ?? seq;
  }, [grouped]);
  // What the viewer's previous/next go through: the chat's loaded pictures, oldest first.
  const pictures = useCallback(() => messages.filter(isPicture).map((m) => ({ roomId: m.roomId, attachment: m.attachment! })), [messages]);
  const win = useListWindow(scrollRef, listRef, seqs, PENDING_ROWS);
  const { atBottom, atBottomRef, reveal } = win;
  useEffect(() => {
    if (atBottom) setNewBelow(0);
  }, [atBottom]);

  // ------------------------------------------------------------ scrolling
  const prevLastKey = useRef<string | undefined>(undefined);
  const prevPending = useRef(0);
  const initialDone = useRef(false);

  // What the chat shows last: a thread reply arriving is no "new message below" here.
  const lastMain = mainMessages[mainMessages.length - 1];
  const lastPending = pending.findLast((p) => !isThreadReply(p));
  const lastKey = lastPending ? `p:${lastPending.clientId}` : lastMain ? `s:${lastMain.seq}` : undefined;

  // Prepends keep their place in useListWindow; here: the first view, my own sends, and counting what lands below.
  useLayoutEffect(() => {
    const iSent = pending.length > prevPending.current;
    if (!initialDone.current) {
      if (loaded) {
        initialDone.current = true;
        win.toBottom();
      }
    } else if (iSent && !atBottomRef.current) {
      win.toBottom();
    } else if (!atBottomRef.current && lastKey !== prevLastKey.current && prevLastKey.current !== undefined) {
      setNewBelow((n) => n + 1);
    }
    prevLastKey.current = lastKey;
    prevPending.current = pending.length;
  }, [messages, pending, loaded, lastKey]); // eslint-disable-line react-hooks/exhaustive-deps

  // More unread than fits on screen: start reading at the "new messages" line, once.
  // Opened at a search hit: that message is where reading starts, not the unread line.
  const scrolledToLine = useRef(Boolean(jumpTarget));
  useLayoutEffect(() => {
    if (unreadLineSeq === null || !unread?.scroll || scrolledToLine.current) return;
    scrolledToLine.current = true;
    void reveal(unreadLineSeq, (el) => {
      const line = el.querySelector<HTMLElement>('[data-testid="unread-line"]');
      if (line && line.offsetTop < el.scrollTop) el.scrollTop = line.offsetTop - 16;
    });
  }, [unreadLineSeq, unread, reveal]);

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
  const loadedRef = useRef({ seqs, bySeq, rowKeyOf });
  loadedRef.current = { seqs, bySeq, rowKeyOf };
  const jumpTo = useCallback(
    async (seq: number) => {
      // Close by: page back. Far back, or in a gap: load a window around it (a gap stays above it, filled on demand).
      const isLoaded = () => loadedRef.current.bySeq.has(seq);
      for (let i = 0; i < 3 && !isLoaded(); i++) {
        const oldest = loadedRef.current.seqs[0];
        if (!olderRef.current.hasOlder || oldest === undefined || seq > oldest || oldest - seq > PAGE_SIZE * 2) break;
        await olderRef.current.loadOlder();
      }
      if (!isLoaded()) await olderRef.current.loadAround(seq).catch(() => {});
      // Rendered and placed in the render that carries the loaded page; at once, not a glide:
      // while a smooth scroll runs the list still counts as at the bottom, and a resize then
      // (a phone's search panel closing) pinned it back down there.
      const el = await reveal(loadedRef.current.rowKeyOf(seq), CENTRE);
      if (!el) return;
      // Focus follows the eye: the keyboard and the screen reader continue from the message.
      el.focus({ preventScroll: true });
      const shown = Number(el.dataset.seq);
      setHighlight(shown);
      setTimeout(() => setHighlight((h) => (h === shown ? null : h)), 1600);
    },
    [reveal],
  );

  // The arrow keys walk every loaded message (and on into older pages), rendered or not.
  /** The oldest loaded message, when ArrowUp was pressed on it and the page before is loading. */
  const olderMove = useRef<number | null>(null);
  /** Renders the row (if it was not) next to the screen and focuses it. */
  const focusRow = useCallback((key: number) => void reveal(key, NEAREST).then((row) => row?.focus({ preventScroll: true })), [reveal]);
  const moveFocus = useCallback(
    (from: HTMLElement, key: 'ArrowUp' | 'ArrowDown' | 'Home' | 'End') => {
      const seq = Number(from.dataset.seq);
      const all = loadedRef.current.seqs;
      const i = all.indexOf(seq);
      if (!from.dataset.seq || i < 0) return false;
      const to = key === 'Home' ? 0 : key === 'End' ? all.length - 1 : key === 'ArrowUp' ? i - 1 : i + 1;
      // Past the newest sent message (unsent ones below): the rendered rows know the way.
      if (to >= all.length) return false;
      olderMove.current = null;
      if (to < 0) {
        if (!olderRef.current.hasOlder) return true;
        // Moved on once the older page has rendered (below), whoever asked for that page: the
        // sentinel may have asked first, and then this call returns before the page is in.
        olderMove.current = seq;
        void olderRef.current.loadOlder();
        return true;
      }
      if (to === i) return true;
      const near = document.getElementById(`msg-${all[to]}`);
      if (near && listRef.current?.contains(near)) {
        near.focus();
        return true;
      }
      focusRow(all[to]!);
      return true;
    },
    [focusRow],
  );
  // ArrowUp on the oldest loaded message: on to the one before, once the older page is rendered
  // (and only if the focus has stayed where the key was pressed).
  useEffect(() => {
    const from = olderMove.current;
    const k = from === null ? -1 : seqs.indexOf(from);
    if (k <= 0) return;
    olderMove.current = null;
    if ((document.activeElement as HTMLElement | null)?.dataset.seq !== String(from)) return;
    focusRow(seqs[k - 1]!);
  }, [seqs, focusRow]);
  /** A remembered row (its `data-seq`), rendered again next to the screen and focused. */
  const bringRow = useCallback(
    (key: string) => {
      const seq = Number(key);
      if (!loadedRef.current.seqs.includes(seq)) return false;
      focusRow(seq);
      return true;
    },
    [focusRow],
  );
  const roving = useRovingRows(listRef, useMemo(() => ({ ...MESSAGE_ROWS, move: moveFocus, bring: bringRow }), [moveFocus, bringRow]));

  useEffect(() => {
    if (!jumpTarget || !loaded) return;
    void jumpTo(jumpTarget).finally(() => onJumped?.());
  }, [jumpTarget, loaded]); // eslint-disable-line react-hooks/exhaustive-deps

  const scrollToBottom = () => {
    const el = scrollRef.current;
    if (!el) return;
    // Far away (or the newest not rendered): jump; close: glide.
    const far = win.windowed || el.scrollHeight - el.scrollTop - el.clientHeight > el.clientHeight * 2;
    if (far) win.toBottom();
    else el.scrollTo({ top: el.scrollHeight, behavior: 'smooth' });
  };

  // Rows are memoised (MessageBubble): what they are given keeps its identity until it changes.
  // Names only, not read cursors or presence; who read a message is asked when its list opens.
  const named = useNamedMembers(members);
  const readersOf = useReadersOf(members, me);
  // The same quote object while its name and text are the same: a new message (a new bySeq)
  // leaves every quote above it as it was.
  const replyCache = useRef(new Map<number, ReplyPreview>());
  const replyOf = (replyToSeq: number | null): ReplyPreview | null => {
    if (!replyToSeq) return null;
    const orig = bySeq.get(replyToSeq);
    const name = orig ? memberName(named, orig.senderId, me) : 'Message';
    const text = orig ? previewText(orig) : null;
    const cached = replyCache.current.get(replyToSeq);
    if (cached && cached.name === name && cached.text === text) return cached;
    const preview = { seq: replyToSeq, name, text };
    replyCache.current.set(replyToSeq, preview);
    return preview;
  };

  // ------------------------------------------------------------ rendering
  const replies = useMemo(() => repliesByRoot(messages), [messages]);
  const { start, end } = win.range;
  let prev: WireMessage | null = grouped[start - 1]?.at(-1) ?? null;
  const rows = grouped.slice(start, end).map((row) => {
    const m = row[0]!;
    const newDay = !prev || dayKey(prev.createdAt) !== dayKey(m.createdAt);
    const continued =
      !newDay &&
      prev !== null &&
      prev.type === 'text' &&
      m.type === 'text' &&
      prev.senderId === m.senderId &&
      Date.parse(m.createdAt) - Date.parse(prev.createdAt) < RUN_GAP_MS &&
      m.seq !== unreadLineSeq;
    const gap = gapsAbove.get(m.seq);
    prev = row[row.length - 1]!;
    const mine = m.senderId === me;
    return (
      <Fragment key={m.seq}>
        {gap && <GapRow below={gap.below} above={gap.above} onFill={chat.fillGap} />}
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
          album={row.length > 1 ? row : undefined}
          me={me}
          mine={mine}
          isGroup={isGroup}
          senderName={isGroup && !mine && !continued ? memberName(named, m.senderId, me) : null}
          continued={continued}
          status={mine ? statusOf(m.seq) : null}
          members={named}
          readersOf={readersOf}
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
          thread={onOpenThread ? threadLineOf(m, replies.get(m.seq) ?? [], threadsSeen?.[m.seq] ?? 0, me) : null}
          onOpenThread={onOpenThread}
        />
        {seenMarker && row.some((x) => x.seq === seenMarker.seq) && <SeenMarker readers={seenMarker.readers} isGroup={isGroup} total={others.length} />}
      </Fragment>
    );
  });

  return (
    <PictureViewerProvider pictures={pictures}>
      <div className="messages-wrap">
        <div
          className="messages"
          ref={scrollRef}
          onScroll={win.onScroll}
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
          <ol className="messages__list" ref={listRef} tabIndex={-1} style={{ paddingTop: win.padTop, paddingBottom: win.padBottom }} onKeyDown={roving.onKeyDown} onFocus={roving.onFocus} onBlur={roving.onBlur}>
            {rows}
            {end === grouped.length && pending.filter((p) => !isThreadReply(p)).map((p, i, pending) => {
              const before = i === 0 ? lastMain : undefined;
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
    </PictureViewerProvider>
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
