/**
 * Search: messages of my rooms (GET /api/search/messages, newest first, "Load more" pages
 * with the server's cursor) and people (GET /api/users, username or display name). A result
 * opens its conversation at that message (/chat/:roomId?at=seq), with what was said around it,
 * and the message focused. A result shows the safe Markdown subset (RichText) with the matches
 * marked as React text in <mark> (lib/search-text.ts): nothing is HTML.
 * Keyboard: ArrowDown from the box goes into the results, Enter in the box opens the first one,
 * ArrowUp/ArrowDown/Home/End move between results, ArrowUp from the first goes back to the box.
 */
import { Link, useNavigate } from '@remix-run/react';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { api, errorMessage, type PublicUser, type RoomSummary, type SearchHit } from '../services/api';
import { formatFull, formatListTime, roomTitle } from '../lib/format';
import { queryTerms, snippet } from '../lib/search-text';
import { searchOnDevice } from '../services/device-search';
import { Avatar } from './Avatar';
import { RichText } from './RichText';
import { CloseIcon, SearchIcon } from './Icons';

interface Props {
  me: string;
  rooms: RoomSummary[] | null;
  /** Search within this room first (the user can widen it to all chats). */
  roomId: string | null;
  onClose(): void;
}

const DEBOUNCE_MS = 250;
/** The results the arrow keys move between, in order: people, then messages. */
const ITEM = '[data-search-item]';

