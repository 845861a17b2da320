/** Start a conversation: a direct chat with someone, or a new group. */
import { Link, useNavigate } from '@remix-run/react';
import { useMemo, useState } from 'react';
import { api, errorMessage } from '../services/api';
import { useRooms } from '../context/RoomsContext';
import { BackIcon, CloseIcon, LockIcon } from './Icons';
import { secretChatsFor } from '../services/secret-chats-lazy';
import { useMe } from '../context/AuthContext';
import { UserPicker } from './UserPicker';
import { FormError } from './FormError';

type Tab = 'direct' | 'secret' | 'group';

export function NewChat({ me, initialTab = 'direct' }: { me: string; initialTab?: Tab }) {
  const [tab, setTab] = useState<Tab>(initialTab);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [groupName, setGroupName] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const navigate = useNavigate();
  const rooms = useRooms();
  const myId = useMe().id;

  const excludeDirect = useMemo(() => new Set([me]), [me]);
  const excludeGroup = useMemo(() => new Set([me, ...members]), [me, members]);

  /** Creates or opens a room, refreshes the list and goes there; errors stay on this panel. */
  const openRoom = async (create: () => Promise<{ room: { id: string } }>) => {
    setBusy(true);
    setError(null);
    try {
      const { room } = await create();
      await rooms.reload();
      navigate(`/chat/${room.id}`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const openDirect = (username: string) => openRoom(() => api.openDirect(username));
  /** A secret chat needs this device's keys first: registering them is part of opening it. */
  const openSecret = (username: string) =>
    openRoom(async () => {
      const opened = await api.openSecret(username);
      await (await secretChatsFor(myId)).ready();
      return opened;
    });

  const createGroup = async () => {
    const name = groupName.trim();
    if (!name) {
      setError('Give the group a name.');
      return;
    }
    await openRoom(() => api.createGroup(name, members));
  };

  return (
    <section
      className="panel"
      aria-labelledby="new-chat-title"
      data-testid="new-chat"
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || e.defaultPrevented) return;
        // Escape closes the panel and returns focus to the "+" button that opened it.
        e.preventDefault();
        navigate('/chat');
        requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="new-chat-button"]')?.focus());
      }}
    >
      <header className="panel__header">
        <Link to="/chat" className="icon-btn chat__back" aria-label="Back to conversations">
          <BackIcon />
        </Link>
        <h1 id="new-chat-title">New conversation</h1>
        <Link to="/chat" className="icon-btn panel__close" aria-label="Close">
          <CloseIcon />
        </Link>
      </header>
      <div className="panel__body">
        <div className="tabs" role="tablist" aria-label="Kind of conversation">
          <button type="button" role="tab" aria-selected={tab === 'direct'} className="tab" onClick={() => setTab('direct')} data-testid="tab-direct">
            Direct message
          </button>
          <button type="button" role="tab" aria-selected={tab === 'secret'} className="tab" onClick={() => setTab('secret')} data-testid="tab-secret">
            <LockIcon size={14} /> Start secret chat
          </button>
          <button type="button" role="tab" aria-selected={tab === 'group'} className="tab" onClick={() => setTab('group')} data-testid="tab-group">
            New group
          </button>
        </div>

        <FormError message={error} testId="new-chat-error" />

        {tab === 'direct' ? (
          <div role="tabpanel" aria-label="Direct message">
            <UserPicker label="Find someone by username" exclude={excludeDirect} busy={busy} autoFocus onPick={(u) => void openDirect(u)} />
          </div>
        ) : tab === 'secret' ? (
          <div role="tabpanel" aria-label="Start secret chat" className="stack">
            <p className="muted">
              End-to-end encrypted: only your and their devices can read it, not the server. Devices added later do not get earlier messages.
            </p>
            <UserPicker label="Find someone by username" exclude={excludeDirect} busy={busy} autoFocus testId="secret-user-search" onPick={(u) => void openSecret(u)} />
          </div>
        ) : (
          <form
            role="tabpanel"
            aria-label="New group"
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void createGroup();
            }}
          >
            <label className="field">
              <span className="field__label">Group name</span>
              <input
                type="text"
                value={groupName}
                maxLength={64}
                required
                onChange={(e) => setGroupName(e.target.value)}
                data-testid="group-name"
                autoFocus
              />
            </label>
            <UserPicker
              label="Add members"
              exclude={excludeGroup}
              busy={busy}
              testId="group-member-search"
              onPick={(u) => setMembers((list) => (list.includes(u) ? list : [...list, u]))}
            />
            {members.length > 0 && (
              <ul className="chips" aria-label="Members to add">
                {members.map((u) => (
                  <li key={u} className="chip" data-testid="member-chip">
                    @{u}
                    <button type="button" className="chip__remove" aria-label={`Remove ${u}`} onClick={() => setMembers((l) => l.filter((x) => x !== u))}>
                      <CloseIcon size={12} />
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <button type="submit" className="btn btn--primary" disabled={busy} data-testid="create-group">
              {busy ? 'Creating…' : 'Create group'}
            </button>
          </form>
        )}
      </div>
    </section>
  );
}
