/** The header's bell: mute this chat for 1 hour, 8 hours, a week or until I unmute it. */
import { usePopupMenu } from '../hooks/usePopupMenu';
import type { MuteDuration } from '../services/api';
import { formatFull } from '../lib/format';
import { isMuted } from '../lib/mute';
import { BellIcon, BellOffIcon } from './Icons';

const CHOICES: { duration: MuteDuration; label: string }[] = [
  { duration: '1h', label: 'For 1 hour' },
  { duration: '8h', label: 'For 8 hours' },
  { duration: '1w', label: 'For a week' },
  { duration: 'forever', label: 'Until I unmute' },
];


interface Props {
  mutedUntil: string | null | undefined;
  onMute(d: MuteDuration): void;
  /** Shows the state as text beside the bell (the chat-info panel), not the header's bare icon. */
  labelled?: boolean;
}

export function MuteMenu({ mutedUntil, onMute, labelled = false }: Props) {
  const { open, setOpen, ref, onKeyDown } = usePopupMenu();
  const muted = isMuted(mutedUntil);

  const label = muted
    ? `Muted ${mutedUntil === 'forever' ? 'until you unmute' : `until ${formatFull(mutedUntil!)}`}. Change`
    : 'Mute notifications';
  const choose = (d: MuteDuration) => {
    setOpen(false);
    onMute(d);
  };
  return (
    <div className="mute-menu" ref={ref} onKeyDown={onKeyDown}>
      <button
        type="button"
        className={`${labelled ? 'btn btn--ghost' : 'icon-btn'}${muted ? ' is-muted' : ''}`}
        aria-label={labelled ? undefined : label}
        title={label}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        data-testid="mute-button"
        data-muted={muted ? 'true' : 'false'}
      >
        {muted ? <BellOffIcon /> : <BellIcon />}
        {labelled && (muted ? label : 'Mute notifications')}
      </button>
      {open && (
        <ul className="mute-menu__list" role="menu" aria-label="Mute notifications">
          {muted && (
            <li role="none">
              <button type="button" role="menuitem" onClick={() => choose('off')} data-testid="mute-off" autoFocus>
                Unmute
              </button>
            </li>
          )}
          {CHOICES.map((c, i) => (
            <li role="none" key={c.duration}>
              <button type="button" role="menuitem" onClick={() => choose(c.duration)} data-testid={`mute-${c.duration}`} autoFocus={!muted && i === 0}>
                {c.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
