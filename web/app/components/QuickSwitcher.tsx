/**
 * The quick switcher (Ctrl+K, ⌘K on a Mac): a modal dialog with one text box that finds my chats
 * by name, a member's name or username (lib/switcher-match.ts: without case or accents, names
 * starting with what was typed first, then unread, then recent). The ARIA combobox pattern:
 * focus stays in the box, ArrowUp/ArrowDown move the highlighted option (aria-activedescendant),
 * Enter opens it, Escape closes the dialog and focus returns where it was (ModalDialog).
 * Names are React text, never HTML.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { RoomSummary } from '../services/api';
import { otherMember } from '../lib/format';
import { liveMembers, shownUsername } from '../lib/members';
import { matchRooms } from '../lib/switcher-match';
import { Avatar } from './Avatar';
import { ModalDialog } from './ModalDialog';

interface Props {
  rooms: RoomSummary[] | null;
  me: string;
  onOpen(roomId: string): void;
  onClose(): void;
}

/** The line under a chat's name: whom it is with. */
function detail(room: RoomSummary, me: string): string {
  if (room.kind === 'direct') {
    const other = otherMember(room.members, me);
    const username = other ? shownUsername(other) : null;
    return username ? `@${username}` : 'Direct chat';
  }
  const count = liveMembers(room.members).length;
  return `Group · ${count} ${count === 1 ? 'member' : 'members'}`;
}

function status(count: number, loading: boolean, query: string): string {
  if (count) return count === 1 ? '1 chat' : `${count} chats`;
  if (loading) return 'Loading your chats…';
  return query.trim() ? 'No chat matches that name.' : 'You have no chats yet.';
}

export function QuickSwitcher({ rooms, me, onOpen, onClose }: Props) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const idPrefix = useId();
  const hits = useMemo(() => matchRooms(rooms ?? [], me, query), [rooms, me, query]);
  const optionId = (roomId: string) => `${idPrefix}-option-${roomId}`;
  const listId = `${idPrefix}-list`;
  const current = hits[Math.min(active, hits.length - 1)];

  // The dialog (a child) has been shown by now; the browser would have focused its close button.
  useEffect(() => input.current?.focus(), []);
  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    if (current) document.getElementById(optionId(current.room.id))?.scrollIntoView({ block: 'nearest' });
  }, [current]); // eslint-disable-line react-hooks/exhaustive-deps

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && hits.length) {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (Math.min(i, hits.length - 1) + step + hits.length) % hits.length);
    } else if (e.key === 'Enter' && current) {
      e.preventDefault();
      onOpen(current.room.id);
    }
  };

  return (
    <ModalDialog name="switcher" title="Go to a chat" closeLabel="Close the chat switcher" onClose={onClose}>
      <div className="switcher">
        <input
          ref={input}
          type="text"
          className="switcher__input"
          role="combobox"
          aria-label="Chat or person’s name"
          aria-autocomplete="list"
          aria-expanded={hits.length > 0}
          aria-controls={hits.length ? listId : undefined}
          aria-activedescendant={current ? optionId(current.room.id) : undefined}
          placeholder="Type a chat or person’s name"
          autoComplete="off"
          spellCheck={false}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKeyDown}
          data-testid="switcher-input"
        />
        {/* Only while it has options (an empty listbox is an error). */}
        {hits.length > 0 && (
          <ul id={listId} role="listbox" aria-label="Chats" className="switcher__list" data-testid="switcher-list">
            {hits.map(({ room, title }) => {
              const unread = room.unreadCount > 0 || Boolean(room.markedUnread);
              const other = room.kind === 'direct' ? otherMember(room.members, me) : null;
              return (
                <li
                  key={room.id}
                  id={optionId(room.id)}
                  role="option"
                  aria-selected={room.id === current?.room.id}
                  className="switcher__option"
                  data-testid="switcher-option"
                  data-room-id={room.id}
                  // The text box keeps focus: a click opens the chat without blurring it first.
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => onOpen(room.id)}
                >
                  <Avatar id={other?.userId ?? room.id} name={title} size="sm" group={room.kind === 'group'} avatarId={other ? other.avatarId : room.avatarId} />
                  <span className="switcher__names">
                    <span className="switcher__title">{title}</span>
                    <span className="switcher__detail">{detail(room, me)}</span>
                  </span>
                  {room.unreadCount > 0 ? (
                    <span className="badge" aria-hidden="true">
                      {room.unreadCount > 99 ? '99+' : room.unreadCount}
                    </span>
                  ) : (
                    unread && <span className="badge badge--dot" aria-hidden="true" />
                  )}
                  {unread && <span className="visually-hidden">, unread</span>}
                </li>
              );
            })}
          </ul>
        )}
        {/* Always present, so screen readers hear each change; the count is for them alone. */}
        <p className={hits.length ? 'visually-hidden' : 'switcher__empty'} role="status" data-testid="switcher-status">
          {status(hits.length, rooms === null, query)}
        </p>
      </div>
    </ModalDialog>
  );
}
