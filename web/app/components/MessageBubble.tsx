/**
 * One message. User content is rendered as React elements only (RichText: a safe Markdown
 * subset, links checked to be http(s)/mailto); nothing is ever injected as HTML.
 */
import { lazy, memo, Suspense, useEffect, useRef, useState } from 'react';
import { mentions } from '../lib/mentions';
import { RichText } from './RichText';
import type { WireMessage } from '../lib/protocol';
import type { PendingMessage } from '../lib/messages';
import type { NamedMember } from '../hooks/useNamedMembers';
import { describeCall, formatFull, formatTime, parseCallRecord, pluralize } from '../lib/format';
import { isEmojiOnly, systemText } from '../lib/text';
import {
  AlertIcon,
  CheckIcon,
  ClockIcon,
  CloseIcon,
  DoubleCheckIcon,
  EditIcon,
  ForwardIcon,
  InfoIcon,
  PhoneIcon,
  ReplyIcon,
  RetryIcon,
  SmileIcon,
  StarIcon,
  TrashIcon,
  VideoIcon,
} from './Icons';
import { SecretMessageBody } from './SecretMessage';
import { AttachmentView } from './attachments/AttachmentView';
import { AlbumGrid } from './attachments/AlbumGrid';
import { LinkPreviewCard } from './link-previews/LinkPreviewCard';
import { PendingAttachment } from './attachments/PendingAttachment';
import { MessageMenu, type MessageAction } from './MessageMenu';
import { countRender } from '../lib/render-probe';
import { canStartThread, type ThreadLine } from '../lib/threads';

const EmojiPicker = lazy(() => import('./EmojiPicker'));

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

export type DeliveryStatus = 'sending' | 'failed' | 'sent' | 'seen';

export interface ReplyPreview {
  seq: number;
  name: string;
  text: string | null;
}

interface CommonProps {
  mine: boolean;
  /** Shown above the first bubble of a run in groups. */
  senderName: string | null;
  /** Same sender as the message above: tighter spacing, no name. */
  continued: boolean;
  reply: ReplyPreview | null;
  onJump(seq: number): void;
}

export interface SentBubbleProps extends CommonProps {
  message: WireMessage;
  /**
   * Pictures shown with this one as one grid (lib/albums.ts), this message first. Its actions
   * (reactions, reply, delete…) are this first message's; each picture keeps its own message.
   */
  album?: readonly WireMessage[];
  me: string;
  status: DeliveryStatus | null;
  isGroup: boolean;
  /** Who is who in the room (names only: stable across read receipts and presence, useNamedMembers). */
  members: readonly NamedMember[];
  /** Who has read a message, as of now (called when the read-by list opens; stable across renders). */
  readersOf(message: WireMessage): string[];
  highlighted: boolean;
  /** Tapped (phones): its actions are shown. One message at a time. */
  selected: boolean;
  onSelect(seq: number | null): void;
  /** Absent: no reply button (nothing can be sent in the room). */
  onReply?(seq: number): void;
  onReact(seq: number, emoji: string, on: boolean): void;
  /** Absent: no edit button. */
  onEdit?(message: WireMessage): void;
  onDelete(seq: number): void;
  /** Pinned in the room's pinned bar; starred by me. */
  pinned?: boolean;
  starred?: boolean;
  /** May I pin here (anyone in a direct chat, admins in a group). */
  canPin?: boolean;
  /** Absent: no "More actions" menu (the embed). */
  onAction?(action: MessageAction, message: WireMessage): void;
  /** A thread root's line under the bubble ("3 replies · last reply 10:42"), opening its thread. */
  thread?: ThreadLine | null;
  /** Absent: no threads here (inside a thread, in the embed). */
  onOpenThread?(rootSeq: number): void;
  /** The element's id (default `msg-<seq>`): a thread's root is shown in the chat and in its panel. */
  domId?: string;
}

/** A message's text: the safe Markdown subset (links, mentions), a few emoji alone shown large. */
function MessageText({ text, me }: { text: string; me?: string }) {
  return <RichText className={`bubble__text${isEmojiOnly(text) ? ' bubble__text--emoji' : ''}`} data-testid="message-text" text={text} me={me} />;
}

