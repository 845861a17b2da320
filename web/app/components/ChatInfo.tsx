/**
 * The chat-info panel (the header's ⓘ): who this is (name, @username, presence) and what can be
 * done with the conversation. On a phone the header keeps only the title, so calls, search,
 * mute and group settings live here; in a direct chat it is also where Block / Unblock is.
 */
import { Link } from '@remix-run/react';
import { useEffect, useRef, type ReactNode } from 'react';
import type { MuteDuration } from '../services/api';
import { CloseIcon, PhoneIcon, SearchIcon, UsersIcon, VideoIcon } from './Icons';
import { FormError } from './FormError';
import { MuteMenu } from './MuteMenu';

interface Props {
  title: string;
  username: string | null;
  subtitle: string;
  isGroup: boolean;
  /** A group's description: plain text, its line breaks kept. */
  description?: string | null;
  avatar: ReactNode;
  onClose(): void;
  calls?: { voice(): void; video(): void; disabled: boolean } | null;
  onSearch?: (() => void) | null;
  mute?: { mutedUntil: string | null | undefined; onMute(d: MuteDuration): void } | null;
  settingsHref?: string | null;
  /** The Block / Unblock control of a direct chat. */
  block?: ReactNode;
  /** The chat's "Media, files and links" (a code-split panel). */
  media?: ReactNode;
  error?: string | null;
}

export function ChatInfo({ title, username, subtitle, isGroup, description, avatar, onClose, calls, onSearch, mute, settingsHref, block, media, error }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  return (
    <aside
      className="side-panel chat-info"
      aria-labelledby="chat-info-title"
      data-testid="chat-info"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) onClose();
      }}
    >
      <header className="panel__header">
        <h2 id="chat-info-title" tabIndex={-1} ref={heading}>
          {isGroup ? 'Group info' : 'Contact info'}
        </h2>
        <button type="button" className="icon-btn" aria-label="Close chat info" onClick={onClose} data-testid="chat-info-close">
          <CloseIcon />
        </button>
      </header>
      <div className="panel__body stack">
        <div className="chat-info__who">
          {avatar}
          <div className="chat-info__names">
            <p className="chat-info__name" data-testid="chat-info-name">
              {title}
            </p>
            {username && <p className="muted">@{username}</p>}
            {subtitle && subtitle !== `@${username}` && <p className="muted">{subtitle}</p>}
          </div>
        </div>
        {description && (
          <p className="chat-info__description" data-testid="chat-info-description">
            {description}
          </p>
        )}
        <div className="chat-info__actions">
          {calls && (
            <>
              <button type="button" className="btn btn--ghost" disabled={calls.disabled} onClick={calls.voice} data-testid="info-call-voice">
                <PhoneIcon /> Voice call
              </button>
              <button type="button" className="btn btn--ghost" disabled={calls.disabled} onClick={calls.video} data-testid="info-call-video">
                <VideoIcon /> Video call
              </button>
            </>
          )}
          {onSearch && (
            <button type="button" className="btn btn--ghost" onClick={onSearch} data-testid="info-search">
              <SearchIcon /> Search this chat
            </button>
          )}
          {mute && <MuteMenu mutedUntil={mute.mutedUntil} onMute={mute.onMute} labelled />}
          {settingsHref && (
            <Link to={settingsHref} className="btn btn--ghost" onClick={onClose} data-testid="info-group-settings">
              <UsersIcon /> Group settings
            </Link>
          )}
        </div>
        {media && (
          <section className="chat-info__media stack" aria-labelledby="chat-media-title">
            <h3 id="chat-media-title">Media, files and links</h3>
            {media}
          </section>
        )}
        {block && (
          <div className="danger-zone stack">
            <FormError message={error ?? null} testId="block-error" />
            {block}
          </div>
        )}
      </div>
    </aside>
  );
}
