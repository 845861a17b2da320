/**
 * An open conversation: header (title, presence / typing / members), connection banner,
 * message list, typing indicator and composer. Used by /chat/:roomId and, without the
 * navigation chrome, by /embed/:roomId.
 */
import { Link, Outlet, useSearchParams } from '@remix-run/react';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { WireMessage } from '../lib/protocol';
import { useRoomChat, type RoomChat } from '../hooks/useRoomChat';
import { usePresenceMap } from '../context/PresenceContext';
import { useOwnLinkUp } from '../context/RoomsContext';
import { offlineStore } from '../lib/offline-store';
import { lastSeenText, memberName, otherMember, pluralize, previewText, roomTitle } from '../lib/format';
import { isDeleted, liveMembers, othersAllDeleted, shownUsername } from '../lib/members';
import { Avatar } from './Avatar';
import { BlockButton } from './BlockButton';
import { ChatInfo } from './ChatInfo';
import { Composer, type ComposerHandle } from './Composer';
import { api } from '../services/api';
import { ConnectionBanner } from './ConnectionBanner';
import { BackIcon, InfoIcon, LockIcon, SearchIcon, UsersIcon } from './Icons';
import { CallButtons, type CallKind } from './CallButtons';
import { SecretChatBar } from './SecretChatBar';
import { MuteMenu } from './MuteMenu';
import { useChatTools } from '../context/ChatTools';
import { useRooms } from '../context/RoomsContext';
import { useCallControls } from '../context/CallControls';
import { MessageList } from './MessageList';
import { GroupCallBanner } from './GroupCallBanner';
import { TypingIndicator } from './TypingIndicator';
import { PinnedBar } from './PinnedBar';
import { FormerNotice } from './FormerNotice';
import type { MessageAction } from './MessageMenu';

// Only loaded when someone forwards a message, or opens a thread.
const ForwardDialog = lazy(() => import('./ForwardDialog'));
// The media tab is code only the info panel needs.
const MediaPanel = lazy(() => import('./media/MediaPanel'));
const ThreadPanel = lazy(() => import('./ThreadPanel'));
import { useBlockedUsers } from '../hooks/useBlockedUsers';
import { useThreadsSeen } from '../hooks/useThreadsSeen';
import { isThreadReply } from '../lib/threads';

export interface ChatOutletContext {
  chat: RoomChat;
  me: string;
}

interface Props {
  roomId: string;
  me: string;
  variant?: 'full' | 'embed';
  /** Extra controls at the end of the header (the embed's sign-out). */
  headerActions?: ReactNode;
}

