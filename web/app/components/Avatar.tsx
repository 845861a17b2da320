import { useState } from 'react';
import { colorSlot, initials } from '../lib/format';
import { avatarUrl } from '../services/uploads';
import { useGroupPictureUrl } from '../hooks/useAttachmentUrl';

interface AvatarProps {
  id: string;
  name: string;
  size?: 'sm' | 'md' | 'lg';
  /** undefined: no dot. */
  online?: boolean;
  /** Our own connection is down: what we knew may be out of date, the dot is greyed out. */
  stale?: boolean;
  group?: boolean;
  /** The person's profile picture (a group's: `id` is the room), shown over the initials when set. */
  avatarId?: string | null;
}

/** The profile picture, or initials on a colour derived from the id, with an optional presence dot. */
export function Avatar({ id, name, size = 'md', online, stale, group, avatarId }: AvatarProps) {
  // A picture that fails to load (just replaced, offline) falls back to the initials.
  const [failed, setFailed] = useState<string | null>(null);
  const picture = avatarId && failed !== avatarId ? avatarId : null;
  // A group's picture is for members only: fetched with the token; initials until it arrives.
  const groupUrl = useGroupPictureUrl(id, group ? picture : null);
  const src = picture && (group ? groupUrl : avatarUrl(picture));
  return (
    <span className={`avatar avatar--${size} avatar--c${colorSlot(id)}${group ? ' avatar--group' : ''}`} aria-hidden="true">
      {src ? (
        <img
          className="avatar__img"
          src={src}
          alt=""
          loading="lazy"
          onError={() => setFailed(picture!)}
          data-testid="avatar-img"
          data-avatar-id={picture}
        />
      ) : (
        <span className="avatar__text">{initials(name)}</span>
      )}
      {online !== undefined && (
        <span
          className={`presence-dot${stale ? ' presence-dot--stale' : online ? ' presence-dot--online' : ''}`}
          data-testid="presence-dot"
          data-online={stale ? 'unknown' : online ? 'true' : 'false'}
        />
      )}
    </span>
  );
}