function StatusIcon({ status }: { status: DeliveryStatus }) {
  const label = { sending: 'Sending', failed: 'Not sent', sent: 'Delivered', seen: 'Seen' }[status];
  return (
    <span className={`msg__status msg__status--${status}`} role="img" aria-label={label} title={label} data-testid="message-status">
      {status === 'sending' && <ClockIcon size={14} />}
      {status === 'failed' && <AlertIcon size={14} />}
      {status === 'sent' && <CheckIcon size={14} />}
      {status === 'seen' && <DoubleCheckIcon size={14} />}
    </span>
  );
}

function ReplyQuote({ reply, onJump }: { reply: ReplyPreview; onJump(seq: number): void }) {
  return (
    <button
      type="button"
      className="msg__quote"
      onClick={() => onJump(reply.seq)}
      data-testid="reply-quote"
    >
      {/* Named by its visible text (plus what it does), never by a label that replaces it. */}
      <span className="visually-hidden">Reply to </span>
      <span className="msg__quote-name">{reply.name}</span>
      <span className="msg__quote-text">{reply.text ?? 'Earlier message'}</span>
      <span className="visually-hidden"> (show original)</span>
    </button>
  );
}

export const MessageBubble = memo(function MessageBubble(props: SentBubbleProps) {
  const { message: m, mine, me, status, isGroup, members, highlighted, selected } = props;
  countRender('MessageBubble', m.seq);
  const [picker, setPicker] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [showReaders, setShowReaders] = useState(false);
  const [fullPicker, setFullPicker] = useState(false);
  /** The reaction whose people are listed (long press on touch screens; hover shows a tooltip). */
  const [whoFor, setWhoFor] = useState<string | null>(null);
  const pressTimer = useRef<ReturnType<typeof setTimeout>>();
  const pickerRef = useRef<HTMLDivElement>(null);
  const reactButton = useRef<HTMLButtonElement>(null);
  const readersButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!picker) return;
    pickerRef.current?.querySelector('button')?.focus();
    const onDown = (e: MouseEvent) => {
      if (!pickerRef.current?.contains(e.target as Node)) setPicker(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [picker]);

  if (m.type === 'call') {
    const record = parseCallRecord(m.content);
    const outgoing = m.senderId === me;
    const missed = record !== null && record.status !== 'accepted' && !outgoing;
    return (
      <li
        className={`msg-system msg-call${missed ? ' msg-call--missed' : ''}`}
        data-testid="message"
        data-seq={m.seq}
        data-type="call"
        data-call-status={record?.status}
        id={props.domId ?? `msg-${m.seq}`}
      >
        {record?.media === 'video' ? <VideoIcon size={14} /> : <PhoneIcon size={14} />}
        <span data-testid="call-record">{describeCall(m.content, outgoing)}</span>
        <time dateTime={m.createdAt} title={formatFull(m.createdAt)}>
          {formatTime(m.createdAt)}
        </time>
      </li>
    );
  }

  if (m.type === 'system') {
    return (
      <li className="msg-system" data-testid="message" data-seq={m.seq} data-type={m.type} id={`msg-${m.seq}`}>
        {m.replyToSeq && !m.deletedAt ? (
          // A line about a message ("Ann pinned a message"): it shows that message.
          <button type="button" className="link-btn msg-system__jump" onClick={() => props.onJump(m.replyToSeq!)} data-testid="system-jump">
            {systemText(m.content, members, me)}
            <span className="visually-hidden"> (show the message)</span>
          </button>
        ) : (
          <span>{m.deletedAt ? 'Message deleted' : systemText(m.content, members, me)}</span>
        )}
        <time dateTime={m.createdAt} title={formatFull(m.createdAt)}>
          {formatTime(m.createdAt)}
        </time>
      </li>
    );
  }

  const deleted = m.deletedAt !== null;
  const myUsername = members.find((x) => x.userId === me)?.username;
  const secret = m.type === 'secret';
  const mentionsMe = !mine && !deleted && !secret && myUsername !== undefined && mentions(m.content, myUsername);
  const myReactions = new Set(m.reactions.filter((r) => r.userIds.includes(me)).map((r) => r.emoji));
  const toggle = (emoji: string) => props.onReact(m.seq, emoji, !myReactions.has(emoji));
  const namesOf = (userIds: string[]) => userIds.map((id) => (id === me ? 'You' : (members.find((x) => x.userId === id)?.displayName ?? 'Someone')));
  const readBy = showReaders ? props.readersOf(m) : [];

  return (
    <li
      className={`msg${mine ? ' msg--mine' : ''}${props.continued ? ' msg--continued' : ''}${highlighted ? ' msg--highlight' : ''}${selected ? ' msg--selected' : ''}${mentionsMe ? ' msg--mentions-me' : ''}`}
      data-testid="message"
      data-seq={m.seq}
      data-client-id={m.clientId}
      data-mine={mine ? 'true' : 'false'}
      data-status={status ?? undefined}
      data-deleted={deleted ? 'true' : undefined}
      data-type={m.type}
      data-album={props.album ? props.album.length : undefined}
      id={`msg-${m.seq}`}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        // Escape closes what is open here and puts focus back on the button that opened it.
        const back = picker ? reactButton.current : showReaders ? readersButton.current : null;
        if (picker || confirmDelete || showReaders || selected) e.stopPropagation();
        setPicker(false);
        setConfirmDelete(false);
        setShowReaders(false);
        if (selected) props.onSelect(null);
        back?.focus();
      }}
    >
      {props.senderName && !mine && <div className="msg__sender">{props.senderName}</div>}
      <div className="msg__row">
        <div
          className={`bubble${deleted ? ' bubble--deleted' : ''}`}
          data-testid="message-bubble"
          onClick={(e) => {
            // Controls (links, buttons, the voice player, the picture viewer) do their own thing.
            if (!(e.target as HTMLElement).closest('a,button,audio,dialog')) props.onSelect(selected ? null : m.seq);
          }}
        >
          {m.forwarded && !deleted && (
            <span className="bubble__forwarded" data-testid="forwarded-label">
              <ForwardIcon size={12} /> Forwarded
            </span>
          )}
          {props.reply && !deleted && <ReplyQuote reply={props.reply} onJump={props.onJump} />}
          {!deleted && !secret && m.attachment && (props.album ? <AlbumGrid messages={props.album} /> : <AttachmentView roomId={m.roomId} attachment={m.attachment} />)}
          {deleted ? (
            <p className="bubble__text bubble__text--deleted">This message was deleted</p>
          ) : secret ? (
            <SecretMessageBody message={m} me={me} renderText={(text) => <MessageText text={text} me={myUsername} />} />
          ) : (
            // The text, or an attachment's caption: the same Markdown subset either way.
            (m.content || !m.attachment) && <MessageText text={m.content} me={myUsername} />
          )}
          {/* Another client may caption every picture of an album: none of it is left out. */}
          {props.album?.slice(1).map((x) => x.content && <MessageText key={x.seq} text={x.content} me={myUsername} />)}
          {!deleted && m.linkPreview && <LinkPreviewCard preview={m.linkPreview} />}
          <span className="bubble__meta">
            {props.starred && !deleted && (
              <span className="bubble__star" role="img" aria-label="Starred" data-testid="starred-mark">
                <StarIcon size={12} />
              </span>
            )}
            {m.editedAt && !deleted && <span className="bubble__edited">edited</span>}
            <time dateTime={m.createdAt} title={formatFull(m.createdAt)}>
              {formatTime(m.createdAt)}
            </time>
            {mine && status && !deleted && <StatusIcon status={status} />}
          </span>
        </div>

        {!deleted && (
          <div className="msg__actions" role="toolbar" aria-label="Message actions">
            <button ref={reactButton} type="button" className="icon-btn icon-btn--sm" aria-label="Add reaction" aria-expanded={picker} onClick={() => setPicker((p) => !p)}>
              <SmileIcon size={16} />
            </button>
            {props.onReply && (
              <button type="button" className="icon-btn icon-btn--sm" aria-label="Reply" onClick={() => props.onReply?.(m.seq)} data-testid="reply-button">
                <ReplyIcon size={16} />
              </button>
            )}
            {isGroup && (
              <button
                ref={readersButton}
                type="button"
                className="icon-btn icon-btn--sm"
                aria-label="Read by"
                aria-expanded={showReaders}
                onClick={() => setShowReaders((s) => !s)}
                data-testid="read-by-button"
              >
                <InfoIcon size={16} />
              </button>
            )}
            {props.onAction && (
              <MessageMenu
                message={m}
                pinned={!!props.pinned}
                starred={!!props.starred}
                canPin={!!props.canPin}
                canThread={Boolean(props.onOpenThread) && canStartThread(m)}
                onAction={props.onAction}
              />
            )}
            {mine && m.type === 'text' && props.onEdit && (
              <button type="button" className="icon-btn icon-btn--sm" aria-label="Edit message" onClick={() => props.onEdit?.(m)} data-testid="edit-button">
                <EditIcon size={16} />
              </button>
            )}
            {mine &&
              (confirmDelete ? (
                <button
                  type="button"
                  className="btn btn--danger btn--xs"
                  aria-label="Confirm delete"
                  onClick={() => {
                    setConfirmDelete(false);
                    props.onDelete(m.seq);
                  }}
                  onBlur={() => setConfirmDelete(false)}
                  autoFocus
                  data-testid="confirm-delete"
                >
                  Delete
                </button>
              ) : (
                <button type="button" className="icon-btn icon-btn--sm" aria-label="Delete for everyone" title="Delete for everyone" onClick={() => setConfirmDelete(true)} data-testid="delete-button">
                  <TrashIcon size={16} />
                </button>
              ))}
            {picker && (
              <div
                className="reaction-picker"
                ref={pickerRef}
                role="group"
                aria-label="Choose a reaction"
                onKeyDown={(e) => {
                  // Left and right move along the row (Home and End to its ends), as in a toolbar.
                  const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button')];
                  const at = buttons.indexOf(e.target as HTMLButtonElement);
                  const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 }[e.key];
                  if (at < 0 || to === undefined) return;
                  e.preventDefault();
                  buttons[(to + buttons.length) % buttons.length]?.focus();
                }}
              >
                {QUICK_REACTIONS.map((emoji) => (
                  <button
                    key={emoji}
                    type="button"
                    className={`reaction-picker__btn${myReactions.has(emoji) ? ' is-on' : ''}`}
                    aria-label={`${myReactions.has(emoji) ? 'Remove' : 'React with'} ${emoji}`}
                    onClick={() => {
                      toggle(emoji);
                      setPicker(false);
                      reactButton.current?.focus();
                    }}
                  >
                    {emoji}
                  </button>
                ))}
                <button
                  type="button"
                  className="reaction-picker__btn reaction-picker__more"
                  aria-label="More emoji"
                  onClick={() => {
                    setPicker(false);
                    setFullPicker(true);
                  }}
                  data-testid="reaction-more"
                >
                  +
                </button>
              </div>
            )}
            {fullPicker && (
              <Suspense fallback={null}>
                <EmojiPicker
                  onPick={(emoji) => {
                    setFullPicker(false);
                    toggle(emoji);
                  }}
                  onClose={() => setFullPicker(false)}
                />
              </Suspense>
            )}
          </div>
        )}
      </div>

      {!deleted && m.reactions.length > 0 && (
        <div className="msg__reactions">
          {m.reactions.map((r) => (
            <button
              key={r.emoji}
              type="button"
              className={`reaction${myReactions.has(r.emoji) ? ' reaction--mine' : ''}`}
              aria-pressed={myReactions.has(r.emoji)}
              aria-label={`${r.emoji} ${r.userIds.length}, by ${namesOf(r.userIds).join(', ')}. ${myReactions.has(r.emoji) ? 'Remove my reaction' : 'Add this reaction'}`}
              title={namesOf(r.userIds).join(', ')}
              onClick={() => {
                if (whoFor === r.emoji) return setWhoFor(null);
                toggle(r.emoji);
              }}
              onPointerDown={(e) => {
                if (e.pointerType !== 'touch') return;
                pressTimer.current = setTimeout(() => setWhoFor(r.emoji), 500);
              }}
              onPointerUp={() => clearTimeout(pressTimer.current)}
              onPointerLeave={() => clearTimeout(pressTimer.current)}
              onContextMenu={(e) => e.preventDefault()}
              data-testid="reaction"
              data-emoji={r.emoji}
            >
              <span>{r.emoji}</span>
              <span className="reaction__count">{r.userIds.length}</span>
            </button>
          ))}
          {whoFor && m.reactions.some((r) => r.emoji === whoFor) && (
            <div className="reaction-who" role="status" data-testid="reaction-who">
              {whoFor} {namesOf(m.reactions.find((r) => r.emoji === whoFor)!.userIds).join(', ')}
            </div>
          )}
        </div>
      )}

      {props.thread && props.onOpenThread && (
        <button
          type="button"
          className={`thread-line${props.thread.unread ? ' thread-line--unread' : ''}`}
          onClick={() => props.onOpenThread?.(m.seq)}
          data-testid="thread-line"
          data-unread={props.thread.unread ? 'true' : 'false'}
        >
          {props.thread.unread && <span className="thread-line__dot" data-testid="thread-unread" />}
          <span className="thread-line__count">{pluralize(props.thread.count, 'reply', 'replies')}</span>
          <span className="thread-line__last">
            · last reply <time dateTime={props.thread.lastReplyAt}>{formatTime(props.thread.lastReplyAt)}</time>
          </span>
          <span className="visually-hidden">{props.thread.unread ? ', new replies' : ''}, open the thread</span>
        </button>
      )}

      {showReaders && (
        <div className="read-by" role="dialog" aria-label="Read by" data-testid="read-by">
          <div className="read-by__head">
            <strong>{readBy.length ? `Read by ${pluralize(readBy.length, 'person', 'people')}` : 'Not read yet'}</strong>
            <button type="button" className="icon-btn icon-btn--sm" aria-label="Close read-by list" onClick={() => {
                setShowReaders(false);
                readersButton.current?.focus();
              }}>
              <CloseIcon size={14} />
            </button>
          </div>
          {readBy.length > 0 && (
            <ul>
              {readBy.map((name, i) => (
                <li key={i}>{name}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </li>
  );
});

interface PendingBubbleProps extends CommonProps {
  pending: PendingMessage;
  connected: boolean;
  /** The last of my unsent messages carries the "will send" note. */
  last: boolean;
  /** A burst is being sent: how many are still on their way (on the last one). */
  progress: number | null;
  onRetry(clientId: string): void;
  onDiscard(clientId: string): void;
}

/** My message that the room has not acknowledged yet. */
export function PendingBubble({ pending: p, connected, last, progress, reply, onJump, onRetry, onDiscard, continued }: PendingBubbleProps) {
  const failed = p.status === 'failed' && !p.retryAfter;
  const status: DeliveryStatus = failed ? 'failed' : 'sending';
  return (
    <li
      className={`msg msg--mine msg--pending${continued ? ' msg--continued' : ''}${failed ? ' msg--failed' : ''}`}
      data-testid="message"
      data-pending="true"
      data-client-id={p.clientId}
      data-mine="true"
      data-status={status}
    >
      <div className="msg__row">
        <div className="bubble" data-testid="message-bubble">
          {reply && <ReplyQuote reply={reply} onJump={onJump} />}
          {p.upload && (
            <PendingAttachment upload={p.upload} uploading={p.status === 'uploading'} onCancel={() => onDiscard(p.clientId)} />
          )}
          {(p.content || !p.upload) && <MessageText text={p.content} />}
          <span className="bubble__meta">
            <time dateTime={p.createdAt}>{formatTime(p.createdAt)}</time>
            <StatusIcon status={status} />
          </span>
        </div>
      </div>
      {failed ? (
        <div className="msg__failed" role="alert">
          <span>{p.error ?? 'Not sent.'}</span>
          <button type="button" className="link-btn" onClick={() => onRetry(p.clientId)} aria-label="Retry sending this message" data-testid="retry-button">
            <RetryIcon size={14} /> Retry
          </button>
          <button type="button" className="link-btn" onClick={() => onDiscard(p.clientId)} aria-label="Discard this message">
            Discard
          </button>
        </div>
      ) : progress ? (
        <div className="msg__waiting" role="status" data-testid="send-progress">
          Sending {progress} messages…{p.retryAfter ? ' The server asks us to slow down; they go out in order.' : ''}
        </div>
      ) : (
        last &&
        (!connected || p.retryAfter) && (
          <div className="msg__waiting">{p.retryAfter ? 'Sending too fast — retrying…' : 'Will send when connected'}</div>
        )
      )}
    </li>
  );
}
