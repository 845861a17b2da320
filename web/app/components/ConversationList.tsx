/**
 * The list of conversations: avatar with presence, name, last message, time, unread badge, an @
 * badge for unread mentions of me, pinned chats first, archived ones in their own view (until a
 * new message brings them back), and each row's options (ConversationMenu).
 */
import { NavLink } from '@remix-run/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage, type ListStateChange, type RoomSummary } from '../services/api';
import { usePresenceMap } from '../context/PresenceContext';
import { useRooms } from '../context/RoomsContext';
import { formatListTime, otherMember, roomPreview, roomTitle } from '../lib/format';
import { isDeleted, shownUsername } from '../lib/members';
import { Avatar } from './Avatar';
import { ArchiveIcon, BackIcon, BellOffIcon, LockIcon, PinIcon, SearchIcon } from './Icons';
import { isMuted } from '../lib/mute';
import { ConversationMenu } from './ConversationMenu';
import { useRovingRows, type RovingRows } from '../hooks/useRovingRows';

/**
 * The list is one tab stop (the open chat, else the first), ArrowUp/ArrowDown between chats; a
 * row's options button joins the tab order while focus is in that row.
 */
const CHAT_ROWS: RovingRows = {
  item: '[data-testid="conversation-item"]',
  group: '.conversation-row',
  keyOf: (item) => item.getAttribute('data-room-id') ?? '',
  start: (items) => items.find((a) => a.getAttribute('aria-current') === 'page') ?? items[0],
};

interface Props {
  rooms: RoomSummary[] | null;
  error: string | null;
  me: string;
  onRetry(): void;
}

