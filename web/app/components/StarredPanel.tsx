/**
 * "Starred messages": what I saved, newest star first, across my chats (GET /api/starred).
 * A result opens its chat at that message (/chat/:roomId?at=seq), as a search hit does.
 * Loaded on demand; laid out like the search panel.
 */
import { useNavigate } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { api, errorMessage, type RoomSummary, type StarredMessage } from '../services/api';
import { formatFull, formatListTime, previewText, roomTitle } from '../lib/format';
import { CloseIcon, StarIcon } from './Icons';

interface Props {
  me: string;
  rooms: RoomSummary[] | null;
  onClose(): void;
}

export default function StarredPanel({ me, rooms, onClose }: Props) {
  const navigate = useNavigate();
  const [starred, setStarred] = useState<StarredMessage[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const close = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    close.current?.focus();
    let cancelled = false;
    api.starred().then(
      (r) => !cancelled && setStarred(r.starred),
      (err: unknown) => !cancelled && setError(errorMessage(err)),
    );
    return () => {
      cancelled = true;
    };
  }, []);

  const titleOf = (roomId: string) => {
    const room = rooms?.find((r) => r.id === roomId);
    return room ? roomTitle(room, room.members, me) : 'Conversation';
  };

  return (
    <div
      className="search-panel"
      role="dialog"
      aria-labelledby="starred-title"
      data-testid="starred-panel"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <header className="search-panel__head">
        <h2 id="starred-title" className="starred-panel__title">
          <StarIcon size={18} /> Starred messages
        </h2>
        <button ref={close} type="button" className="icon-btn" aria-label="Close starred messages" onClick={onClose} data-testid="starred-close">
          <CloseIcon />
        </button>
      </header>
      <div className="search-panel__body" aria-busy={starred === null}>
        {error && (
          <p className="messages__error" role="alert">
            {error}
          </p>
        )}
        {starred?.length === 0 && <p className="muted search-panel__empty">No starred messages yet. Star one from its “More actions” menu.</p>}
        {starred && starred.length > 0 && (
          <ul className="search-panel__list">
            {starred.map((s) => (
              <li key={`${s.roomId}:${s.seq}`}>
                <button
                  type="button"
                  className="search-hit"
                  onClick={() => {
                    navigate(`/chat/${s.roomId}?at=${s.seq}`);
                    onClose();
                  }}
                  data-testid="starred-item"
                  data-room-id={s.roomId}
                  data-seq={s.seq}
                >
                  <span className="search-hit__top">
                    <strong className="search-hit__room">{titleOf(s.roomId)}</strong>
                    {s.message && (
                      <time dateTime={s.message.createdAt} title={formatFull(s.message.createdAt)}>
                        {formatListTime(s.message.createdAt)}
                      </time>
                    )}
                  </span>
                  <span className="search-hit__text">
                    {s.message?.senderId === me && <span className="search-hit__sender">You: </span>}
                    {s.message ? previewText(s.message, me) : 'Message'}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {starred === null && !error && <span className="spinner" role="status" aria-label="Loading starred messages" />}
      </div>
    </div>
  );
}
