/**
 * Group management: rename, picture and description, add and remove members, promote and demote admins, invite links
 * and embedding (GroupSharing), leave. Admin-only controls are shown to admins; the API
 * enforces the same rules (403 otherwise). The room socket's `members` frame brings the new
 * member list to everyone.
 */
import { Link, useNavigate } from '@remix-run/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, errorMessage, type CreatedInvite, type RoomMember } from '../services/api';
import { useRooms } from '../context/RoomsContext';
import { usePresenceMap } from '../context/PresenceContext';
import type { RoomChat } from '../hooks/useRoomChat';
import { Avatar } from './Avatar';
import { CloseIcon } from './Icons';
import { UserPicker } from './UserPicker';
import { EmbedSettings, InviteLinks } from './GroupSharing';
import { pluralize } from '../lib/format';
import { liveMembers } from '../lib/members';
import { FormError } from './FormError';
import { GroupProfileSettings } from './profile/GroupProfileSettings';

export function GroupSettings({ chat, me }: { chat: RoomChat; me: string }) {
  const navigate = useNavigate();
  const rooms = useRooms();
  const presence = usePresenceMap();
  const [name, setName] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirmLeave, setConfirmLeave] = useState(false);
  /** The member whose removal waits for a confirmation. */
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);
  const panelRef = useRef<HTMLElement>(null);
  /** The invite link created in this visit (its token fills in the embed snippet). */
  const [invite, setInvite] = useState<CreatedInvite | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Keyboard and screen-reader users land in the panel when it opens.
  useEffect(() => {
    headingRef.current?.focus();
    // Closing the panel (button, Escape, link) puts focus back on the button that opened it.
    return () => {
      requestAnimationFrame(() => {
        if (!document.activeElement || document.activeElement === document.body) {
          document.querySelector<HTMLElement>('[data-testid="group-settings-link"]')?.focus();
        }
      });
    };
  }, []);

  const roomId = chat.roomId;
  // Deleted accounts stay members only so that their messages keep a sender: not listed or counted here.
  const members = useMemo(() => liveMembers(chat.members), [chat.members]);
  const myRole = members.find((m) => m.userId === me)?.role;
  const isAdmin = myRole === 'admin';
  const adminCount = members.filter((m) => m.role === 'admin').length;
  const currentName = chat.info?.name ?? '';
  const exclude = useMemo(() => new Set(members.map((m) => m.username)), [members]);
  const back = `/chat/${roomId}`;

  const run = async (key: string, fn: () => Promise<unknown>) => {
    setBusy(key);
    setError(null);
    try {
      await fn();
      void rooms.reload();
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setBusy(null);
      // The button used may be gone (a removed member) or was disabled while busy: focus must
      // not fall to the page's body, keep it in the panel.
      requestAnimationFrame(() => {
        const active = document.activeElement;
        if (!active || active === document.body || !panelRef.current?.contains(active)) headingRef.current?.focus();
      });
    }
  };

  if (chat.info && chat.info.kind !== 'group') {
    return (
      <aside className="side-panel" aria-label="Conversation details">
        <div className="panel__body">
          <p>This is a direct conversation.</p>
          <Link to={back}>Back</Link>
        </div>
      </aside>
    );
  }

  const sorted = [...members].sort(
    (a, b) => Number(b.role === 'admin') - Number(a.role === 'admin') || a.displayName.localeCompare(b.displayName),
  );

  return (
    <aside
      ref={panelRef}
      className="side-panel"
      aria-labelledby="group-settings-title"
      data-testid="group-settings"
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || e.defaultPrevented) return;
        // Escape closes the innermost open thing first: a pending confirmation, then the panel.
        if (confirmRemove || confirmLeave) {
          setConfirmRemove(null);
          setConfirmLeave(false);
          headingRef.current?.focus();
        } else navigate(back);
      }}
    >
      <header className="panel__header">
        <h2 id="group-settings-title" tabIndex={-1} ref={headingRef}>
          Group settings
        </h2>
        <Link to={back} className="icon-btn" aria-label="Close group settings">
          <CloseIcon />
        </Link>
      </header>
      <div className="panel__body stack">
        <FormError message={error} testId="group-error" />

        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            const next = (name ?? currentName).trim();
            if (!next || next === currentName) return;
            void run('rename', () => api.renameGroup(roomId, next)).then((ok) => ok && setName(null));
          }}
        >
          <label className="field">
            <span className="field__label">Group name</span>
            <span className="field__row">
              <input
                type="text"
                value={name ?? currentName}
                maxLength={64}
                onChange={(e) => setName(e.target.value)}
                disabled={!isAdmin || busy !== null}
                data-testid="group-rename-input"
              />
              {isAdmin && (
                <button
                  type="submit"
                  className="btn btn--secondary"
                  disabled={busy !== null || !(name ?? '').trim() || name?.trim() === currentName}
                  data-testid="group-rename-save"
                >
                  Save
                </button>
              )}
            </span>
          </label>
        </form>

        <GroupProfileSettings
          roomId={roomId}
          name={currentName}
          avatarId={chat.info?.avatarId ?? null}
          description={chat.info?.description ?? null}
          isAdmin={isAdmin}
          busy={busy}
          run={run}
        />

        <section aria-labelledby="members-title" className="stack">
          <h3 id="members-title" className="section-title">
            {pluralize(members.length, 'member')}
          </h3>
          {isAdmin && (
            <UserPicker
              label="Add a member"
              exclude={exclude}
              busy={busy !== null}
              testId="add-member-search"
              onPick={(username) => void run(`add:${username}`, () => api.addMember(roomId, username))}
            />
          )}
          <ul className="member-list" data-testid="member-list">
            {sorted.map((m: RoomMember) => {
              const online = presence.get(m.userId)?.online ?? m.online ?? false;
              const isMe = m.userId === me;
              return (
                <li key={m.userId} className="member" data-testid="member" data-username={m.username} data-role={m.role}>
                  <Avatar id={m.userId} name={m.displayName} avatarId={m.avatarId} size="sm" online={online} />
                  <span className="member__names">
                    <span>
                      {m.displayName}
                      {isMe && ' (you)'}
                    </span>
                    <span className="muted">@{m.username}</span>
                  </span>
                  {m.role === 'admin' && <span className="role-badge">admin</span>}
                  {isAdmin && !isMe && (
                    <span className="member__actions">
                      <button
                        type="button"
                        className="btn btn--ghost btn--xs"
                        disabled={busy !== null}
                        aria-label={`${m.role === 'admin' ? 'Dismiss admin' : 'Make admin'}: ${m.displayName}`}
                        onClick={() => void run(`role:${m.userId}`, () => api.setRole(roomId, m.userId, m.role === 'admin' ? 'member' : 'admin'))}
                        data-testid="toggle-admin"
                      >
                        {m.role === 'admin' ? 'Dismiss admin' : 'Make admin'}
                      </button>
                      {confirmRemove === m.userId ? (
                        <>
                          <button
                            type="button"
                            className="btn btn--danger btn--xs"
                            disabled={busy !== null}
                            aria-label={`Remove ${m.displayName}: confirm`}
                            autoFocus
                            onClick={() => {
                              setConfirmRemove(null);
                              void run(`remove:${m.userId}`, () => api.removeMember(roomId, m.userId));
                            }}
                            data-testid="confirm-remove-member"
                          >
                            Remove
                          </button>
                          <button type="button" className="btn btn--ghost btn--xs" onClick={() => setConfirmRemove(null)} data-testid="cancel-remove-member">
                            Cancel
                          </button>
                        </>
                      ) : (
                        <button
                          type="button"
                          className="btn btn--ghost btn--xs btn--danger-text"
                          disabled={busy !== null}
                          aria-label={`Remove ${m.displayName} from the group`}
                          onClick={() => setConfirmRemove(m.userId)}
                          data-testid="remove-member"
                        >
                          Remove
                        </button>
                      )}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </section>

        {isAdmin && (
          <>
            <InviteLinks roomId={roomId} onCreated={setInvite} />
            <EmbedSettings roomId={roomId} invite={invite} />
          </>
        )}

        <section className="danger-zone">
          {confirmLeave ? (
            <div className="stack">
              <p>
                Leave this group?{' '}
                {isAdmin && adminCount === 1 && members.length > 1 ? 'You are the only admin; make someone else admin first if the group should keep one.' : ''}
              </p>
              <div className="row">
                <button
                  type="button"
                  className="btn btn--danger"
                  disabled={busy !== null}
                  data-testid="confirm-leave"
                  onClick={() =>
                    void run('leave', () => api.leaveGroup(roomId)).then((ok) => {
                      // The chat stays in my list, read-only ("You left"), until I delete it.
                      if (ok) void rooms.reload().then(() => navigate(`/chat/${roomId}`));
                    })
                  }
                >
                  Leave group
                </button>
                <button type="button" className="btn btn--secondary" onClick={() => setConfirmLeave(false)}>
                  Cancel
                </button>
              </div>
            </div>
          ) : (
            <button type="button" className="btn btn--danger-outline" onClick={() => setConfirmLeave(true)} data-testid="leave-group">
              Leave group
            </button>
          )}
        </section>
      </div>
    </aside>
  );
}