export function ChatWindow({ roomId, me, variant = 'full', headerActions }: Props) {
  const chat = useRoomChat(roomId, me);
  const [replyTo, setReplyTo] = useState<number | null>(null);
  const [editing, setEditing] = useState<{ seq: number; content: string } | null>(null);
  const composer = useRef<ComposerHandle>(null);
  const fetchLinkPreview = useCallback(
    (url: string, signal: AbortSignal) => api.linkPreview(roomId, url, signal).then((r) => r.preview),
    [roomId],
  );
  const calls = useCallControls();
  // The window is keyed by room: the kept draft is read once.
  const [draft] = useState(() => offlineStore.draft(me, roomId));
  const tools = useChatTools();
  const mutedUntil = useRooms().rooms?.find((r) => r.id === roomId)?.mutedUntil;
  // ?at=<seq>: opened from a search result.
  const [params, setParams] = useSearchParams();
  // ?thread=<root>&at=<reply>: a search hit in a thread opens the thread at it.
  const threadParam = Number(params.get('thread')) || null;
  const jumpTarget = threadParam ? null : Number(params.get('at')) || null;
  const [thread, setThread] = useState<{ root: number; at: number | null } | null>(null);
  const threadOpener = useRef<HTMLElement | null>(null);
  const { seen: threadsSeen, markThreadSeen } = useThreadsSeen(me, roomId, !chat.former);
  const openThread = useCallback((root: number, at: number | null = null) => {
    threadOpener.current = document.activeElement as HTMLElement | null;
    setThread({ root, at });
  }, []);
  const closeThread = useCallback(() => {
    setThread(null);
    // Back where it was opened from (the thread's line, or the message's menu button).
    threadOpener.current?.focus();
  }, []);
  useEffect(() => {
    if (!threadParam) return;
    openThread(threadParam, Number(params.get('at')) || null);
    setParams((p) => (p.delete('thread'), p.delete('at'), p), { replace: true });
  }, [threadParam]); // eslint-disable-line react-hooks/exhaustive-deps

  const [forwarding, setForwarding] = useState<WireMessage | null>(null);
  const [actionNotice, setActionNotice] = useState<string | null>(null);
  const isGroup = chat.info?.kind === 'group';
  /** Anyone in a direct chat pins; in a group, admins (the server checks the same). */
  const former = chat.former;
  const canPin = !former && (!isGroup || chat.members.some((m) => m.userId === me && m.role === 'admin'));
  const title = chat.info ? roomTitle(chat.info, chat.members, me) : '';
  const other = !isGroup ? otherMember(chat.members, me) : null;
  /** The other person of a direct chat, unless their account was deleted: no presence, username, calls or blocking then. */
  const reachable = other && !isDeleted(other) ? other : null;
  const username = reachable ? shownUsername(reachable) : null;
  /** Everyone else deleted their account: nothing can be sent or called here, the history stays readable. */
  const readOnly = othersAllDeleted(chat.members, me) || former !== null;
  const people = useMemo(() => liveMembers(chat.members), [chat.members]);
  const presence = usePresenceMap();
  const otherPresence = reachable ? presence.get(reachable.userId) : undefined;
  // The inbox knows; a member with the room open is online; otherwise we do not know yet.
  // While my own link is down (neither this room's socket nor the inbox connected), what we
  // knew is stale: claim nothing, grey the dot out.
  const inboxUp = useOwnLinkUp();
  const meOffline = chat.connection.status !== 'open' && !inboxUp;
  const blockedUsers = useBlockedUsers(variant === 'full' && Boolean(reachable));
  const blockedByMe = Boolean(reachable && blockedUsers.list?.some((b) => b.id === reachable.userId));
  /** Blocked either way: nothing is sent, there is no presence, and the chat is not "offline" either. */
  const blocked = Boolean(reachable) && (blockedByMe || chat.blocked);
  const otherOnline = meOffline || blocked ? undefined : (otherPresence?.online ?? (reachable?.online ? true : undefined));
  const [infoOpen, setInfoOpen] = useState(false);
  const infoButton = useRef<HTMLButtonElement>(null);
  const closeInfo = useCallback(() => {
    setInfoOpen(false);
    infoButton.current?.focus();
  }, []);

  const typingNames = useMemo(
    () =>
      chat.typingUserIds
        .filter((id) => !chat.members.some((m) => m.userId === id && isDeleted(m)))
        .map((id) => memberName(chat.members, id, me)),
    [chat.typingUserIds, chat.members, me],
  );

  let subtitle = '';
  if (chat.info) {
    if (former) {
      subtitle = former.reason === 'removed' ? 'You were removed' : 'You left';
    } else if (isGroup) {
      // I count too: connected, I am one of those online.
      const online = meOffline ? 0 : people.filter((m) => m.userId === me || (presence.get(m.userId)?.online ?? m.online)).length;
      subtitle = `${pluralize(people.length, 'member')}${online ? `, ${online} online` : ''}`;
    } else if (username && blockedByMe) {
      subtitle = 'Blocked';
    } else if (username) {
      subtitle = otherOnline ? 'online' : otherPresence?.lastSeen ? lastSeenText(otherPresence.lastSeen) : `@${username}`;
    }
  }

  // The chat shell titles the tab; the embed page has no shell.
  useEffect(() => {
    if (title && variant === 'embed') document.title = `${title} · edge-chat`;
  }, [title, variant]);

  // Opening a conversation puts the cursor in the composer (not on touch screens: the keyboard
  // would cover the conversation before it was even seen). Opened at a message (a search
  // hit), the message list focuses that message instead.
  useEffect(() => {
    if (!jumpTarget && window.matchMedia('(pointer: fine)').matches) composer.current?.focus();
  }, [roomId]); // eslint-disable-line react-hooks/exhaustive-deps

  // Notices disappear by themselves.
  useEffect(() => {
    if (!chat.notice) return;
    const t = setTimeout(chat.clearNotice, 4000);
    return () => clearTimeout(t);
  }, [chat.notice]); // eslint-disable-line react-hooks/exhaustive-deps

  const onReply = useCallback((seq: number) => {
    setEditing(null);
    setReplyTo(seq);
    composer.current?.focus();
  }, []);
  const onEdit = useCallback((m: WireMessage) => {
    setReplyTo(null);
    setEditing({ seq: m.seq, content: m.content });
  }, []);
  const editLast = () => {
    for (let i = chat.messages.length - 1; i >= 0; i--) {
      const m = chat.messages[i]!;
      if (m.senderId === me && m.type === 'text' && !m.deletedAt && !isThreadReply(m)) return onEdit(m);
    }
  };

  const { pin, star, hideForMe } = chat;
  const onAction = useCallback(
    (action: MessageAction, m: WireMessage) => {
      switch (action) {
        case 'thread':
          return openThread(m.seq);
        case 'forward':
          return setForwarding(m);
        case 'copy':
          return void navigator.clipboard.writeText(m.content).then(
            () => setActionNotice('Copied.'),
            () => setActionNotice('This browser did not allow copying.'),
          );
        case 'pin':
        case 'unpin':
          return pin(m.seq, action === 'pin');
        case 'star':
        case 'unstar':
          return star(m.seq, action === 'star');
        case 'hide':
          return hideForMe(m.seq);
      }
    },
    [pin, star, hideForMe, openThread],
  );
  const jumpToSeq = useCallback((seq: number) => setParams((p) => (p.set('at', String(seq)), p), { replace: true }), [setParams]);

  useEffect(() => {
    if (!actionNotice) return;
    const t = setTimeout(() => setActionNotice(null), 4000);
    return () => clearTimeout(t);
  }, [actionNotice]);

  const mentionCandidates = useMemo(
    () => (isGroup ? people.filter((m) => m.userId !== me).map((m) => ({ username: m.username, displayName: m.displayName })) : undefined),
    [isGroup, people, me],
  );

  const replyMsg = replyTo !== null ? chat.bySeq.get(replyTo) : undefined;
  const replyBar = replyTo !== null ? { name: replyMsg ? memberName(chat.members, replyMsg.senderId, me) : 'message', text: replyMsg ? previewText(replyMsg) : '' } : null;

  const onUnblock = async () => {
    if (!reachable || !(await blockedUsers.unblock(reachable.username))) return false;
    // The room refused this socket while blocked: connect again now.
    chat.reconnectNow();
    return true;
  };
  const startCall = (kind: CallKind) => {
    if (reachable) calls?.start(roomId, reachable.userId, kind, chat.info?.secret === true);
  };
  const avatar = (
    <Avatar
      id={other?.userId ?? roomId}
      name={title}
      avatarId={isGroup ? chat.info?.avatarId : other?.avatarId}
      online={isGroup || (other && !reachable) || blocked ? undefined : meOffline ? false : otherOnline}
      stale={meOffline && !blocked}
      group={isGroup}
    />
  );

  if (chat.gone) {
    return (
      <section className="chat chat--gone" aria-label="Conversation unavailable">
        <div className="empty-state">
          <h2>Conversation unavailable</h2>
          <p>{chat.gone}</p>
          {variant === 'full' && (
            <Link className="btn btn--primary" to="/chat">
              Back to conversations
            </Link>
          )}
        </div>
      </section>
    );
  }

  return (
    <section className={`chat chat--${variant}`} aria-label={title ? `Conversation: ${title}` : 'Conversation'} data-testid="chat-window" data-room-id={roomId}>
      <header className="chat__header">
        {variant === 'full' && (
          <Link to="/chat" className="icon-btn chat__back" aria-label="Back to conversations">
            <BackIcon />
          </Link>
        )}
        {chat.info ? (
          <>
            {avatar}
            <div className="chat__title">
              <h1 data-testid="chat-title">
                {title}
                {chat.info.secret && (
                  <span className="secret-lock" data-testid="secret-lock" title="Secret chat">
                    <LockIcon size={16} />
                    <span className="visually-hidden">, secret chat</span>
                  </span>
                )}
                {/* Display names are not unique (anyone can call themselves "Support"): the username is. */}
                {username && subtitle !== `@${username}` && (
                  <span className="chat__username muted" data-testid="chat-username">
                    {' '}@{username}
                  </span>
                )}
              </h1>
              <p className={`chat__subtitle${!isGroup && otherOnline ? ' chat__subtitle--online' : ''}`} data-testid="chat-subtitle">
                {typingNames.length && !isGroup ? 'typing…' : subtitle}
              </p>
            </div>
          </>
        ) : (
          <div className="chat__title">
            <span className="skeleton skeleton--line" />
          </div>
        )}
        {/* Secondary controls: beside the title on a wide screen, in the chat-info panel on a phone. */}
        <span className="chat__header-extra">
          {calls && reachable && !isGroup && !blocked && (
            <CallButtons
              label={(kind) => `Start a ${kind} call with ${reachable.displayName}`}
              disabled={calls.busy || meOffline}
              onStart={startCall}
              testIdPrefix="call"
            />
          )}
          {calls && isGroup && !readOnly && (
            <CallButtons
              label={(kind) => `Start a group ${kind} call`}
              disabled={calls.busy || meOffline || Boolean(chat.groupCall)}
              onStart={(kind) => calls.startGroup(roomId, kind)}
              testIdPrefix="group-call"
            />
          )}
          {tools && !former && (
            <>
              <button type="button" className="icon-btn" aria-label="Search this chat" title="Search" onClick={() => tools.openSearch(roomId)} data-testid="chat-search-button">
                <SearchIcon />
              </button>
              <MuteMenu mutedUntil={mutedUntil} onMute={(d) => void tools.mute(roomId, d)} />
            </>
          )}
          {variant === 'full' && isGroup && !former && (
            <Link to={`/chat/${roomId}/settings`} className="icon-btn" aria-label="Group settings" data-testid="group-settings-link">
              <UsersIcon />
            </Link>
          )}
        </span>
        {variant === 'full' && chat.info && (
          <button
            type="button"
            ref={infoButton}
            className="icon-btn"
            aria-label={isGroup ? 'Group info' : 'Contact info'}
            title={isGroup ? 'Group info' : 'Contact info'}
            aria-expanded={infoOpen}
            onClick={() => (infoOpen ? closeInfo() : setInfoOpen(true))}
            data-testid="chat-info-button"
          >
            <InfoIcon />
          </button>
        )}
        {headerActions}
      </header>

      <PinnedBar pins={chat.pins} bySeq={chat.bySeq} canUnpin={canPin && variant === 'full'} onJump={jumpToSeq} onUnpin={(seq) => chat.pin(seq, false)} />
      {chat.info?.secret && reachable && <SecretChatBar me={me} contactId={reachable.userId} contactName={reachable.displayName} />}

      {/* A blocked chat is not "offline": the composer's place says why nothing can be sent. */}
      {!blocked && !former && <ConnectionBanner state={chat.connection} synced={chat.synced} pendingCount={chat.pending.length} onRetry={chat.reconnectNow} />}

      {calls && chat.groupCall && calls.groupCallId !== chat.groupCall.id && (
        <GroupCallBanner
          call={chat.groupCall}
          names={chat.groupCall.participants.map((p) => memberName(chat.members, p.userId, me))}
          disabled={calls.busy}
          onJoin={() => calls.joinGroup(roomId, chat.groupCall!.id, chat.groupCall!.media)}
        />
      )}

      <MessageList
        chat={chat}
        me={me}
        isGroup={isGroup}
        onReply={readOnly ? undefined : onReply}
        onEdit={readOnly ? undefined : onEdit}
        jumpTarget={jumpTarget}
        onJumped={() => setParams((p) => (p.delete('at'), p), { replace: true })}
        onAction={variant === 'full' && !former ? onAction : undefined}
        canPin={canPin}
        onOpenThread={variant === 'full' && !chat.info?.secret ? openThread : undefined}
        threadsSeen={threadsSeen}
      />

      {thread && (
        <Suspense fallback={null}>
          <ThreadPanel
            key={thread.root}
            chat={chat}
            me={me}
            isGroup={isGroup}
            rootSeq={thread.root}
            focusSeq={thread.at}
            canPin={canPin}
            readOnly={readOnly || blocked}
            onAction={onAction}
            mentionCandidates={mentionCandidates}
            onSeen={markThreadSeen}
            onClose={closeThread}
          />
        </Suspense>
      )}

      {forwarding && (
        <Suspense fallback={null}>
          <ForwardDialog
            me={me}
            message={forwarding}
            onClose={() => setForwarding(null)}
            onDone={(text) => {
              setForwarding(null);
              setActionNotice(text);
            }}
          />
        </Suspense>
      )}

      <TypingIndicator names={typingNames} />

      {chat.notice && (
        <div className="toast" role="status" key={chat.notice.id}>
          {chat.notice.text}
        </div>
      )}
      {actionNotice && !chat.notice && (
        <div className="toast" role="status" data-testid="action-notice">
          {actionNotice}
        </div>
      )}

      {blocked && reachable ? (
        <div className="chat__read-only chat__blocked" role="status" data-testid="blocked-notice">
          {blockedByMe ? (
            <>
              <p>
                You blocked @{reachable.username}. Neither of you can send messages or call here until you unblock them.
              </p>
              <BlockButton username={reachable.username} blockedByMe onBlock={async () => false} onUnblock={onUnblock} />
            </>
          ) : (
            <p>You can't send messages or call in this conversation: @{reachable.username} has blocked you.</p>
          )}
        </div>
      ) : former ? (
        <FormerNotice roomId={roomId} reason={former.reason} />
      ) : readOnly ? (
        <p className="chat__read-only" role="status" data-testid="read-only-notice">
          {isGroup ? 'Everyone else in this group deleted their account.' : 'This account was deleted.'} You can still read this conversation.
        </p>
      ) : (
        <Composer
          ref={composer}
          placeholder={title ? `Message ${title.length > 24 ? `${title.slice(0, 23).trimEnd()}…` : title}` : 'Message'}
          initialText={draft}
          onDraft={(text) => offlineStore.setDraft(me, roomId, text)}
          replyTo={replyBar}
          editing={editing}
          onSend={(text, linkPreviewUrl) => {
            chat.sendMessage(text, replyTo, linkPreviewUrl);
            setReplyTo(null);
          }}
          onSaveEdit={chat.edit}
          onCancelReply={() => setReplyTo(null)}
          onCancelEdit={() => setEditing(null)}
          onTyping={chat.setTyping}
          onEditLast={editLast}
          fetchLinkPreview={fetchLinkPreview}
          onFiles={(files, caption) => {
            chat.sendFiles(files, caption, replyTo);
            setReplyTo(null);
          }}
          onVoice={(file, durationMs, waveform) => chat.sendFile(file, { kind: 'voice', durationMs, waveform })}
          mentionCandidates={mentionCandidates}
        />
      )}

      {infoOpen && chat.info && (
        <ChatInfo
          title={title}
          username={username}
          subtitle={subtitle}
          isGroup={isGroup}
          description={isGroup ? chat.info.description : null}
          avatar={avatar}
          onClose={closeInfo}
          calls={calls && reachable && !isGroup && !blocked ? { voice: () => startCall('voice'), video: () => startCall('video'), disabled: calls.busy || meOffline } : null}
          onSearch={tools && !former ? () => (setInfoOpen(false), tools.openSearch(roomId)) : null}
          mute={tools && !former ? { mutedUntil, onMute: (d) => void tools.mute(roomId, d) } : null}
          settingsHref={isGroup && !former ? `/chat/${roomId}/settings` : null}
          media={
            <Suspense fallback={<span className="spinner" role="status" aria-label="Loading" />}>
              <MediaPanel roomId={roomId} secret={chat.info.secret ?? false} />
            </Suspense>
          }
          error={blockedUsers.error}
          block={
            reachable && !isGroup ? (
              <BlockButton
                username={reachable.username}
                blockedByMe={blockedByMe}
                onBlock={() => blockedUsers.block({ id: reachable.userId, username: reachable.username, displayName: reachable.displayName })}
                onUnblock={onUnblock}
              />
            ) : null
          }
        />
      )}

      {variant === 'full' && <Outlet context={{ chat, me } satisfies ChatOutletContext} />}
    </section>
  );
}