export function ConversationList({ rooms, error, me, onRetry }: Props) {
  const presence = usePresenceMap();
  const { inbox, organise } = useRooms();
  const [showArchived, setShowArchived] = useState(false);
  const [organiseError, setOrganiseError] = useState<string | null>(null);
  const linkUp = inbox.status === 'open';
  // Say so once the link is really down (not during the first connection attempt).
  const offline = inbox.status === 'offline' || inbox.status === 'waiting' || inbox.status === 'failed' || (inbox.status === 'connecting' && inbox.attempt > 0);
  const [filter, setFilter] = useState('');
  const listRef = useRef<HTMLUListElement>(null);
  const roving = useRovingRows(listRef, CHAT_ROWS);

  const items = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return (rooms ?? [])
      .map((room) => {
        const other = room.kind === 'direct' ? otherMember(room.members, me) : null;
        const title = roomTitle(room, room.members, me);
        // A deleted account has no presence (and no dot).
        const online = other && !isDeleted(other) ? (linkUp ? (presence.get(other.userId)?.online ?? other.online) : false) : undefined;
        return { room, other, title, online };
      })
      // Filtering by name searches every chat, archived or not.
      .filter(({ room }) => Boolean(q) || Boolean(room.archived) === showArchived)
      .filter(({ title, other }) => !q || title.toLowerCase().includes(q) || (other && shownUsername(other)?.includes(q)));
  }, [rooms, filter, me, presence, linkUp, showArchived]);
  const archivedCount = rooms?.filter((r) => r.archived).length ?? 0;
  const archivedUnread = rooms?.some((r) => r.archived && (r.unreadCount > 0 || r.markedUnread)) ?? false;
  useEffect(() => {
    // The last archived chat came back (or was unarchived): back to the main list.
    if (showArchived && archivedCount === 0) setShowArchived(false);
  }, [showArchived, archivedCount]);
  useEffect(() => {
    if (!organiseError) return;
    const t = setTimeout(() => setOrganiseError(null), 4000);
    return () => clearTimeout(t);
  }, [organiseError]);
  const change = (roomId: string, c: ListStateChange) => void organise(roomId, c).catch((err: unknown) => setOrganiseError(errorMessage(err)));

  return (
    <nav className="conversations" aria-label="Conversations">
      <div className="conversations__search">
        <SearchIcon size={16} />
        <input
          type="search"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          placeholder="Search conversations"
          aria-label="Search conversations"
          data-testid="conversation-search"
        />
      </div>
      {offline && (
        <p className="conversations__offline" role="status" data-testid="list-offline">
          <span className="connection__dot" aria-hidden="true" />
          {inbox.status === 'offline' ? "You're offline." : 'Not connected.'} Presence and new messages will update when you're back.
        </p>
      )}
      {organiseError && (
        <p className="messages__error" role="alert">
          {organiseError}
        </p>
      )}
      {rooms && !filter.trim() && (showArchived || archivedCount > 0) && (
        <button
          type="button"
          className="conversations__archived"
          onClick={() => setShowArchived((v) => !v)}
          aria-pressed={showArchived}
          data-testid="archived-toggle"
        >
          {showArchived ? <BackIcon size={16} /> : <ArchiveIcon size={16} />}
          <span>{showArchived ? 'Back to chats' : `Archived (${archivedCount})`}</span>
          {!showArchived && archivedUnread && <span className="conversations__dot" aria-label="with unread messages" />}
        </button>
      )}
      {showArchived && !filter.trim() && <h2 className="search-panel__title">Archived chats</h2>}
      {error && !rooms && (
        <div className="conversations__empty" role="alert">
          <p>{error}</p>
          <button type="button" className="btn btn--secondary" onClick={onRetry}>
            Try again
          </button>
        </div>
      )}
      {!rooms && !error && (
        <ul className="conversations__list" aria-busy="true" aria-label="Loading conversations">
          {[0, 1, 2, 3].map((i) => (
            <li key={i} className="conversation conversation--skeleton" aria-hidden="true">
              <span className="skeleton skeleton--circle" />
              <span className="skeleton skeleton--lines" />
            </li>
          ))}
        </ul>
      )}
      {rooms && items.length === 0 && (
        <div className="conversations__empty">
          <p>{filter ? 'No conversation matches.' : showArchived ? 'No archived chats.' : archivedCount ? 'Every chat is archived.' : 'No conversations yet.'}</p>
          {!filter && !archivedCount && <p className="muted">Start one with the + button.</p>}
        </div>
      )}
      {rooms && items.length > 0 && (
        <ul className="conversations__list" data-testid="conversation-list" ref={listRef} tabIndex={-1} onKeyDown={roving.onKeyDown} onFocus={roving.onFocus} onBlur={roving.onBlur}>
          {items.map(({ room, other, title, online }) => {
            const unread = room.unreadCount;
            const markedUnread = Boolean(room.markedUnread) && unread === 0;
            const mentionsMe = room.unreadMentions ?? 0;
            const muted = isMuted(room.mutedUntil);
            return (
              <li key={room.id} className="conversation-row">
                <NavLink
                  to={`/chat/${room.id}`}
                  className={({ isActive }) => `conversation${isActive ? ' conversation--active' : ''}${unread || markedUnread ? ' conversation--unread' : ''}`}
                  data-testid="conversation-item"
                  data-room-id={room.id}
                  data-unread={unread}
                  data-pinned={room.pinnedAt ? 'true' : 'false'}
                  data-archived={room.archived ? 'true' : 'false'}
                  prefetch="none"
                >
                  <Avatar id={other?.userId ?? room.id} name={title} avatarId={other ? other.avatarId : room.avatarId} online={online} stale={!linkUp} group={room.kind === 'group'} />
                  <span className="conversation__body">
                    <span className="conversation__top">
                      <span className="conversation__title">
                        {title}
                        {room.secret && (
                          <span className="secret-lock" data-testid="secret-lock">
                            <LockIcon size={14} />
                          </span>
                        )}
                        {/* Read after the visible name (never instead of it: label-content-name-mismatch). */}
                        <span className="visually-hidden">
                          {room.kind === 'group' ? ', group' : ''}
                          {room.secret ? ', secret chat' : ''}
                          {online ? ', online' : ''}
                          {room.pinnedAt ? ', pinned' : ''}
                          {unread ? `, ${unread} unread` : ''}
                          {markedUnread ? ', marked unread' : ''}
                          {mentionsMe ? `, ${mentionsMe === 1 ? 'mentions you' : `${mentionsMe} mentions of you`}` : ''}
                          {muted ? ', muted' : ''}
                          {room.archived ? ', archived' : ''}
                        </span>
                      </span>
                      <span className="conversation__time">{formatListTime(room.lastMessage?.createdAt ?? room.lastMessageAt)}</span>
                    </span>
                    <span className="conversation__bottom">
                      <span className="conversation__preview">{roomPreview(room, me)}</span>
                      {room.pinnedAt && <PinIcon size={14} className="conversation__muted" data-testid="pinned-icon" />}
                      {muted && <BellOffIcon size={14} className="conversation__muted" data-testid="muted-icon" />}
                      {mentionsMe > 0 && (
                        <span className="badge badge--mention" data-testid="mention-badge" aria-hidden="true">
                          @
                        </span>
                      )}
                      {unread > 0 && (
                        <span className={`badge${muted ? ' badge--muted' : ''}`} data-testid="unread-badge" aria-hidden="true">
                          {unread > 99 ? '99+' : unread}
                        </span>
                      )}
                      {markedUnread && <span className="badge badge--dot" data-testid="marked-unread" aria-hidden="true" />}
                    </span>
                  </span>
                </NavLink>
                <ConversationMenu room={room} title={title} onChange={(c) => change(room.id, c)} />
              </li>
            );
          })}
        </ul>
      )}
    </nav>
  );
}
