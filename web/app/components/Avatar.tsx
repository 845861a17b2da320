import { colorSlot, initials } from '../lib/format';

interface AvatarProps {
  id: string;
  name: string;
  size?: 'sm' | 'md' | 'lg';
  /** undefined: no dot. */
  online?: boolean;
  /** Our own connection is down: what we knew may be out of date, the dot is greyed out. */
  stale?: boolean;
  group?: boolean;
}

/** Initials on a colour derived from the id, with an optional presence dot. */
export function Avatar({ id, name, size = 'md', online, stale, group }: AvatarProps) {
  return (
    <span className={`avatar avatar--${size} avatar--c${colorSlot(id)}${group ? ' avatar--group' : ''}`} aria-hidden="true">
      <span className="avatar__text">{initials(name)}</span>
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