export function SearchPanel({ me, rooms, roomId, onClose }: Props) {
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [scope, setScope] = useState<string | null>(roomId);
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [people, setPeople] = useState<PublicUser[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [searched, setSearched] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const body = useRef<HTMLDivElement>(null);

  useEffect(() => input.current?.focus(), []);
  const scopeRoom = scope ? rooms?.find((r) => r.id === scope) : undefined;
  // A secret chat's messages are ciphertext to the server: searched on this device.
  const onDevice = Boolean(scopeRoom?.secret);

  useEffect(() => {
    const query = q.trim();
    setError(null);
    if (!query) {
      setHits([]);
      setPeople([]);
      setCursor(null);
      setSearched('');
      return;
    }
    const ctrl = new AbortController();
    const t = setTimeout(() => {
      setBusy(true);
      const found = onDevice && scopeRoom ? searchOnDevice(me, scopeRoom, query).then((results) => ({ results, nextCursor: null })) : api.searchMessages(query, { roomId: scope ?? undefined, signal: ctrl.signal });
      const messages = found.then((r) => {
        if (ctrl.signal.aborted) return;
        setHits(r.results);
        setCursor(r.nextCursor);
        setSearched(query);
      });
      // People only for a plain word or two (not a phrase or an exclusion), and only across all chats.
      const plain = !scope && /^[^"\-][^"]{0,31}$/.test(query);
      const users = plain ? api.searchUsers(query.toLowerCase(), ctrl.signal).then((r) => setPeople(r.users)) : Promise.resolve(setPeople([]));
      Promise.all([messages, users])
        .catch((err: unknown) => !ctrl.signal.aborted && setError(errorMessage(err)))
        .finally(() => !ctrl.signal.aborted && setBusy(false));
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(t);
      ctrl.abort();
    };
  }, [q, scope, onDevice]); // eslint-disable-line react-hooks/exhaustive-deps

  const more = async () => {
    if (!cursor) return;
    setBusy(true);
    try {
      const r = await api.searchMessages(searched, { roomId: scope ?? undefined, cursor });
      setHits((h) => [...h, ...r.results]);
      setCursor(r.nextCursor);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const items = () => [...(body.current?.querySelectorAll<HTMLElement>(ITEM) ?? [])];
  const onInputKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      items()[0]?.focus();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      items()[0]?.click();
    }
  };
  const onResultsKey = (e: KeyboardEvent) => {
    const list = items();
    const i = list.indexOf(e.target as HTMLElement);
    if (i < 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    const to = e.key === 'ArrowDown' ? list[i + 1] : e.key === 'ArrowUp' ? (list[i - 1] ?? input.current) : e.key === 'Home' ? list[0] : e.key === 'End' ? list.at(-1) : undefined;
    if (!to) return;
    e.preventDefault();
    to.focus();
  };

  const openPerson = async (user: PublicUser) => {
    try {
      const { room } = await api.openDirect(user.username);
      navigate(`/chat/${room.id}`);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const terms = queryTerms(searched);
  const titleOf = (hit: SearchHit) => {
    const room = rooms?.find((r) => r.id === hit.roomId);
    if (room) return roomTitle(room, room.members, me);
    return hit.roomName ?? hit.senderDisplayName ?? 'Conversation';
  };

  return (
    <div
      className="search-panel"
      role="dialog"
      aria-label="Search"
      data-testid="search-panel"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <header className="search-panel__head">
        <div className="conversations__search search-panel__box">
          <SearchIcon size={16} />
          <input
            ref={input}
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={onInputKey}
            aria-describedby="search-keys-hint"
            placeholder={scope ? 'Search this chat' : 'Search messages and people'}
            aria-label="Search messages"
            data-testid="search-input"
            maxLength={200}
          />
        </div>
        <button type="button" className="icon-btn" aria-label="Close search" onClick={onClose} data-testid="search-close">
          <CloseIcon />
        </button>
      </header>
      {roomId && (
        <div className="search-panel__scope" role="group" aria-label="Where to search">
          <button type="button" className={`chip${scope ? ' chip--on' : ''}`} aria-pressed={Boolean(scope)} onClick={() => setScope(roomId)} data-testid="search-scope-room">
            {scopeRoom ? `In ${roomTitle(scopeRoom, scopeRoom.members, me)}` : 'This chat'}
          </button>
          <button type="button" className={`chip${scope ? '' : ' chip--on'}`} aria-pressed={!scope} onClick={() => setScope(null)} data-testid="search-scope-all">
            All chats
          </button>
        </div>
      )}
      {onDevice && (
        <p className="muted search-panel__note" data-testid="search-on-device">
          Secret chat: searched on this device only, over what it can read.
        </p>
      )}
      <p id="search-keys-hint" className="visually-hidden">
        Down arrow moves to the results, Enter opens the first.
      </p>
      <div className="search-panel__body" aria-live="polite" aria-busy={busy} ref={body} onKeyDown={onResultsKey}>
        {error && (
          <p className="messages__error" role="alert">
            {error}
          </p>
        )}
        {people.length > 0 && (
          <section aria-label="People">
            <h2 className="search-panel__title">People</h2>
            <ul className="search-panel__list">
              {people.map((u) => (
                <li key={u.id}>
                  <button
                    type="button"
                    className="search-hit search-hit--person"
                    onClick={() => void openPerson(u)}
                    data-testid="search-person"
                    data-username={u.username}
                    data-search-item
                  >
                    <Avatar id={u.id} name={u.displayName} size="sm" />
                    <span>
                      <strong>{u.displayName}</strong> <span className="muted">@{u.username}</span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
        {searched && (
          <section aria-label="Messages">
            <h2 className="search-panel__title">Messages</h2>
            {hits.length === 0 && !busy && <p className="muted search-panel__empty">No messages match “{searched}”.</p>}
            <ul className="search-panel__list">
              {hits.map((hit) => (
                <li key={`${hit.roomId}:${hit.seq}`}>
                  <Link
                    // A reply in a thread opens the thread at it.
                    to={`/chat/${hit.roomId}?at=${hit.seq}${hit.threadRootSeq ? `&thread=${hit.threadRootSeq}` : ''}`}
                    className="search-hit"
                    onClick={onClose}
                    data-testid="search-result"
                    data-room-id={hit.roomId}
                    data-seq={hit.seq}
                    data-search-item
                  >
                    <span className="search-hit__top">
                      <strong className="search-hit__room">{titleOf(hit)}</strong>
                      {hit.createdAt && (
                        <time dateTime={hit.createdAt} title={formatFull(hit.createdAt)}>
                          {formatListTime(hit.createdAt)}
                        </time>
                      )}
                    </span>
                    <div className="search-hit__text" data-testid="search-snippet">
                      {hit.senderId && hit.senderId !== me && hit.roomKind === 'group' && <span className="search-hit__sender">{hit.senderDisplayName ?? 'Deleted user'}: </span>}
                      {hit.senderId === me && <span className="search-hit__sender">You: </span>}
                      <RichText className="search-hit__rich" text={snippet(hit.content, terms)} terms={terms} noLinks />
                    </div>
                  </Link>
                </li>
              ))}
            </ul>
            {cursor && (
              <button type="button" className="btn btn--secondary search-panel__more" onClick={() => void more()} disabled={busy} data-testid="search-more">
                {busy ? 'Loading…' : 'Load more'}
              </button>
            )}
          </section>
        )}
        {busy && !hits.length && <span className="spinner" role="status" aria-label="Searching" />}
      </div>
    </div>
  );
}
