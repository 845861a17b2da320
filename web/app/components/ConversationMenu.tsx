/**
 * A conversation's options in the list: pin or unpin, archive or unarchive, mark as unread or
 * read. Stored server-side for me (RoomsContext.organise → PATCH /api/rooms/:id/list-state), so
 * every device shows the same list.
 */
import type { RoomSummary } from '../services/api';
import { usePopupMenu } from '../hooks/usePopupMenu';
import { MoreIcon } from './Icons';
import type { ListStateChange } from '../services/api';

interface Props {
  room: RoomSummary;
  title: string;
  onChange(change: ListStateChange): void;
}

export function ConversationMenu({ room, title, onChange }: Props) {
  const { open, setOpen, ref, onKeyDown } = usePopupMenu();
  const unread = room.unreadCount > 0 || Boolean(room.markedUnread);
  const choices: { label: string; change: ListStateChange; id: string }[] = [
    room.pinnedAt ? { label: 'Unpin', change: { pinned: false }, id: 'unpin' } : { label: 'Pin to top', change: { pinned: true }, id: 'pin' },
    room.archived ? { label: 'Unarchive', change: { archived: false }, id: 'unarchive' } : { label: 'Archive', change: { archived: true }, id: 'archive' },
    unread ? { label: 'Mark as read', change: { markedUnread: false }, id: 'mark-read' } : { label: 'Mark as unread', change: { markedUnread: true }, id: 'mark-unread' },
  ];
  // "Mark as read" with real unread messages is read by opening the chat; the mark alone clears here.
  const shown = choices.filter((c) => c.id !== 'mark-read' || room.markedUnread);
  return (
    <div className="conversation__menu mute-menu" ref={ref} onKeyDown={onKeyDown}>
      <button
        type="button"
        className="icon-btn conversation__more"
        aria-label={`Options for ${title}`}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        data-testid="conversation-options"
      >
        <MoreIcon size={18} />
      </button>
      {open && (
        <ul className="mute-menu__list" role="menu" aria-label={`Options for ${title}`}>
          {shown.map((c, i) => (
            <li role="none" key={c.id}>
              <button
                type="button"
                role="menuitem"
                autoFocus={i === 0}
                data-testid={`conversation-${c.id}`}
                onClick={() => {
                  setOpen(false);
                  onChange(c.change);
                }}
              >
                {c.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
