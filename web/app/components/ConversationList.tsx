/** The list of conversations: avatar with presence, name, last message, time, unread badge. */
import { NavLink } from '@remix-run/react';
import { useMemo, useState } from 'react';
import type { RoomSummary } from '../services/api';
import { usePresenceMap } from '../context/PresenceContext';
import { useRooms } from '../context/RoomsContext';
import { formatListTime, otherMember, roomPreview, roomTitle } from '../lib/format';
import { isDeleted, shownUsername } from '../lib/members';
import { Avatar } from './Avatar';
import { BellOffIcon, LockIcon, SearchIcon } from './Icons';
import { isMuted } from '../lib/mute';

interface Props {
  rooms: RoomSummary[] | null;
  error: string | null;
  me: string;
  onRetry(): void;
}

export function ConversationList({ rooms, error, me, onRetry }: Props) {
  const presence = usePresenceMap();
  const { inbox } = useRooms();
  const linkUp = inbox.status === 'open';
  // Say so once the link is really down (not during the first connection attempt).
  const offline = inbox.status === 'offline' || inbox.status === 'waiting' || inbox.status === 'failed' || (inbox.status === 'connecting' && inbox.attempt > 0);
  const [filter, setFilter] = useState('');

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
      .filter(({ title, other }) => !q || title.toLowerCase().includes(q) || (other && shownUsername(other)?.includes(q)));
  }, [rooms, filter, me, presence, linkUp]);

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
          <p>{filter ? 'No conversation matches.' : 'No conversations yet.'}</p>
          {!filter && <p className="muted">Start one with the + button.</p>}
        </div>
      )}
      {rooms && items.length > 0 && (
        <ul className="conversations__list" data-testid="conversation-list">
          {items.map(({ room, other, title, online }) => {
            const unread = room.unreadCount;
            const muted = isMuted(room.mutedUntil);
            return (
              <li key={room.id}>
                <NavLink
                  to={`/chat/${room.id}`}
                  className={({ isActive }) => `conversation${isActive ? ' conversation--active' : ''}${unread ? ' conversation--unread' : ''}`}
                  data-testid="conversation-item"
                  data-room-id={room.id}
                  data-unread={unread}
                  prefetch="none"
                >
                  <Avatar id={other?.userId ?? room.id} name={title} avatarId={other?.avatarId} online={online} stale={!linkUp} group={room.kind === 'group'} />
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
                          {unread ? `, ${unread} unread` : ''}
                          {muted ? ', muted' : ''}
                        </span>
                      </span>
                      <span className="conversation__time">{formatListTime(room.lastMessage?.createdAt ?? room.lastMessageAt)}</span>
                    </span>
                    <span className="conversation__bottom">
                      <span className="conversation__preview">{roomPreview(room, me)}</span>
                      {muted && <BellOffIcon size={14} className="conversation__muted" data-testid="muted-icon" />}
                      {unread > 0 && (
                        <span className={`badge${muted ? ' badge--muted' : ''}`} data-testid="unread-badge" aria-hidden="true">
                          {unread > 99 ? '99+' : unread}
                        </span>
                      )}
                    </span>
                  </span>
                </NavLink>
              </li>
            );
          })}
        </ul>
      )}
    </nav>
  );
}
